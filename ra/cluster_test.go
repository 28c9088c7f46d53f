package ra

import (
	"bytes"
	"context"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tapdb/schema"
	"tapdb/store"
)

func record(t0 time.Time, saddr string, sport int32, daddr string, dport int32, spkts, dpkts int64, state, dir string) schema.Record {
	r := schema.Record{
		Stime: t0, Ltime: t0.Add(time.Second),
		Proto: "udp", PNum: 17, EType: 0x0800,
		Saddr: saddr, Daddr: daddr, Sport: sport, Dport: dport, HasPorts: true,
		Dir: dir, State: state, Cause: "Start", Flgs: " e",
		Spkts: spkts, Dpkts: dpkts, Sbytes: 100 * spkts, Dbytes: 100 * dpkts,
		Srcid: "s1", Trans: 1,
	}
	half := func(a netip.Addr) (hi, lo uint64) {
		b := a.As16()
		for i := 0; i < 8; i++ {
			hi = hi<<8 | uint64(b[i])
			lo = lo<<8 | uint64(b[8+i])
		}
		return hi, lo
	}
	r.SaddrHi, r.SaddrLo = half(netip.MustParseAddr(saddr))
	r.DaddrHi, r.DaddrLo = half(netip.MustParseAddr(daddr))
	r.HasAddrNum = true
	return r
}

// TestClusterMerges checks racluster's merge rules on a store: reversed
// keys join in the orientation of the earliest record, counters add,
// trans counts records, the state is the latest record's, ports that
// differ go blank and IPv4 addresses that differ become their prefix.
func TestClusterMerges(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.duckdb")
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 27, 5, 0, 0, 0, time.UTC)
	recs := []schema.Record{
		record(t0, "10.0.0.9", 5000, "10.0.0.1", 53, 2, 0, "INT", "->"),
		record(t0.Add(2*time.Second), "10.0.0.1", 53, "10.0.0.9", 5000, 1, 3, "CON", "<->"),
		record(t0.Add(4*time.Second), "10.0.0.9", 5001, "10.0.0.130", 53, 1, 1, "CON", "<->"),
	}
	w, err := st.NewWriter(ctx, store.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		if err := w.Write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	run := func(p Program, args string) string {
		o, err := parseNoRC(p, append([]string{"-r", path}, strings.Fields(args)...))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := Run(ctx, Env{Stdout: &buf, Loc: time.UTC}, o); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	tests := []struct {
		prog Program
		args string
		want string
	}{
		{Racluster, "-n -c , -s stime ltime saddr sport dir daddr dport spkts dpkts trans state",
			"StartTime,LastTime,SrcAddr,Sport,Dir,DstAddr,Dport,SrcPkts,DstPkts,Trans,State\n" +
				"05:00:00.000000,05:00:03.000000,10.0.0.9,5000,  <->,10.0.0.1,53,5,1,2,CON\n" +
				"05:00:04.000000,05:00:05.000000,10.0.0.9,5001,  <->,10.0.0.130,53,1,1,1,CON\n"},
		{Racluster, "-M nocorrect -n -c , -s saddr sport daddr dport trans",
			"SrcAddr,Sport,DstAddr,Dport,Trans\n" +
				"10.0.0.9,5000,10.0.0.1,53,1\n10.0.0.1,53,10.0.0.9,5000,1\n10.0.0.9,5001,10.0.0.130,53,1\n"},
		{Racluster, "-m saddr -n -c , -s saddr daddr sport dport trans pkts",
			"SrcAddr,DstAddr,Sport,Dport,Trans,TotPkts\n" +
				"10.0.0.9,10.0.0.0,,53,2,4\n10.0.0.1,10.0.0.9,53,5000,1,4\n"},
		{Racluster, "-m proto -n -c , -s proto saddr daddr trans",
			"Proto,SrcAddr,DstAddr,Trans\nudp,10.0.0.0,10.0.0.0,3\n"},
		{Rasort, "-m daddr -n -c , -s daddr",
			"DstAddr\n10.0.0.1\n10.0.0.9\n10.0.0.130\n"},
		{Racount, "- dst port 53",
			"racount   records     total_pkts     src_pkts       dst_pkts       total_bytes        src_bytes          dst_bytes\n" +
				"    sum   2           4              3              1              400                300                100               \n"},
	}
	for _, tt := range tests {
		t.Run(string(tt.prog)+" "+tt.args, func(t *testing.T) {
			if got := run(tt.prog, tt.args); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
