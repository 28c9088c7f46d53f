package flow

import (
	"errors"
	"slices"
	"testing"
	"time"

	"tapdb/ingest/decode"
	"tapdb/schema"
)

// TestRecordFields checks the non-key columns of a TCP connection record.
func TestRecordFields(t *testing.T) {
	c, s := "192.0.2.1", "192.0.2.2"
	ps := []decode.Packet{
		tcpP(t, 0, c, 40000, s, 80, syn, 1000, 0),
		acked(tcpP(t, 0.010, s, 80, c, 40000, synack, 5000, 0), 1001),
		acked(tcpP(t, 0.012, c, 40000, s, 80, ack, 1001, 0), 5001),
		acked(tcpP(t, 0.020, c, 40000, s, 80, psh|ack, 1001, 100), 5001),
		acked(tcpP(t, 0.030, s, 80, c, 40000, psh|ack, 5001, 300), 1101),
	}
	for i := range ps {
		ps[i].Encaps |= decode.EncVLAN
		ps[i].HasVLAN, ps[i].VLANID = true, 10
		ps[i].SrcMAC, ps[i].DstMAC = macA, macB
		if ps[i].Src == addr(t, s) {
			ps[i].VLANID = 11
			ps[i].SrcMAC, ps[i].DstMAC = macB, macA
			ps[i].TTL, ps[i].TOS = 57, 0x10
		}
	}
	ps[4].TCPWindow = 512
	recs := run(t, Config{Srcid: "probe1"}, ps)
	if len(recs) != 1 {
		t.Fatalf("got %d records, want 1", len(recs))
	}
	r := recs[0]
	want := schema.Record{
		Stime: time.Unix(0, at(0)).UTC(), Ltime: time.Unix(0, at(0.030)).UTC(),
		Flgs: " *", Proto: "tcp", PNum: 6, EType: 0x0800,
		Saddr: c, Daddr: s,
		SaddrHi: 0, SaddrLo: 0x0000ffff_c0000201, DaddrHi: 0, DaddrLo: 0x0000ffff_c0000202, HasAddrNum: true,
		Sport: 40000, Dport: 80, HasPorts: true,
		Dir: "->", State: "CON", Cause: "Start",
		Spkts: 3, Dpkts: 2, Sbytes: 54*3 + 100, Dbytes: 54*2 + 300, Sappbytes: 100, Dappbytes: 300,
		Sttl: 64, Dttl: 57, Stos: 0, Dtos: 0x10, HasSttl: true, HasDttl: true,
		Smac: "02:00:00:00:00:01", Dmac: "02:00:00:00:00:02",
		Svlan: 10, Dvlan: 11, HasSvlan: true, HasDvlan: true,
		STCPFlags: syn | ack | psh, DTCPFlags: synack | psh,
		Swin: 1000, Dwin: 512, Stcpb: 1000, Dtcpb: 5000,
		Synack: 0.010, Ackdat: 0.002,
		Encaps: "eth,vlan", Srcid: "probe1", Seq: 1, Trans: 1,
	}
	// Float durations come from nanosecond differences.
	if d := r.Synack - want.Synack; d > 1e-9 || d < -1e-9 {
		t.Errorf("Synack = %v, want %v", r.Synack, want.Synack)
	}
	if d := r.Ackdat - want.Ackdat; d > 1e-9 || d < -1e-9 {
		t.Errorf("Ackdat = %v, want %v", r.Ackdat, want.Ackdat)
	}
	r.Synack, r.Ackdat = want.Synack, want.Ackdat
	if r != want {
		t.Errorf("record\n got %+v\nwant %+v", r, want)
	}
}

// TestICMPErrorMapping checks the inode and the mapping letter per error type.
func TestICMPErrorMapping(t *testing.T) {
	tests := []struct {
		typ, code uint8
		letter    string
		v6        bool
	}{
		{3, 3, " eU", false},
		{5, 1, " eR", false},
		{11, 0, " eT", false},
		{12, 0, " eI", false},
		{1, 4, " eU", true},
		{3, 0, " eT", true},
		{2, 0, " eI", true},
	}
	for _, tc := range tests {
		c, s, r := "192.0.2.1", "192.0.2.2", "192.0.2.254"
		if tc.v6 {
			c, s, r = "2001:db8::1", "2001:db8::2", "2001:db8::fe"
		}
		ps := []decode.Packet{
			udpP(t, 0, c, 1000, s, 2000, 10),
			icmpErr(t, 0.1, r, c, tc.typ, tc.code, protoUDP, c, 1000, s, 2000),
		}
		recs := run(t, Config{}, ps)
		if len(recs) != 2 {
			t.Fatalf("type %d: got %d records", tc.typ, len(recs))
		}
		if recs[0].Flgs != tc.letter || recs[0].Inode != r {
			t.Errorf("type %d/%d v6=%v: flgs %q inode %q, want %q %q", tc.typ, tc.code, tc.v6, recs[0].Flgs, recs[0].Inode, tc.letter, r)
		}
	}
}

// TestICMPStates checks state names and key columns of ICMP records.
func TestICMPStates(t *testing.T) {
	tests := []struct {
		src, dst     string
		typ, code    uint8
		state        string
		sport, dport int32
	}{
		{"192.0.2.1", "192.0.2.2", 13, 0, "TST", 13, 0},
		{"192.0.2.1", "192.0.2.2", 3, 4, "URF", 0x0403, 0},
		{"192.0.2.1", "192.0.2.2", 3, 2, "URO", 0x0203, 17},
		{"192.0.2.1", "192.0.2.2", 5, 1, "RED", 0x0105, 0x0202},
		{"192.0.2.1", "192.0.2.2", 9, 0, "RTA", 9, 0},
		{"192.0.2.1", "192.0.2.2", 42, 0, "UNK", 42, 0},
		{"fe80::1", "ff02::16", 143, 0, "MHR", 143, 0},
		{"fe80::1", "ff02::2", 133, 0, "NRS", 133, 0},
		{"fe80::1", "fe80::2", 135, 0, "NNS", 135, 0},
		{"fe80::1", "fe80::2", 1, 4, "URP", 1, 4},
		{"fe80::1", "fe80::2", 4, 1, "PPNH", 4, 1},
		{"fe80::1", "fe80::2", 2, 0, "PTB", 2, 0},
		{"fe80::1", "fe80::2", 129, 0, "ECR", 128, 0},
		{"fe80::1", "ff02::1", 134, 0, "NRS", 133, 0},
		{"fe80::1", "fe80::2", 136, 0, "NNS", 135, 0},
	}
	for _, tc := range tests {
		var p decode.Packet
		if tc.typ == 3 || tc.typ == 5 {
			p = icmpErr(t, 0, tc.src, tc.dst, tc.typ, tc.code, protoUDP, tc.dst, 5, "2.2.3.4", 7)
		} else {
			p = icmpP(t, 0, tc.src, tc.dst, tc.typ, tc.code, 0, 0)
		}
		recs := run(t, Config{}, []decode.Packet{p})
		r := recs[0]
		if r.State != tc.state || r.Sport != tc.sport || r.Dport != tc.dport || !r.HasPorts {
			t.Errorf("type %d code %d: state %s sport %#x dport %#x, want %s %#x %#x",
				tc.typ, tc.code, r.State, r.Sport, r.Dport, tc.state, tc.sport, tc.dport)
		}
	}
}

// TestStatusTick checks that Tick emits a due status record without a packet.
func TestStatusTick(t *testing.T) {
	var c collector
	tb := NewTable(Config{}, c.emit)
	p := udpP(t, 0, "192.0.2.1", 1, "192.0.2.2", 2, 10)
	if err := tb.Add(&p); err != nil {
		t.Fatal(err)
	}
	if err := tb.Tick(at(4.9)); err != nil {
		t.Fatal(err)
	}
	if len(c.recs) != 0 {
		t.Fatalf("record emitted before the status interval: %v", rows(c.recs))
	}
	if err := tb.Tick(at(5)); err != nil {
		t.Fatal(err)
	}
	if len(c.recs) != 1 || c.recs[0].Cause != "Start" {
		t.Fatalf("after 5 s got %v, want one Start record", rows(c.recs))
	}
	if st := tb.Stats(); st.Live != 1 {
		t.Errorf("flow removed at its status tick: live %d", st.Live)
	}
	if err := tb.Tick(at(40)); err != nil {
		t.Fatal(err)
	}
	if st := tb.Stats(); st.Live != 0 || st.TimedOut != 1 || st.Records != 1 {
		t.Errorf("after the idle timeout: %+v", st)
	}
}

// TestOutOfOrderPackets checks packets older than the table's clock (out of
// order in their capture): each record's stime and ltime are the earliest and
// latest times of packets really in it, while the status and idle timers run
// on the clock, the latest time seen, and never go back. The scenarios were
// run through argus 3.0.8.2 (pcaps written for the purpose, argus -X -r);
// its stime, ltime and counts are in the comments where tapdb differs.
func TestOutOfOrderPackets(t *testing.T) {
	x := func(sec float64) decode.Packet { return udpP(t, sec, "10.0.0.1", 1000, "10.0.0.2", 2000, 10) }
	xr := func(sec float64) decode.Packet { return udpP(t, sec, "10.0.0.2", 2000, "10.0.0.1", 1000, 10) }
	y := func(sec float64) decode.Packet { return udpP(t, sec, "10.0.0.1", 1001, "10.0.0.3", 3000, 10) }
	z := func(sec float64) decode.Packet { return udpP(t, sec, "10.0.0.3", 1002, "10.0.0.2", 4000, 10) }
	type rec struct {
		stime, ltime float64
		sport        int32
		spkts, dpkts int64
	}
	tests := []struct {
		name string
		pkts []decode.Packet
		want []rec
	}{
		{"late packet inside a record", // argus: the same
			[]decode.Packet{x(100), x(101), x(100.5), x(102)},
			[]rec{{100, 102, 1000, 4, 0}}},
		{"another flow 50 s back", // argus: the same
			[]decode.Packet{x(100), y(50), x(101), y(51)},
			[]rec{{100, 101, 1000, 2, 0}, {50, 51, 1001, 2, 0}}},
		{"new flow older than the clock", // argus: the same
			[]decode.Packet{x(100), z(95), x(101), z(96)},
			[]rec{{100, 101, 1000, 2, 0}, {95, 96, 1002, 2, 0}}},
		{"reply older than the request", // argus: the same
			[]decode.Packet{x(100), xr(99), x(101)},
			[]rec{{100, 101, 1000, 2, 1}}},
		{"late packet after a status tick", // argus: stime 106 (the record's first packet)
			[]decode.Packet{x(100), x(106), x(103), x(107)},
			[]rec{{100, 100, 1000, 1, 0}, {103, 107, 1000, 3, 0}}},
		{"an hour back and forward again", // argus: stime 4000
			[]decode.Packet{x(4000), x(4001), x(400), x(401), x(4002)},
			[]rec{{400, 4002, 1000, 5, 0}}},
		{"old packets move no timer", // argus: X stime 4000, Y stime 407
			[]decode.Packet{x(4000), y(4001), x(400), y(401), x(406), y(407), x(4003), x(4010)},
			[]rec{{400, 4003, 1000, 4, 0}, {401, 4001, 1001, 3, 0}, {4010, 4010, 1000, 1, 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs := run(t, Config{}, tc.pkts)
			var got []rec
			for _, r := range recs {
				got = append(got, rec{
					float64(r.Stime.UnixNano()-base) / 1e9, float64(r.Ltime.UnixNano()-base) / 1e9,
					r.Sport, r.Spkts, r.Dpkts,
				})
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("records (stime ltime sport spkts dpkts):\n got %v\nwant %v", got, tc.want)
			}
		})
	}
}

// TestEmitError checks that emit's error stops Add and is returned wrapped.
func TestEmitError(t *testing.T) {
	boom := errors.New("disk full")
	tb := NewTable(Config{}, func(*schema.Record) error { return boom })
	p := udpP(t, 0, "192.0.2.1", 1, "192.0.2.2", 2, 10)
	if err := tb.Add(&p); err != nil {
		t.Fatal(err)
	}
	q := udpP(t, 6, "192.0.2.1", 1, "192.0.2.2", 2, 10)
	if err := tb.Add(&q); !errors.Is(err, boom) {
		t.Fatalf("Add returned %v, want %v", err, boom)
	}
}

// TestSeqNumbersFlows checks Record.Seq, Trans and the per-flow Cause: as
// in Argus, seq numbers flows in the order they were created, and every
// record of a flow carries its flow's number (emp.: a TCP flow's Start and
// Status records both had seq 1).
func TestSeqNumbersFlows(t *testing.T) {
	var ps []decode.Packet
	for i := 0; i < 3; i++ {
		ps = append(ps, udpP(t, float64(i)*5, "192.0.2.1", 1, "192.0.2.2", 2, 10))
	}
	ps = append(ps, udpP(t, 11, "192.0.2.9", 1, "192.0.2.2", 2, 10))
	recs := run(t, Config{}, ps)
	wantCause := []string{"Start", "Status", "Status", "Start"}
	if len(recs) != len(wantCause) {
		t.Fatalf("got %d records", len(recs))
	}
	wantSeq := []int64{1, 1, 1, 2}
	for i, r := range recs {
		if r.Seq != wantSeq[i] || r.Trans != 1 || r.Cause != wantCause[i] {
			t.Errorf("record %d: seq %d trans %d cause %s", i, r.Seq, r.Trans, r.Cause)
		}
	}
}

// TestNonIPAndRARP checks key columns of frames without IP.
func TestNonIPAndRARP(t *testing.T) {
	lldp := decode.Packet{
		TimeNanos: at(0), WireLen: 120, Encaps: decode.EncEthernet, HasMAC: true,
		SrcMAC: [6]byte{0, 0x11, 0x22, 0x33, 0x44, 0x55}, DstMAC: [6]byte{1, 0x80, 0xc2, 0, 0, 0x0e},
		EtherType: 0x88cc, Net: decode.NetOther,
	}
	rarp := arpP(t, 1, 3, "0.0.0.0", "0.0.0.0", macA, [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	rarp.EtherType = etherRARP
	recs := run(t, Config{}, []decode.Packet{lldp, rarp})
	if len(recs) != 2 {
		t.Fatalf("got %d records", len(recs))
	}
	l := recs[0]
	if l.Proto != "lldp" || l.PNum != 0x88cc || l.Saddr != "00:11:22:33:44:55" || l.Daddr != "01:80:c2:00:00:0e" || l.HasAddrNum || l.Smac != l.Saddr {
		t.Errorf("LLDP record: %+v", l)
	}
	r := recs[1]
	if r.Proto != "rarp" || r.Dir != "tel" || r.EType != etherRARP || r.HasPorts || !r.HasAddrNum {
		t.Errorf("RARP record: %+v", r)
	}
}
