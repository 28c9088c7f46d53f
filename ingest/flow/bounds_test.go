package flow

import (
	"encoding/binary"
	"testing"

	"tapdb/ingest/decode"
	"tapdb/schema"
)

// TestMaxFlowsBoundsMemory feeds many more flows than MaxFlows and checks
// that the table never holds more, evicts the oldest, and loses no packet.
func TestMaxFlowsBoundsMemory(t *testing.T) {
	const max, n = 64, 10000
	var pkts int64
	var recs int
	tb := NewTable(Config{MaxFlows: max}, func(r *schema.Record) error {
		pkts += r.Spkts + r.Dpkts
		recs++
		return nil
	})
	src := addr(t, "10.0.0.1")
	p := udpP(t, 0, "10.0.0.1", 1, "10.1.0.0", 53, 10)
	for i := 0; i < n; i++ {
		p.TimeNanos = at(float64(i) * 1e-4)
		p.Src = src
		binary.BigEndian.PutUint16(p.Dst[14:], uint16(i))
		if err := tb.Add(&p); err != nil {
			t.Fatal(err)
		}
		if st := tb.Stats(); st.Live > max {
			t.Fatalf("after %d flows: %d live flows, MaxFlows %d", i+1, st.Live, max)
		}
	}
	if len(tb.flows) > max || len(tb.index) > max {
		t.Errorf("table grew to %d slots, %d index entries; MaxFlows %d", len(tb.flows), len(tb.index), max)
	}
	st := tb.Stats()
	if st.Evicted != n-max || st.Flows != n {
		t.Errorf("evicted %d, created %d; want %d, %d", st.Evicted, st.Flows, n-max, n)
	}
	if err := tb.Flush(); err != nil {
		t.Fatal(err)
	}
	if recs != n || pkts != n {
		t.Errorf("emitted %d records with %d packets, want %d and %d", recs, pkts, n, n)
	}
	if st := tb.Stats(); st.Live != 0 {
		t.Errorf("%d flows live after Flush", st.Live)
	}
}

// mix builds a realistic set of packets over nflows flows: TCP (with
// handshake flags), UDP, DNS, ICMP echo and ARP.
func mix(t testing.TB, nflows int) []decode.Packet {
	var ps []decode.Packet
	cli := addr(t, "10.0.0.0")
	srv := addr(t, "192.0.2.0")
	for i := 0; i < nflows; i++ {
		c, s := cli, srv
		binary.BigEndian.PutUint16(c[14:], uint16(i))
		binary.BigEndian.PutUint16(s[14:], uint16(i%50))
		var fwd, rev decode.Packet
		switch i % 20 {
		case 0:
			fwd = icmpP(t, 0, "10.0.0.1", "192.0.2.1", 8, 0, uint16(i), 1)
			rev = icmpP(t, 0, "192.0.2.1", "10.0.0.1", 0, 0, uint16(i), 1)
		case 1:
			fwd = arpP(t, 0, 1, "10.0.0.1", "10.0.0.2", macA, macB)
			rev = arpP(t, 0, 2, "10.0.0.2", "10.0.0.1", macB, macA)
		case 2, 3:
			fwd = dnsP(t, 0, "10.0.0.1", 40000, "192.0.2.53", 53, uint16(i))
			rev = dnsP(t, 0, "192.0.2.53", 53, "10.0.0.1", 40000, uint16(i))
		case 4, 5, 6, 7, 8:
			fwd = udpP(t, 0, "10.0.0.1", 5000, "192.0.2.1", 443, 1200)
			rev = udpP(t, 0, "192.0.2.1", 443, "10.0.0.1", 5000, 100)
		default:
			fwd = tcpP(t, 0, "10.0.0.1", 40000, "192.0.2.1", 443, psh|ack, 1000, 1400)
			rev = tcpP(t, 0, "192.0.2.1", 443, "10.0.0.1", 40000, ack, 5000, 0)
		}
		for _, p := range []*decode.Packet{&fwd, &rev} {
			if p.Net == decode.NetARP {
				continue
			}
			if p.Src == addr(t, "10.0.0.1") {
				p.Src, p.Dst = c, s
			} else {
				p.Src, p.Dst = s, c
			}
		}
		ps = append(ps, fwd, rev, fwd)
	}
	return ps
}

// TestAddDoesNotAllocate checks the per-packet path for existing flows.
func TestAddDoesNotAllocate(t *testing.T) {
	ps := mix(t, 500)
	tb := NewTable(Config{}, func(*schema.Record) error { return nil })
	now := at(0)
	for i := range ps {
		ps[i].TimeNanos = now
		if err := tb.Add(&ps[i]); err != nil {
			t.Fatal(err)
		}
	}
	i := 0
	allocs := testing.AllocsPerRun(2000, func() {
		p := &ps[i%len(ps)]
		i++
		now += 1000 // 1 µs: stays inside one status interval
		p.TimeNanos = now
		if err := tb.Add(p); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Add allocated %.1f times per packet of an existing flow", allocs)
	}
}

// BenchmarkAdd runs a realistic mix of 2000 flows with time advancing
// 10 µs per packet, so status records (and their formatting) are included.
func BenchmarkAdd(b *testing.B) {
	ps := mix(b, 2000)
	tb := NewTable(Config{}, func(*schema.Record) error { return nil })
	now := at(0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := &ps[i%len(ps)]
		now += 10_000
		p.TimeNanos = now
		if err := tb.Add(p); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzTable drives the table with arbitrary packet sequences over a small
// address space and checks its bookkeeping: no packet is lost or counted
// twice, MaxFlows holds, and records are well formed.
func FuzzTable(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	f.Add([]byte("\x06\x02\x00\x00\x01\x06\x12\x01\x01\x00\x06\x10\x02\x00\x05\x11\x01\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var pkts int64
		tb := NewTable(Config{MaxFlows: 8}, func(r *schema.Record) error {
			pkts += r.Spkts + r.Dpkts
			if r.Ltime.Before(r.Stime) || r.Spkts+r.Dpkts == 0 || r.Proto == "" {
				t.Errorf("bad record %+v", *r)
			}
			return nil
		})
		now := at(0)
		for len(data) >= 6 {
			b := data[:6]
			data = data[6:]
			now += int64(b[5]) * 1e8
			p := fuzzPacket(b, now)
			if err := tb.Add(&p); err != nil {
				t.Fatal(err)
			}
			if st := tb.Stats(); st.Live > 8 {
				t.Fatalf("%d live flows", st.Live)
			}
		}
		if err := tb.Flush(); err != nil {
			t.Fatal(err)
		}
		st := tb.Stats()
		if want := st.Packets - st.Ignored; pkts != want {
			t.Fatalf("records hold %d packets, table keyed %d", pkts, want)
		}
	})
}

// fuzzPacket turns 6 bytes into a packet: b[0] kind, b[1] flags/type,
// b[2..3] addresses and ports, b[4] fragment/ids.
func fuzzPacket(b []byte, now int64) decode.Packet {
	p := decode.Packet{TimeNanos: now, WireLen: 60, Encaps: decode.EncEthernet, HasMAC: true}
	p.SrcMAC[5], p.DstMAC[5] = b[2]&3, b[3]&3
	v6 := b[0]&0x80 != 0
	p.Net = decode.NetIPv4
	if v6 {
		p.Net = decode.NetIPv6
	} else {
		p.Src[10], p.Src[11], p.Dst[10], p.Dst[11] = 0xff, 0xff, 0xff, 0xff
	}
	p.Src[15], p.Dst[15] = b[2]&3, b[3]&3
	switch b[0] & 7 {
	case 0:
		p.Proto, p.IsTCP, p.HasPorts = protoTCP, true, true
		p.TCPFlags, p.TCPSeq, p.PayloadLen = b[1], uint32(b[4]), int(b[4]&7)
	case 1:
		p.Proto, p.HasPorts = protoUDP, true
		if b[4]&1 != 0 {
			p.DstPort, p.HasDNSID, p.DNSID = 53, true, uint16(b[4]>>4)
		}
	case 2:
		p.Proto, p.IsICMP = protoICMP, true
		if v6 {
			p.Proto = protoICMPv6
		}
		p.ICMPType, p.ICMPCode, p.ICMPID, p.ICMPSeq = b[1]%20, b[4]&3, 1, uint16(b[4]>>6)
		if b[4]&4 != 0 {
			p.HasInner, p.InnerSrc, p.InnerDst, p.InnerProto = true, p.Dst, p.Src, protoUDP
			p.InnerHasPorts, p.InnerSrcPort, p.InnerDstPort = true, uint16(b[2]>>4), uint16(b[3]>>4)
		}
	case 3:
		p.Net, p.ARPOp = decode.NetARP, uint16(b[1]&3)+1
	case 4:
		p.Net, p.EtherType = decode.NetOther, uint16(b[1])
	case 5:
		p.Net = decode.NetNone
	default:
		p.Proto = b[1]
	}
	if p.HasPorts {
		p.SrcPort = p.SrcPort | uint16(b[2]>>4)
		if p.DstPort == 0 {
			p.DstPort = uint16(b[3] >> 4)
		}
	}
	if b[4]&0x30 == 0x30 && (p.Net == decode.NetIPv4 || p.Net == decode.NetIPv6) {
		p.Fragment, p.IPID = true, uint32(b[1]&1)
		p.FragOffset = uint16(b[4]&8) * 10
		p.MoreFrags = p.FragOffset == 0
	}
	return p
}

// TestIdleFlowsLeaveTheTable checks that idle timeouts keep the table (and
// its timer queues) to the flows of the last timeout span.
func TestIdleFlowsLeaveTheTable(t *testing.T) {
	const n = 20000
	tb := NewTable(Config{}, func(*schema.Record) error { return nil })
	p := udpP(t, 0, "10.0.0.1", 1, "10.1.0.0", 53, 10)
	for i := 0; i < n; i++ {
		p.TimeNanos = at(float64(i) * 0.01) // 200 s in all
		binary.BigEndian.PutUint16(p.Dst[14:], uint16(i))
		if err := tb.Add(&p); err != nil {
			t.Fatal(err)
		}
	}
	// A flow lives 5 s until its record is emitted, then 30 s more.
	st := tb.Stats()
	if st.Live > 3600 || st.TimedOut < n-3600 {
		t.Errorf("after %d one-packet flows over 200 s: %+v", n, st)
	}
	if len(tb.idle) > 3600 || tb.status.size > 600 {
		t.Errorf("timer queues hold %d idle and %d status entries", len(tb.idle), tb.status.size)
	}
	if err := tb.Flush(); err != nil {
		t.Fatal(err)
	}
	if st := tb.Stats(); st.Live != 0 || st.Records != n {
		t.Errorf("after Flush: %+v", st)
	}
	// The table keeps working after Flush.
	p.TimeNanos = at(300)
	if err := tb.Add(&p); err != nil {
		t.Fatal(err)
	}
	if err := tb.Flush(); err != nil {
		t.Fatal(err)
	}
	if st := tb.Stats(); st.Records != n+1 || st.Live != 0 {
		t.Errorf("second Flush: %+v", st)
	}
}

// BenchmarkAddTunnelsOuter is BenchmarkAdd with every packet decapsulated
// from an IP-in-IP tunnel and the table keying the tunnel
// (Config.Tunnels = TunnelsOuter): the path that turns each packet into its
// outer header.
func BenchmarkAddTunnelsOuter(b *testing.B) {
	ps := mix(b, 2000)
	for i := range ps {
		ps[i].Outer = decode.OuterIP{Src: addr(b, "198.51.100.1"), Dst: addr(b, "198.51.100.2"),
			Encaps: ps[i].Encaps, PayloadLen: int32(ps[i].WireLen), Valid: true, Proto: 4, TTL: 64}
	}
	tb := NewTable(Config{Tunnels: TunnelsOuter}, func(*schema.Record) error { return nil })
	now := at(0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := &ps[i%len(ps)]
		now += 10_000
		p.TimeNanos = now
		if err := tb.Add(p); err != nil {
			b.Fatal(err)
		}
	}
}
