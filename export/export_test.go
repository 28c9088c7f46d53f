package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"tapdb/schema"
	"tapdb/store"
)

var day0 = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

// record is a flow record with every column set to something checkable:
// unsigned columns at their maximum, IPv6 addresses whose halves both
// matter, NULLs (no TTL, no VLAN) every third record, a non-IP flow
// (MAC addresses, no numbers) every fifth.
func record(t time.Time, seq int64, srcid string) schema.Record {
	r := schema.Record{
		Stime: t, Ltime: t.Add(1500 * time.Millisecond),
		Flgs: " e      ", Proto: "tcp", PNum: 6, EType: 0x86dd,
		Saddr: fmt.Sprintf("2001:db8:ffff:%x::%x", seq%7, seq), Daddr: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe",
		Sport: int32(1024 + seq%60000), Dport: 443, HasPorts: true,
		Dir: "->", State: "FIN", Cause: "Start",
		Spkts: 3 + seq, Dpkts: 2, Sbytes: 1 << 40, Dbytes: 100 + seq, Sappbytes: 7, Dappbytes: 9,
		Sttl: 255, Dttl: 64, Stos: 3, Dtos: 0, HasSttl: true, HasDttl: true,
		Smac: "00:11:22:33:44:55", Dmac: "66:77:88:99:aa:bb",
		Svlan: 4095, Dvlan: 65535, HasSvlan: true, HasDvlan: true,
		Smpls: 1<<20 - 1, Dmpls: 0xffffffff, HasSmpls: true, HasDmpls: true,
		STCPFlags: 0xff, DTCPFlags: 0x12, Sretrans: 1, Dretrans: 2,
		Swin: 0xffffffff, Dwin: 65535 << 7, Stcpb: 0xfffffffe, Dtcpb: 12345,
		Synack: 0.000123, Ackdat: 1.5, Encaps: "eth,vlan", Inode: "10.9.9.9",
		Srcid: srcid, Seq: seq, Trans: 1,
	}
	if seq%2 == 0 {
		r.Saddr, r.EType = fmt.Sprintf("10.%d.%d.%d", seq%256, seq/256%256, seq%251), 0x0800
	}
	if seq%3 == 0 {
		r.HasSttl, r.HasDttl, r.HasSvlan, r.HasSmpls, r.Smac, r.Inode = false, false, false, false, "", ""
	}
	if seq%5 == 0 {
		r.Proto, r.PNum, r.EType, r.HasPorts = "arp", 0x0806, 0x0806, false
		r.Saddr, r.Daddr = "00:11:22:33:44:55", "ff:ff:ff:ff:ff:ff"
		return r
	}
	r.SaddrHi, r.SaddrLo = schema.AddrHalves(netip.MustParseAddr(r.Saddr))
	r.DaddrHi, r.DaddrLo = schema.AddrHalves(netip.MustParseAddr(r.Daddr))
	r.HasAddrNum = true
	return r
}

// days are n records a day from day0 on, spread over 20 hours, for two sources, one with a name
// that needs Hive escaping.
func days(d, n int, seq0 int64) []schema.Record {
	var recs []schema.Record
	seq := seq0
	for i := range d {
		for j := range n {
			src := "sensor-a"
			if j%3 == 0 {
				src = "fe80::1/x=y%"
			}
			recs = append(recs, record(day0.Add(time.Duration(i)*24*time.Hour+time.Duration(j)*20*time.Hour/time.Duration(n)), seq, src))
			seq++
		}
	}
	return recs
}

func openStore(t *testing.T, partition string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "flows.duckdb"), store.Options{Partition: partition})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// write stores recs through a writer that never seals.
func write(t *testing.T, s *store.Store, recs []schema.Record) {
	t.Helper()
	w, err := s.NewWriter(context.Background(), store.WriterOptions{SealGrace: -1, BatchSize: 997})
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

func seal(t *testing.T, s *store.Store, through time.Time) {
	t.Helper()
	if _, err := s.Seal(context.Background(), through); err != nil {
		t.Fatal(err)
	}
}

func export(t *testing.T, s *store.Store, dir string, opts Options) Result {
	t.Helper()
	r, err := ToDir(context.Background(), s, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// rowsByKey runs q and returns its rows as normalised text keyed by seq
// (the first column), failing on a seq seen twice.
func rowsByKey(t *testing.T, s *store.Store, q string) map[string][]string {
	t.Helper()
	rows, err := s.DB().Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	out := map[string][]string{}
	for rows.Next() {
		v := make([]any, len(cols))
		p := make([]any, len(cols))
		for i := range v {
			p[i] = &v[i]
		}
		if err := rows.Scan(p...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(v))
		for i, x := range v {
			row[i] = norm(t, cols[i], x)
		}
		if _, dup := out[row[0]]; dup {
			t.Errorf("seq %s twice", row[0])
		}
		out[row[0]] = row
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// norm is a value as text: times in UTC, 128-bit numbers (the store's
// UHUGEINT, the lake's 16 big-endian bytes) in decimal.
func norm(t *testing.T, col string, v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case []byte:
		if len(x) != 16 {
			t.Fatalf("%s: %d bytes, want 16", col, len(x))
		}
		return new(big.Int).SetBytes(x).String()
	case *big.Int:
		return x.String()
	case big.Int:
		return x.String()
	}
	return fmt.Sprint(v)
}

// storedNames are the columns the lake keeps: the stored ones, with the
// address numbers as 128-bit values instead of the store's halves.
func storedNames() []string {
	var names []string
	for _, c := range schema.Columns() {
		keep := c.Stored() != (c.Kind == schema.KindAddrNum)
		if keep && c.Name != "seq" {
			names = append(names, c.Name)
		}
	}
	return append([]string{"seq"}, names...)
}

func lakeGlob(dir string) string {
	return fmt.Sprintf("read_parquet('%s/flows/**/*.parquet', hive_partitioning = true, hive_types = {'srcid': VARCHAR, 'date': DATE})", dir)
}

// compareLake checks that the lake holds exactly the store's records with
// stime before end, every column equal.
func compareLake(t *testing.T, s *store.Store, dir string, end time.Time) int {
	t.Helper()
	cols := strings.Join(storedNames(), ", ")
	want := rowsByKey(t, s, fmt.Sprintf("SELECT %s FROM flows WHERE stime < make_timestamptz(%d::BIGINT)", cols, end.UnixMicro()))
	got := rowsByKey(t, s, fmt.Sprintf("SELECT %s FROM %s", cols, lakeGlob(dir)))
	if len(got) != len(want) {
		t.Errorf("lake holds %d records, store %d before %v", len(got), len(want), end)
	}
	names := storedNames()
	bad := 0
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("seq %s not in the lake", k)
			continue
		}
		for i := range w {
			if g[i] != w[i] && bad < 10 {
				bad++
				t.Errorf("seq %s column %s: lake %s, store %s", k, names[i], g[i], w[i])
			}
		}
	}
	return len(got)
}

// checkManifest checks the manifest's files against the lake: checksums,
// sizes, row counts; and that the lake holds no other file.
func checkManifest(t *testing.T, s *store.Store, dir string) *Manifest {
	t.Helper()
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{manifestName: true}
	var total int64
	for _, p := range m.Periods {
		var rows int64
		for _, f := range p.Files {
			listed[f.Path] = true
			b, err := os.ReadFile(filepath.Join(dir, f.Path))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(b)
			if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(b)) != f.Bytes {
				t.Errorf("%s: sha256 %x, %d bytes; manifest says %s, %d", f.Path, sum, len(b), f.SHA256, f.Bytes)
			}
			var n int64
			if err := s.DB().QueryRow(fmt.Sprintf("SELECT count(*) FROM read_parquet('%s')", filepath.Join(dir, f.Path))).Scan(&n); err != nil || n != f.Rows {
				t.Errorf("%s: %d rows (%v), manifest says %d", f.Path, n, err, f.Rows)
			}
			rows += f.Rows
		}
		if rows != p.Rows {
			t.Errorf("period %v: files hold %d rows, manifest says %d", p.Lo, rows, p.Rows)
		}
		total += rows
	}
	if total != m.Rows {
		t.Errorf("manifest: %d rows in periods, %d in total", total, m.Rows)
	}
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if !listed[filepath.ToSlash(rel)] {
			t.Errorf("lake holds %s, not in the manifest", rel)
		}
		return nil
	})
	return m
}

// Three sealed days of four go out as one file per day and srcid; every
// column reads back equal (IPv6 addresses exactly, through the 16-byte
// numbers); the manifest matches the files; a second export writes
// nothing.
func TestExportRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, "day")
	write(t, s, days(4, 300, 1))
	seal(t, s, day0.Add(3*24*time.Hour))
	dir := t.TempDir()

	r := export(t, s, dir, Options{RowGroupSize: 64})
	if len(r.Files) != 6 || r.Rows != 900 || !r.Manifest {
		t.Errorf("export wrote %d files, %d rows, manifest %v; want 6, 900, true", len(r.Files), r.Rows, r.Manifest)
	}
	for _, f := range r.Files {
		if f.Part != 1 {
			t.Errorf("%s: part %d", f.File, f.Part)
		}
	}
	if want := "flows/date=2026-11-25/srcid=fe80%3A%3A1%2Fx%3Dy%25/part-1.parquet"; r.Files[0].File != want {
		t.Errorf("first file %s, want %s", r.Files[0].File, want)
	}
	if n := compareLake(t, s, dir, day0.Add(3*24*time.Hour)); n != 900 {
		t.Errorf("lake holds %d records, want 900", n)
	}
	m := checkManifest(t, s, dir)
	if len(m.Periods) != 3 || m.Rows != 900 || m.Period != "day" || m.SchemaVersion < 6 {
		t.Errorf("manifest: %d periods, %d rows, period %s, schema %d", len(m.Periods), m.Rows, m.Period, m.SchemaVersion)
	}

	// The files' types are those the manifest states; records (so row
	// groups) are in stime order.
	rows, err := s.DB().QueryContext(ctx, fmt.Sprintf("DESCRIBE SELECT * FROM read_parquet('%s/%s', hive_partitioning = false)", dir, r.Files[1].File))
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]string{}
	for rows.Next() {
		var name, typ string
		var a, b, c, d any
		if err := rows.Scan(&name, &typ, &a, &b, &c, &d); err != nil {
			t.Fatal(err)
		}
		types[name] = typ
	}
	rows.Close()
	duck := map[string]string{"TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE"}
	for _, c := range m.Columns {
		want := c.Type
		if d, ok := duck[want]; ok {
			want = d
		}
		if types[c.Name] != want {
			t.Errorf("column %s is %s in the file, manifest says %s", c.Name, types[c.Name], c.Type)
		}
	}
	if len(types) != len(m.Columns) {
		t.Errorf("file has %d columns, manifest %d", len(types), len(m.Columns))
	}
	var unordered int
	if err := s.DB().QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM (SELECT stime < lag(stime) OVER (ORDER BY file_row_number) AS back
		FROM read_parquet('%s/%s', file_row_number = true)) WHERE back`, dir, r.Files[1].File)).Scan(&unordered); err != nil {
		t.Fatal(err)
	}
	if unordered != 0 {
		t.Errorf("%d records out of stime order", unordered)
	}

	// A CIDR test on the numbers, as an engine without tapdb's macros
	// writes it: 2001:db8:ffff:3::/64.
	var n, want int
	if err := s.DB().QueryRowContext(ctx, fmt.Sprintf("SELECT count(*) FROM %s WHERE saddr_num BETWEEN unhex('20010db8ffff00030000000000000000') AND unhex('20010db8ffff0003ffffffffffffffff')", lakeGlob(dir))).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows WHERE stime < ? AND saddr LIKE '2001:db8:ffff:3::%'", day0.Add(3*24*time.Hour)).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if n != want || n == 0 {
		t.Errorf("CIDR on the lake's numbers: %d records, store %d", n, want)
	}

	before, _ := os.ReadFile(filepath.Join(dir, manifestName))
	again := export(t, s, dir, Options{})
	if len(again.Files) != 0 || again.Manifest {
		t.Errorf("second export wrote %d files, manifest %v", len(again.Files), again.Manifest)
	}
	after, _ := os.ReadFile(filepath.Join(dir, manifestName))
	if string(before) != string(after) {
		t.Error("second export changed the manifest")
	}
}

// Records stored for exported periods go out as part-2 holding only them,
// also after retention deleted an earlier period (and the checkpoint
// renumbered the rows).
func TestExportLateRecords(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, "day")
	write(t, s, days(4, 200, 1))
	seal(t, s, day0.Add(3*24*time.Hour))
	dir := t.TempDir()
	export(t, s, dir, Options{})

	late := []schema.Record{
		record(day0.Add(24*time.Hour+5*time.Minute), 10001, "sensor-a"),
		record(day0.Add(24*time.Hour+6*time.Minute), 10002, "sensor-a"),
		record(day0.Add(48*time.Hour+7*time.Minute), 10003, "sensor-b"),
	}
	write(t, s, late)
	r := export(t, s, dir, Options{})
	got := map[string]int64{}
	for _, f := range r.Files {
		got[f.File] = f.Rows
	}
	want := map[string]int64{
		"flows/date=2026-11-26/srcid=sensor-a/part-2.parquet": 2,
		"flows/date=2026-11-27/srcid=sensor-b/part-2.parquet": 1,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("late export wrote %v, want %v", got, want)
	}
	compareLake(t, s, dir, day0.Add(3*24*time.Hour))
	checkManifest(t, s, dir)

	// Retention drops the first day (exported); a late record for the
	// third day after the checkpoint renumbered the rows is found alone.
	if _, err := s.DeleteBefore(ctx, day0.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	write(t, s, []schema.Record{record(day0.Add(48*time.Hour+9*time.Minute), 10004, "sensor-a")})
	r = export(t, s, dir, Options{})
	if len(r.Files) != 1 || r.Files[0].File != "flows/date=2026-11-27/srcid=sensor-a/part-3.parquet" || r.Rows != 1 {
		t.Errorf("after retention, late export wrote %+v", r.Files)
	}
	var seq int64
	if err := s.DB().QueryRowContext(ctx, fmt.Sprintf("SELECT seq FROM read_parquet('%s/%s')", dir, r.Files[0].File)).Scan(&seq); err != nil || seq != 10004 {
		t.Errorf("part-3 holds seq %d (%v), want 10004", seq, err)
	}
	// The lake keeps the day retention dropped from the store.
	m := checkManifest(t, s, dir)
	if m.Rows != 600+4 || len(m.Periods) != 3 {
		t.Errorf("manifest: %d rows in %d periods, want 604 in 3", m.Rows, len(m.Periods))
	}
}

// A crash after a part's files are in place and before the store records
// them: the next export writes the part again, under the same names, and
// nothing twice; a crashed export's temporary file is removed.
func TestExportResumesAfterCrash(t *testing.T) {
	s := openStore(t, "day")
	write(t, s, days(3, 100, 1))
	seal(t, s, day0.Add(3*24*time.Hour))
	dir := t.TempDir()

	crash := errors.New("crash")
	calls := 0
	_, err := ToDir(context.Background(), s, dir, Options{afterRename: func([]store.ExportedFile) error {
		if calls++; calls == 2 {
			return crash
		}
		return nil
	}})
	if !errors.Is(err, crash) {
		t.Fatalf("export: %v, want the crash", err)
	}
	if _, err := os.Stat(filepath.Join(dir, manifestName)); !os.IsNotExist(err) {
		t.Errorf("a crashed export left a manifest: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, tmpDir, "part-123.parquet"), []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := export(t, s, dir, Options{})
	var parts []string
	for _, f := range r.Files {
		parts = append(parts, f.File)
	}
	sort.Strings(parts)
	if len(parts) != 4 || !strings.HasPrefix(parts[0], "flows/date=2026-11-26/") || !strings.HasSuffix(parts[0], "part-1.parquet") {
		t.Errorf("resumed export wrote %v, want day 2 and 3's part-1", parts)
	}
	if n := compareLake(t, s, dir, day0.Add(3*24*time.Hour)); n != 300 {
		t.Errorf("lake holds %d records, want 300", n)
	}
	checkManifest(t, s, dir)
}

// With a lake, retention refuses to delete a period the lake lacks: sealed
// and not exported, late records not exported, or not sealed at all.
func TestRetentionKeepsUnexported(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, "day")
	write(t, s, days(4, 50, 1))
	seal(t, s, day0.Add(2*24*time.Hour))
	dir := t.TempDir()
	export(t, s, dir, Options{})
	seal(t, s, day0.Add(3*24*time.Hour))
	write(t, s, []schema.Record{record(day0.Add(time.Hour), 9001, "sensor-a")}) // late, day 1

	refused := func(cutoff time.Time, period time.Time, unsealed bool) {
		t.Helper()
		_, err := s.DeleteBefore(ctx, cutoff)
		var u *store.UnexportedError
		if !errors.As(err, &u) || !u.Period.Equal(period) || u.Unsealed != unsealed {
			t.Fatalf("delete before %v: %v; want refused for %v (unsealed %v)", cutoff, err, period, unsealed)
		}
	}
	refused(day0.Add(24*time.Hour), day0, false)                    // day 1's late record
	refused(day0.Add(4*24*time.Hour), day0, false)                  // and day 3, sealed, not exported
	export(t, s, dir, Options{})                                    // part-2 of day 1, part-1 of day 3
	refused(day0.Add(4*24*time.Hour), day0.Add(72*time.Hour), true) // day 4 is not sealed
	r, err := s.DeleteBefore(ctx, day0.Add(3*24*time.Hour))
	if err != nil || r.Rows != 151 {
		t.Fatalf("delete three exported days: %+v, %v", r, err)
	}
	// Without the lake, retention deletes what it likes.
	abs, _ := filepath.Abs(dir)
	if ok, err := s.RemoveLake(ctx, abs); !ok || err != nil {
		t.Fatalf("remove lake: %v, %v", ok, err)
	}
	if r, err := s.DeleteBefore(ctx, day0.Add(5*24*time.Hour)); err != nil || r.Rows != 50 {
		t.Fatalf("delete without a lake: %+v, %v", r, err)
	}
}

// Since skips earlier periods, and the lake remembers it.
func TestExportSince(t *testing.T) {
	s := openStore(t, "hour")
	write(t, s, days(2, 200, 1))
	seal(t, s, day0.Add(2*24*time.Hour))
	dir := t.TempDir()
	r := export(t, s, dir, Options{Since: day0.Add(24*time.Hour + 90*time.Minute)})
	for _, f := range r.Files {
		if f.Lo.Before(day0.Add(25 * time.Hour)) {
			t.Errorf("exported %s, before since", f.File)
		}
	}
	if len(r.Files) == 0 || !strings.HasPrefix(r.Files[0].File, "flows/date=2026-11-26/hour=01/") {
		t.Errorf("first file %+v, want the hour holding since", r.Files)
	}
	if again := export(t, s, dir, Options{}); len(again.Files) != 0 {
		t.Errorf("export without --since wrote %d files: the lake forgot its since", len(again.Files))
	}
	var n int
	if err := s.DB().QueryRow(fmt.Sprintf("SELECT count(*) FROM read_parquet('%s/flows/**/*.parquet', hive_partitioning = true) WHERE hour = 2 AND date = DATE '2026-11-26'", dir)).Scan(&n); err != nil || n != 10 {
		t.Errorf("hour 02 of 11-26: %d records (%v), want 10", n, err)
	}
}

func TestPaths(t *testing.T) {
	lo := time.Date(2026, 11, 25, 5, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		g     store.Granularity
		srcid string
		want  string
	}{
		{store.Day, "sensor-a", "flows/date=2026-11-25/srcid=sensor-a/part-2.parquet"},
		{store.Hour, "0.0.0.0", "flows/date=2026-11-25/hour=05/srcid=0.0.0.0/part-2.parquet"},
		{store.Month, "a/b=c", "flows/month=2026-11/srcid=a%2Fb%3Dc/part-2.parquet"},
		{store.Day, "", "flows/date=2026-11-25/srcid=__HIVE_DEFAULT_PARTITION__/part-2.parquet"},
		{store.Day, "..", "flows/date=2026-11-25/srcid=../part-2.parquet"},
		{store.Day, "é\n", "flows/date=2026-11-25/srcid=é%0A/part-2.parquet"},
	} {
		if got := filePath(c.g, lo, c.srcid, 2); got != c.want {
			t.Errorf("%v %q: %s, want %s", c.g, c.srcid, got, c.want)
		}
	}
}
