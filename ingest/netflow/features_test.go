package netflow

import (
	"testing"
	"time"

	"tapdb/schema"
)

// decodeAll decodes datagrams from exporterA at t0 without pairing.
func decodeAll(t *testing.T, datagrams ...[]byte) ([]*schema.Record, *Decoder) {
	t.Helper()
	d := NewDecoder(Config{PairWindow: -1})
	var recs []*schema.Record
	for _, dg := range datagrams {
		if err := d.Decode(exporterA, dg, t0, collect(&recs)); err != nil {
			t.Fatalf("Decode: %v", err)
		}
	}
	return recs, d
}

func TestV9SamplerOptions(t *testing.T) {
	// Options template 256: scope System (type 1, length 4), then
	// FLOW_SAMPLER_ID (48, 1 byte) and FLOW_SAMPLER_RANDOM_INTERVAL (50, 4).
	opts := set(1, be16(256), be16(4), be16(8), be16(1), be16(4), be16(48), be16(1), be16(50), be16(4))
	optData := set(256, be32(0), []byte{1}, be32(10), be32(0), []byte{2}, be32(1000))
	// Data template 258: src, dst, proto, bytes, packets, sampler id.
	tm := set(0, tmpl(258, 8, 4, 12, 4, 4, 1, 1, 4, 2, 4, 48, 1))
	rec := func(sampler byte) []byte {
		return cat(ip4("10.0.0.1"), ip4("10.0.0.2"), []byte{17}, be32(150), be32(3), []byte{sampler})
	}
	// Data first: options and templates apply to the whole datagram.
	recs, _ := decodeAll(t, v9Packet(5000, 1700000000, 3, set(258, rec(1), rec(2), rec(3)), opts, optData, tm))
	want := []int64{10, 1000, 1} // sampler 3 is unknown: unsampled
	if len(recs) != 3 {
		t.Fatalf("%d records", len(recs))
	}
	for i, r := range recs {
		if r.Spkts != 3*want[i] || r.Sbytes != 150*want[i] {
			t.Errorf("record %d: %d pkts %d bytes, want ×%d", i, r.Spkts, r.Sbytes, want[i])
		}
	}
}

func TestIPFIXFeatures(t *testing.T) {
	const export = 1700000000
	// Options template 400, scope selectorId (302): samplingPacketInterval
	// (305) 1 of samplingPacketSpace (306) 99 → 1:100; and the system init
	// time (160) for uptime-relative flow times.
	opts := set(3, be16(400), be16(4), be16(1), be16(302), be16(4), be16(305), be16(4), be16(306), be16(4), be16(160), be16(8))
	const bootMs = (export - 3600) * 1000 // booted an hour before the export
	optData := set(400, be32(7), be32(1), be32(99), be64(bootMs))
	// Template 500: IPv6 addresses, proto, icmpTypeCodeIPv6, an enterprise
	// field of variable length, octets, packets, selectorId, uptime start
	// and end, reverse octets and packets (RFC 5103).
	tm := set(2, be16(500), be16(12),
		be16(27), be16(16), be16(28), be16(16), be16(4), be16(1), be16(139), be16(2),
		be16(0x8000|99), be16(0xffff), be32(12345),
		be16(1), be16(8), be16(2), be16(8), be16(302), be16(4), be16(22), be16(4), be16(21), be16(4),
		be16(0x8000|1), be16(8), be32(reversePEN), be16(0x8000|2), be16(4), be32(reversePEN))
	long := make([]byte, 300) // needs the 255 escape
	rec := func(typeCode uint16, vendor []byte) []byte {
		return cat(ip6("2001:db8::1"), ip6("2001:db8::2"), []byte{58}, be16(typeCode), vendor,
			be64(840), be64(10), be32(7), be32(3_000_000), be32(3_005_000), be64(840), be32(10))
	}
	recs, _ := decodeAll(t, ipfixPacket(export, 42, opts, optData, tm,
		set(500, rec(128<<8, []byte{3, 'a', 'b', 'c'}), rec(1<<8|4, cat([]byte{255}, be16(300), long)))))
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2", len(recs))
	}
	boot := time.UnixMilli(bootMs).UTC()
	want := []schema.Record{
		{
			Stime: boot.Add(3000 * time.Second), Ltime: boot.Add(3005 * time.Second),
			Flgs: "N", Proto: "ipv6-icmp", PNum: 58, EType: 0x86dd,
			Saddr: "2001:db8::1", Daddr: "2001:db8::2",
			SaddrHi: 0x20010db800000000, SaddrLo: 1, DaddrHi: 0x20010db800000000, DaddrLo: 2, HasAddrNum: true,
			Sport: 128, Dport: 0, HasPorts: true, Dir: "<->", State: "ECO", Cause: "Start",
			Spkts: 1000, Dpkts: 1000, Sbytes: 84000, Dbytes: 84000,
			Srcid: "192.0.2.1", Seq: 1, Trans: 1,
		},
		{
			Stime: boot.Add(3000 * time.Second), Ltime: boot.Add(3005 * time.Second),
			Flgs: "N", Proto: "ipv6-icmp", PNum: 58, EType: 0x86dd,
			Saddr: "2001:db8::1", Daddr: "2001:db8::2",
			SaddrHi: 0x20010db800000000, SaddrLo: 1, DaddrHi: 0x20010db800000000, DaddrLo: 2, HasAddrNum: true,
			Sport: 1, Dport: 4, HasPorts: true, Dir: "<->", State: "URP", Cause: "Start",
			Spkts: 1000, Dpkts: 1000, Sbytes: 84000, Dbytes: 84000,
			Srcid: "192.0.2.1", Seq: 2, Trans: 1,
		},
	}
	for i := range want {
		if d := recordDiff(recs[i], &want[i]); d != "" {
			t.Errorf("record %d:\n%s", i, d)
		}
	}
}

func TestIPFIXWithdrawal(t *testing.T) {
	tm := set(2, tmpl(300, 8, 4, 12, 4, 4, 1, 2, 4))
	data := set(300, ip4("10.0.0.1"), ip4("10.0.0.2"), []byte{17}, be32(5))
	withdraw := set(2, be16(300), be16(0))
	recs, d := decodeAll(t, ipfixPacket(1, 0, tm, data), ipfixPacket(2, 0, withdraw), ipfixPacket(3, 0, data))
	if len(recs) != 1 || d.Stats().IPFIX.Deferred != 1 {
		t.Fatalf("%d records, %d deferred; want 1, 1 (the template was withdrawn)", len(recs), d.Stats().IPFIX.Deferred)
	}
}

func TestICMPv4TypeCode(t *testing.T) {
	// icmpTypeCodeIPv4 (32) port unreachable 3/3; v9 exporters that leave
	// it out put type<<8|code into the destination port.
	tm := set(2, tmpl(300, 8, 4, 12, 4, 4, 1, 32, 2, 2, 4))
	data := set(300, ip4("10.0.0.1"), ip4("10.0.0.2"), []byte{1}, be16(3<<8|3), be32(1))
	recs, _ := decodeAll(t, ipfixPacket(1, 0, tm, data),
		v5Packet(1000, 1, 0, v5Rec{src: "10.0.0.1", dst: "10.0.0.2", dport: 11 << 8, proto: 1, pkts: 1, bytes: 56}))
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	if r := recs[0]; r.Sport != 0x0303 || r.Dport != 0 || r.State != "URP" || r.Proto != "icmp" {
		t.Errorf("ipfix: sport %#x dport %d state %s proto %s, want 0x0303 0 URP icmp", r.Sport, r.Dport, r.State, r.Proto)
	}
	if r := recs[1]; r.Sport != 11 || r.Dport != 0 || r.State != "TXD" {
		t.Errorf("v5: sport %#x dport %d state %s, want 0x000b 0 TXD", r.Sport, r.Dport, r.State)
	}
}

func TestV5HeaderSampling(t *testing.T) {
	// Sampling mode 01 (deterministic) with interval 64.
	recs, _ := decodeAll(t, v5Packet(1000, 1, 1<<14|64, v5Rec{src: "10.0.0.1", dst: "10.0.0.2", proto: 6, flags: 0x04, pkts: 2, bytes: 80}))
	if len(recs) != 1 || recs[0].Spkts != 128 || recs[0].Sbytes != 5120 || recs[0].State != "RST" {
		t.Fatalf("got %+v", recs)
	}
}
