package netflow

import (
	"errors"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"tapdb/schema"
)

var (
	exporterA = netip.MustParseAddrPort("192.0.2.1:2055")
	exporterB = netip.MustParseAddrPort("192.0.2.2:2055")
	t0        = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
)

// collect returns an emit function that appends to *recs.
func collect(recs *[]*schema.Record) func(*schema.Record) error {
	return func(r *schema.Record) error { *recs = append(*recs, r); return nil }
}

func TestPairing(t *testing.T) {
	// Export header: uptime 100 s at t0, so uptime u ms is t0 - (100000-u) ms.
	const up = 100_000
	at := func(ms uint32) time.Time { return t0.Add(-time.Duration(up-ms) * time.Millisecond) }
	type dgram struct {
		from netip.AddrPort
		recs []v5Rec
	}
	cases := []struct {
		name  string
		in    []dgram
		want  []string // dir state spkts dpkts sbytes dbytes saddr sport trans stime ltime
		pairs uint64
	}{
		{
			name: "udp both ways, later-starting record first",
			in: []dgram{{exporterA, []v5Rec{
				{src: "10.0.0.2", dst: "10.0.0.1", sport: 53, dport: 5000, proto: 17, pkts: 1, bytes: 120, first: 90_100, last: 90_100},
				{src: "10.0.0.1", dst: "10.0.0.2", sport: 5000, dport: 53, proto: 17, pkts: 1, bytes: 60, first: 90_000, last: 90_000},
			}}},
			want:  []string{fmt.Sprintf("<-> CON 1 1 60 120 10.0.0.1 5000 2 %s %s", at(90_000).Format(time.RFC3339Nano), at(90_100).Format(time.RFC3339Nano))},
			pairs: 1,
		},
		{
			name: "tcp connection: SYN seen, printed -> as Argus does",
			in: []dgram{
				{exporterA, []v5Rec{{src: "10.0.0.1", dst: "10.0.0.2", sport: 40000, dport: 80, proto: 6, flags: 0x1b, pkts: 6, bytes: 500, first: 10_000, last: 12_000}}},
				{exporterA, []v5Rec{{src: "10.0.0.2", dst: "10.0.0.1", sport: 80, dport: 40000, proto: 6, flags: 0x1b, pkts: 5, bytes: 9000, first: 10_010, last: 12_010}}},
			},
			want:  []string{fmt.Sprintf("-> FIN 6 5 500 9000 10.0.0.1 40000 2 %s %s", at(10_000).Format(time.RFC3339Nano), at(12_010).Format(time.RFC3339Nano))},
			pairs: 1,
		},
		{
			name: "icmp echo: reply first, requester becomes the source",
			in: []dgram{{exporterA, []v5Rec{
				{src: "10.0.0.2", dst: "10.0.0.1", dport: 0x0000, proto: 1, pkts: 4, bytes: 336, first: 50_000, last: 53_000},
				{src: "10.0.0.1", dst: "10.0.0.2", dport: 0x0800, proto: 1, pkts: 4, bytes: 336, first: 50_000, last: 53_000},
			}}},
			want:  []string{fmt.Sprintf("<-> ECO 4 4 336 336 10.0.0.1 8 2 %s %s", at(50_000).Format(time.RFC3339Nano), at(53_000).Format(time.RFC3339Nano))},
			pairs: 1,
		},
		{
			name: "times far apart: not a pair",
			in: []dgram{{exporterA, []v5Rec{
				{src: "10.0.0.1", dst: "10.0.0.2", sport: 5000, dport: 53, proto: 17, pkts: 1, bytes: 60, first: 10_000, last: 10_000},
				{src: "10.0.0.2", dst: "10.0.0.1", sport: 53, dport: 5000, proto: 17, pkts: 1, bytes: 120, first: 90_000, last: 90_000},
			}}},
			want: []string{
				fmt.Sprintf("-> INT 1 0 60 0 10.0.0.1 5000 1 %s %s", at(10_000).Format(time.RFC3339Nano), at(10_000).Format(time.RFC3339Nano)),
				fmt.Sprintf("-> INT 1 0 120 0 10.0.0.2 53 1 %s %s", at(90_000).Format(time.RFC3339Nano), at(90_000).Format(time.RFC3339Nano)),
			},
		},
		{
			name: "different exporters: not a pair",
			in: []dgram{
				{exporterA, []v5Rec{{src: "10.0.0.1", dst: "10.0.0.2", sport: 5000, dport: 53, proto: 17, pkts: 1, bytes: 60, first: 90_000, last: 90_000}}},
				{exporterB, []v5Rec{{src: "10.0.0.2", dst: "10.0.0.1", sport: 53, dport: 5000, proto: 17, pkts: 1, bytes: 120, first: 90_000, last: 90_000}}},
			},
			want: []string{
				fmt.Sprintf("-> INT 1 0 60 0 10.0.0.1 5000 1 %s %s", at(90_000).Format(time.RFC3339Nano), at(90_000).Format(time.RFC3339Nano)),
				fmt.Sprintf("-> INT 1 0 120 0 10.0.0.2 53 1 %s %s", at(90_000).Format(time.RFC3339Nano), at(90_000).Format(time.RFC3339Nano)),
			},
		},
		{
			name: "two echo requests both ways are not a request and its reply",
			in: []dgram{{exporterA, []v5Rec{
				{src: "10.0.0.1", dst: "10.0.0.2", dport: 0x0800, proto: 1, pkts: 1, bytes: 84, first: 50_000, last: 50_000},
				{src: "10.0.0.2", dst: "10.0.0.1", dport: 0x0800, proto: 1, pkts: 1, bytes: 84, first: 50_000, last: 50_000},
			}}},
			want: []string{
				fmt.Sprintf("-> ECO 1 0 84 0 10.0.0.1 8 1 %s %s", at(50_000).Format(time.RFC3339Nano), at(50_000).Format(time.RFC3339Nano)),
				fmt.Sprintf("-> ECO 1 0 84 0 10.0.0.2 8 1 %s %s", at(50_000).Format(time.RFC3339Nano), at(50_000).Format(time.RFC3339Nano)),
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(Config{})
			var recs []*schema.Record
			for i, dg := range tc.in {
				if err := d.Decode(dg.from, v5Packet(up, uint32(t0.Unix()), 0, dg.recs...), t0.Add(time.Duration(i)*time.Millisecond), collect(&recs)); err != nil {
					t.Fatal(err)
				}
			}
			if err := d.Flush(collect(&recs)); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range recs {
				got = append(got, fmt.Sprintf("%s %s %d %d %d %d %s %d %d %s %s", r.Dir, r.State, r.Spkts, r.Dpkts, r.Sbytes, r.Dbytes,
					r.Saddr, r.Sport, r.Trans, r.Stime.Format(time.RFC3339Nano), r.Ltime.Format(time.RFC3339Nano)))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
			if p := d.Stats().Paired; p != tc.pairs {
				t.Errorf("paired %d, want %d", p, tc.pairs)
			}
		})
	}
}

func TestPairWindowExpiry(t *testing.T) {
	d := NewDecoder(Config{PairWindow: 2 * time.Second})
	var recs []*schema.Record
	pkt := v5Packet(100_000, uint32(t0.Unix()), 0, v5Rec{src: "10.0.0.1", dst: "10.0.0.2", sport: 1, dport: 2, proto: 17, pkts: 1, bytes: 60, first: 99_000, last: 99_000})
	if err := d.Decode(exporterA, pkt, t0, collect(&recs)); err != nil {
		t.Fatal(err)
	}
	if err := d.Expire(t0.Add(time.Second), collect(&recs)); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 0 || d.Stats().PendingRecords != 1 {
		t.Fatalf("after 1 s: %d records emitted, %d waiting; want 0, 1", len(recs), d.Stats().PendingRecords)
	}
	if err := d.Expire(t0.Add(3*time.Second), collect(&recs)); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || d.Stats().PendingRecords != 0 {
		t.Fatalf("after 3 s: %d records emitted, %d waiting; want 1, 0", len(recs), d.Stats().PendingRecords)
	}
}

// The pairing buffer never holds more than pairMaxRecords; the oldest leave
// first, unpaired.
func TestPairBufferBounded(t *testing.T) {
	d := NewDecoder(Config{PairWindow: time.Hour})
	var n int
	emit := func(*schema.Record) error { n++; return nil }
	const total = pairMaxRecords + 300
	for i := 0; i < total; i += 30 {
		var recs []v5Rec
		for j := i; j < i+30 && j < total; j++ {
			recs = append(recs, v5Rec{src: "10.0.0.1", dst: "10.0.0.2", sport: uint16(j), dport: uint16(j >> 16), proto: 17, pkts: 1, bytes: 60, first: 99_000, last: 99_000})
		}
		if err := d.Decode(exporterA, v5Packet(100_000, uint32(t0.Unix()), 0, recs...), t0, emit); err != nil {
			t.Fatal(err)
		}
	}
	if st := d.Stats(); st.PendingRecords != pairMaxRecords || n != total-pairMaxRecords {
		t.Fatalf("waiting %d emitted %d, want %d %d", st.PendingRecords, n, pairMaxRecords, total-pairMaxRecords)
	}
	if err := d.Flush(emit); err != nil {
		t.Fatal(err)
	}
	if n != total {
		t.Fatalf("emitted %d after flush, want %d", n, total)
	}
}

func TestEmitErrorStops(t *testing.T) {
	d := NewDecoder(Config{PairWindow: -1})
	stop := fmt.Errorf("store full")
	calls := 0
	pkts := readExports(t, "testdata/akvorado-netflow-v5.pcap")
	err := d.Decode(pkts[0].from, pkts[0].payload, pkts[0].time, func(*schema.Record) error { calls++; return stop })
	if err == nil || calls != 1 {
		t.Fatalf("err %v after %d calls, want the emit error after 1", err, calls)
	}
	if !errors.Is(err, stop) {
		t.Fatalf("err %v does not wrap the emit error", err)
	}
}

// Paired entries leave the queue even when receive time stands still.
func TestPairQueueCompacts(t *testing.T) {
	d := NewDecoder(Config{PairWindow: time.Hour})
	n := 0
	emit := func(*schema.Record) error { n++; return nil }
	const pairs = 20000
	for i := range pairs {
		sp := uint16(i)
		pkt := v5Packet(100_000, uint32(t0.Unix()), 0,
			v5Rec{src: "10.0.0.1", dst: "10.0.0.2", sport: sp, dport: 53, proto: 17, pkts: 1, bytes: 60, first: 99_000, last: 99_000},
			v5Rec{src: "10.0.0.2", dst: "10.0.0.1", sport: 53, dport: sp, proto: 17, pkts: 1, bytes: 90, first: 99_001, last: 99_001})
		if err := d.Decode(exporterA, pkt, t0, emit); err != nil {
			t.Fatal(err)
		}
	}
	if n != pairs || d.Stats().Paired != pairs {
		t.Fatalf("emitted %d, paired %d; want %d", n, d.Stats().Paired, pairs)
	}
	if q := len(d.pair.q) - d.pair.head; q > 4097 {
		t.Fatalf("%d queue entries for %d waiting records", q, d.pair.len())
	}
}
