package store

import (
	"context"
	"math/big"
	"net/netip"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tapdb/schema"
)

func testRecord(t time.Time, saddr, daddr string, sbytes int64) schema.Record {
	r := schema.Record{
		Stime: t, Ltime: t.Add(1500 * time.Millisecond),
		Proto: "tcp", PNum: 6, EType: 0x0800,
		Saddr: saddr, Daddr: daddr, Sport: 40000, Dport: 80, HasPorts: true,
		Dir: "->", State: "FIN", Cause: "Start",
		Spkts: 3, Dpkts: 2, Sbytes: sbytes, Dbytes: 100,
		Srcid: "test", Trans: 1,
	}
	s, d := netip.MustParseAddr(saddr), netip.MustParseAddr(daddr)
	r.SaddrHi, r.SaddrLo = addrHalves(s)
	r.DaddrHi, r.DaddrLo = addrHalves(d)
	r.HasAddrNum = true
	return r
}

func addrHalves(a netip.Addr) (hi, lo uint64) {
	b := a.As16()
	for i := 0; i < 8; i++ {
		hi = hi<<8 | uint64(b[i])
		lo = lo<<8 | uint64(b[8+i])
	}
	return hi, lo
}

func openTest(t *testing.T, path string, opts Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func writeAll(t *testing.T, s *Store, recs []schema.Record, batch int) {
	t.Helper()
	w, err := s.NewWriter(context.Background(), WriterOptions{BatchSize: batch})
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
}

var day0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func threeDays() []schema.Record {
	var recs []schema.Record
	for d := 0; d < 3; d++ {
		for i := 0; i < 100; i++ {
			recs = append(recs, testRecord(day0.Add(time.Duration(d)*24*time.Hour+time.Duration(i)*time.Minute), "10.0.0."+strconv.Itoa(i%250+1), "2001:db8::"+strconv.FormatInt(int64(i), 16), int64(1000+i)))
		}
	}
	return recs
}

func TestPartitionsAndView(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "flows.duckdb")
	s := openTest(t, path, Options{})
	writeAll(t, s, threeDays(), 70)

	parts, err := s.Partitions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range parts {
		names = append(names, p.Name)
		if p.Rows != 100 {
			t.Errorf("partition %s has %d rows, want 100", p.Name, p.Rows)
		}
	}
	if got := strings.Join(names, ","); got != "flows_d20261125,flows_d20261126,flows_d20261127" {
		t.Errorf("partitions = %s", got)
	}
	var n, bytes int64
	if err := s.DB().QueryRowContext(ctx, "SELECT count(*), sum(bytes) FROM flows").Scan(&n, &bytes); err != nil {
		t.Fatal(err)
	}
	if n != 300 {
		t.Errorf("flows has %d rows, want 300", n)
	}
	// Every column of the table is in the view, in order.
	rows, err := s.DB().QueryContext(ctx, "SELECT * FROM flows LIMIT 1")
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	rows.Close()
	for i, c := range schema.Columns() {
		if i >= len(cols) || cols[i] != c.Name {
			t.Fatalf("view column %d = %v, want %s", i, cols, c.Name)
		}
	}
}

// A query for one day must scan only that day's partition.
func TestOneDayReadsOnePartition(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, filepath.Join(t.TempDir(), "flows.duckdb"), Options{})
	writeAll(t, s, threeDays(), 1000)
	var plan string
	row := s.DB().QueryRowContext(ctx, "EXPLAIN ANALYZE SELECT count(*) FROM flows WHERE stime >= ? AND stime < ?",
		day0.Add(24*time.Hour).Truncate(24*time.Hour), day0.Add(48*time.Hour).Truncate(24*time.Hour))
	var kind string
	if err := row.Scan(&kind, &plan); err != nil {
		t.Fatal(err)
	}
	scanned := regexp.MustCompile(`(flows_d\d{8})`).FindAllStringSubmatch(plan, -1)
	if len(scanned) != 1 || scanned[0][1] != "flows_d20261126" {
		t.Fatalf("query for 2026-11-26 scanned %v; plan:\n%s", scanned, plan)
	}
	var n int
	if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows WHERE stime >= TIMESTAMPTZ '2026-11-26 00:00:00+00' AND stime < TIMESTAMPTZ '2026-11-27 00:00:00+00'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 100 {
		t.Errorf("one day holds %d flows, want 100", n)
	}
}

func TestRetentionDropsWholePartitions(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, filepath.Join(t.TempDir(), "flows.duckdb"), Options{})
	writeAll(t, s, threeDays(), 1000)
	dropped, err := s.DropPartitionsBefore(ctx, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(dropped, ",") != "flows_d20261125,flows_d20261126" {
		t.Fatalf("dropped %v", dropped)
	}
	var n int
	if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 100 {
		t.Errorf("after retention flows has %d rows, want 100", n)
	}
	var tables int
	s.DB().QueryRowContext(ctx, "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'flows_d%'").Scan(&tables)
	if tables != 1 {
		t.Errorf("%d partition tables remain, want 1", tables)
	}
	// Writing into a dropped day recreates its partition.
	writeAll(t, s, []schema.Record{testRecord(day0, "10.0.0.1", "10.0.0.2", 1)}, 10)
	if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows").Scan(&n); err != nil || n != 101 {
		t.Errorf("after rewrite: %d rows, %v", n, err)
	}
}

func TestReopenKeepsDataAndWidth(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "flows.duckdb")
	s, err := Open(ctx, path, Options{Partition: "hour"})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, s, threeDays()[:5], 2)
	s.Close()

	s2 := openTest(t, path, Options{Partition: "month"})
	if s2.Partitioning() != Hour {
		t.Errorf("reopened store partitions by %v, want hour", s2.Partitioning())
	}
	v, err := s2.SchemaVersion(ctx)
	if err != nil || v < 2 {
		t.Errorf("schema version %d, %v", v, err)
	}
	parts, _ := s2.Partitions(ctx)
	if len(parts) != 1 || parts[0].Name != "flows_h2026112510" {
		t.Errorf("partitions %+v", parts)
	}
	s2.Close()

	ro := openTest(t, path, Options{ReadOnly: true})
	var n int
	if err := ro.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows").Scan(&n); err != nil || n != 5 {
		t.Errorf("read-only open: %d rows, %v", n, err)
	}
	if _, err := ro.NewWriter(ctx, WriterOptions{}); err == nil {
		t.Error("read-only store gave a writer")
	}
}

func TestAddressMacros(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, "", Options{})
	addrs := []string{"10.1.2.3", "0.0.0.0", "255.255.255.255", "::", "::1", "2001:db8::1", "fe80::d875:53ff:fe03:f66e", "1:2:3:4:5:6:7:8", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8:0:1::"}
	for _, a := range addrs {
		var got string
		if err := s.DB().QueryRowContext(ctx, "SELECT CAST(ip_num(?) AS VARCHAR)", a).Scan(&got); err != nil {
			t.Fatalf("ip_num(%s): %v", a, err)
		}
		hi, lo := addrHalves(netip.MustParseAddr(a))
		want := new(big.Int).Lsh(new(big.Int).SetUint64(hi), 64)
		want.Add(want, new(big.Int).SetUint64(lo))
		if got != want.String() {
			t.Errorf("ip_num(%s) = %s, want %s", a, got, want)
		}
	}
	cases := []struct {
		addr, cidr string
		in         bool
	}{
		{"10.1.2.3", "10.0.0.0/8", true},
		{"11.1.2.3", "10.0.0.0/8", false},
		{"10.1.2.3", "10.1.2.3/32", true},
		{"10.1.2.4", "10.1.2.3/32", false},
		{"192.0.2.77", "192.0.2.1/24", true}, // host bits ignored, as Argus does
		{"10.1.2.3", "0.0.0.0/0", true},
		{"2001:db8::1", "0.0.0.0/0", false}, // an IPv4 /0 is all of IPv4 only
		{"2001:db8::1", "2001:db8::/32", true},
		{"2001:db9::1", "2001:db8::/32", false},
		{"10.1.2.3", "::/0", true},
		{"fe80::1", "fe80::/10", true},
		{"febf:ffff::1", "fe80::/10", true},
		{"fec0::1", "fe80::/10", false},
		{"::1", "::1", true},
		{"10.1.2.3", "10.1.2.3", true},
	}
	for _, c := range cases {
		var in, inNum bool
		if err := s.DB().QueryRowContext(ctx, "SELECT in_net(?, ?), in_net_num(ip_num(?), ?)", c.addr, c.cidr, c.addr, c.cidr).Scan(&in, &inNum); err != nil {
			t.Fatalf("in_net(%s, %s): %v", c.addr, c.cidr, err)
		}
		if in != c.in || inNum != c.in {
			t.Errorf("in_net(%s, %s) = %v / %v, want %v", c.addr, c.cidr, in, inNum, c.in)
		}
	}
}

// The numeric address columns hold what ip_num computes from the text.
func TestStoredAddressNumbers(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, "", Options{})
	writeAll(t, s, threeDays()[:20], 100)
	var bad int
	if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows WHERE saddr_num <> ip_num(saddr) OR daddr_num <> ip_num(daddr)").Scan(&bad); err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d rows where the numeric address differs from ip_num(text)", bad)
	}
	var n int
	s.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows WHERE in_net_num(daddr_num, '2001:db8::/120') AND in_net(saddr, '10.0.0.0/28')").Scan(&n)
	if n != 15 {
		t.Errorf("CIDR query matched %d, want 15", n)
	}
}
