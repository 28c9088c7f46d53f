package serve

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"tapdb/schema"
	"tapdb/store"
)

func TestParseBaseline(t *testing.T) {
	tests := []struct {
		spec    string
		want    Baseline
		wantErr string
	}{
		{spec: "talkers@1h=select saddr, sum(bytes) from flows group by 1;", want: Baseline{"talkers", time.Hour, "select saddr, sum(bytes) from flows group by 1"}},
		{spec: " ports_15m @15m = select dport, count(*) from flows group by 1", want: Baseline{"ports_15m", 15 * time.Minute, "select dport, count(*) from flows group by 1"}},
		{spec: "daily@1d=select 1 as x where 1 = 1", want: Baseline{"daily", 24 * time.Hour, "select 1 as x where 1 = 1"}},
		{spec: "talkers=select 1", wantErr: "want NAME@EVERY=SQL"},
		{spec: "talkers@1h", wantErr: "want NAME@EVERY=SQL"},
		{spec: `bad"name@1h=select 1`, wantErr: "must be lower-case"},
		{spec: "Talkers@1h=select 1", wantErr: "must be lower-case"},
		{spec: "t@soon=select 1", wantErr: "interval"},
		{spec: "t@500ms=select 1", wantErr: "interval"},
		{spec: "t@1h= ; ", wantErr: "empty query"},
	}
	for _, tc := range tests {
		got, err := ParseBaseline(tc.spec)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseBaseline(%q) error = %v, want %q", tc.spec, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseBaseline(%q) = %+v, %v; want %+v", tc.spec, got, err, tc.want)
		}
	}
	if _, err := ParseBaselines([]string{"a@1h=select 1", "a@2h=select 2"}); err == nil {
		t.Error("two baselines with one name accepted")
	}
}

func TestBaselineRunAppends(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w, err := st.NewWriter(ctx, store.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 27, 5, 0, 0, 0, time.UTC)
	for i, a := range []string{"10.0.0.1", "10.0.0.1", "10.0.0.2"} {
		addr := netip.MustParseAddr(a).As16()
		var lo uint64
		for _, b := range addr[8:] {
			lo = lo<<8 | uint64(b)
		}
		r := schema.Record{Stime: t0.Add(time.Duration(i) * time.Second), Ltime: t0.Add(time.Duration(i) * time.Second),
			Proto: "udp", PNum: 17, EType: 0x0800, Saddr: a, Daddr: "10.0.0.9", HasPorts: true, Sport: 1000, Dport: 53,
			Dir: "->", State: "INT", Cause: "Start", Spkts: 1, Sbytes: 100, Trans: 1, SaddrLo: lo, HasAddrNum: true}
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Harden(ctx); err != nil { // baselines run on the hardened store of tapdb serve
		t.Fatal(err)
	}
	b, err := ParseBaseline("talkers@1h=select saddr, sum(bytes) as bytes from flows group by 1")
	if err != nil {
		t.Fatal(err)
	}
	for i, at := range []time.Time{t0, t0.Add(time.Hour)} {
		n, err := b.Run(ctx, st.DB(), at)
		if err != nil || n != 2 {
			t.Fatalf("run %d: %d rows, %v", i, n, err)
		}
	}
	rows, err := st.DB().QueryContext(ctx, "SELECT run_at, saddr, bytes FROM baseline_talkers ORDER BY run_at, saddr")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var at time.Time
		var saddr string
		var bytes int64
		if err := rows.Scan(&at, &saddr, &bytes); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %s %d", at.UTC().Format("15:04"), saddr, bytes))
	}
	want := []string{"05:00 10.0.0.1 200", "05:00 10.0.0.2 100", "06:00 10.0.0.1 200", "06:00 10.0.0.2 100"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("baseline_talkers = %q, want %q", got, want)
	}
	bad := Baseline{Name: "broken", Every: time.Hour, SQL: "select nosuchcolumn from flows"}
	if _, err := bad.Run(ctx, st.DB(), t0); err == nil || !strings.Contains(err.Error(), "baseline broken") {
		t.Errorf("broken baseline: %v", err)
	}
}
