package translate

import (
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestParseTimeRange(t *testing.T) {
	loc := time.FixedZone("X", 3600) // times are read in now's zone
	now := time.Date(2026, 11, 27, 7, 30, 0, 0, loc)
	at := func(y int, mo time.Month, d, h, m, s, ns int) time.Time { return time.Date(y, mo, d, h, m, s, ns, loc) }
	tests := []struct {
		spec       string
		start, end time.Time
		mode       RangeMode
		neg        bool
	}{
		{"2026/11/27.05:00-2026/11/27.06:00", at(2026, 11, 27, 5, 0, 0, 0), at(2026, 11, 27, 6, 0, 0, 0), Intersects, false},
		{"05:06:03-05:06:04", at(2026, 11, 27, 5, 6, 3, 0), at(2026, 11, 27, 5, 6, 4, 0), Intersects, false},
		{"05:06:03", at(2026, 11, 27, 5, 6, 3, 0), at(2026, 11, 27, 5, 6, 4, 0), Intersects, false},
		{"05:06", at(2026, 11, 27, 5, 6, 0, 0), at(2026, 11, 27, 5, 7, 0, 0), Intersects, false},
		{"5", at(2026, 11, 27, 5, 0, 0, 0), at(2026, 11, 27, 6, 0, 0, 0), Intersects, false},
		{"2026/11/26", at(2026, 11, 26, 0, 0, 0, 0), at(2026, 11, 27, 0, 0, 0, 0), Intersects, false},
		{"26.23:00-27.01:00", at(2026, 11, 26, 23, 0, 0, 0), at(2026, 11, 27, 1, 0, 0, 0), Intersects, false},
		{"10/01.12-13", at(2026, 10, 1, 12, 0, 0, 0), at(2026, 10, 1, 13, 0, 0, 0), Intersects, false},
		{"2026/11/27.05:00+30m", at(2026, 11, 27, 5, 0, 0, 0), at(2026, 11, 27, 5, 30, 0, 0), Intersects, false},
		{"05:06:03.25-05:06:04", at(2026, 11, 27, 5, 6, 3, 250000000), at(2026, 11, 27, 5, 6, 4, 0), Intersects, false},
		{"1795755962", time.Unix(1795755962, 0).In(loc), openEnd, Intersects, false},
		{"1795755962.5-1795756000", time.Unix(1795755962, 500000000).In(loc), time.Unix(1795756000, 0).In(loc), Intersects, false},
		{"-10m", now.Add(-10 * time.Minute), now, Intersects, false},
		{"-1d", now.AddDate(0, 0, -1), now, Intersects, false},
		{"-2h+1h", now.Add(-2 * time.Hour), now.Add(-time.Hour), Intersects, false},
		{"c05:00-06:00", at(2026, 11, 27, 5, 0, 0, 0), at(2026, 11, 27, 6, 0, 0, 0), Contained, false},
		{"n05:00-06:00", at(2026, 11, 27, 5, 0, 0, 0), at(2026, 11, 27, 6, 0, 0, 0), Includes, false},
		{"xi05:00-06:00", at(2026, 11, 27, 5, 0, 0, 0), at(2026, 11, 27, 6, 0, 0, 0), Intersects, true},
	}
	for _, tc := range tests {
		r, err := ParseTimeRange(tc.spec, now)
		if err != nil {
			t.Errorf("%q: %v", tc.spec, err)
			continue
		}
		if !r.Start.Equal(tc.start) || !r.End.Equal(tc.end) || r.Mode != tc.mode || r.Negate != tc.neg {
			t.Errorf("%q = [%v, %v) mode %d neg %v, want [%v, %v) mode %d neg %v",
				tc.spec, r.Start, r.End, r.Mode, r.Negate, tc.start, tc.end, tc.mode, tc.neg)
		}
	}
	for _, bad := range []string{"", "x", "25:00", "05:61", "2026/13/01", "2026/02/30", "06:00-05:00",
		"05:00-", "-10q", "*", "2026/11", "abc", "05:00+"} {
		if r, err := ParseTimeRange(bad, now); err == nil {
			t.Errorf("%q accepted: %+v", bad, r)
		}
	}
}

// TestTimeRangeSelect runs the -t predicates against DuckDB: records 1…13
// of the fixture start at 05:08:01…05:08:13 UTC and last 0.5 s (record 6:
// 3 s).
func TestTimeRangeSelect(t *testing.T) {
	db := openFlows(t, fixture())
	now := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
	tests := []struct {
		spec string
		want []int64
	}{
		{"05:08:02-05:08:04", []int64{2, 3}},
		{"05:08:03.6-05:08:04", nil},
		{"05:08:07.2-05:08:08", []int64{6, 7}},
		{"05:08:07.6-05:08:08", []int64{6}},
		{"c05:08:06-05:08:09.4", []int64{6, 7, 8}},
		{"c05:08:06.5-05:08:09.4", []int64{7, 8}},
		{"n05:08:07-05:08:08", []int64{6}},
		{"x05:08:02-05:08:12", []int64{1, 12, 13}},
		{"2026/11/27.05:08", []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}},
		{"2026/11/27.06", nil},
		{"-2h", []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}},
		{"-1h", nil},
	}
	for _, style := range []Placeholder{Dollar, Question} {
		for _, tc := range tests {
			r, err := ParseTimeRange(tc.spec, now)
			if err != nil {
				t.Fatalf("%q: %v", tc.spec, err)
			}
			where, args := r.SQL(SQLOptions{Placeholder: style})
			checkSQL(t, tc.spec, where)
			rows, err := db.Query("SELECT seq FROM flows WHERE "+where+" ORDER BY seq", args...)
			if err != nil {
				t.Fatalf("%q: %s: %v", tc.spec, where, err)
			}
			var got []int64
			for rows.Next() {
				var s int64
				if err := rows.Scan(&s); err != nil {
					t.Fatal(err)
				}
				got = append(got, s)
			}
			rows.Close()
			if !slices.Equal(got, tc.want) {
				t.Errorf("-t %q selected %v, want %v (%s %v)", tc.spec, got, tc.want, where, args)
			}
		}
	}
}

// TestTimeRangeAgainstArgus: -t ranges select as many records of the
// reference captures as real ra 3.0.8.2 did (ra -t SPEC, TZ=UTC).
func TestTimeRangeAgainstArgus(t *testing.T) {
	tests := []struct {
		capture, spec string
		ra            int
	}{
		{"zeek-irc-dcc-send.pcapng", "2025/07/28.20:48-2025/07/28.20:49", 5},
		{"zeek-irc-dcc-send.pcapng", "2025/07/28.20:49", 3},
		{"zeek-irc-dcc-send.pcapng", "2025/07/28", 16},
		{"zeek-irc-dcc-send.pcapng", "c2025/07/28.20:48-2025/07/28.20:50", 8},
		{"zeek-irc-dcc-send.pcapng", "n2025/07/28.20:49:00-2025/07/28.20:49:01", 0},
		{"zeek-irc-dcc-send.pcapng", "x2025/07/28.20:48-2025/07/28.20:49", 11},
		{"zeek-irc-dcc-send.pcapng", "1753735709-1753735800", 8},
		{"zeek-irc-dcc-send.pcapng", "1753735800", 8},
		{"zeek-irc-dcc-send.pcapng", "1753735870", 2},
		{"zeek-irc-dcc-send.pcapng", "1753735879", 1},
		{"zeek-irc-dcc-send.pcapng", "2025/07/28.20:50:58", 1},
		{"zeek-irc-dcc-send.pcapng", "2025/07/28.20:50:57", 0},
		{"zeek-irc-dcc-send.pcapng", "2025/07/28.20:48+1m", 5},
		{"zeek-irc-dcc-send.pcapng", "20:49", 0}, // today's date, as ra
		{"zeek-icmp-5-pings.pcap", "2020/12/08.19:10:04-2020/12/08.19:10:06", 3},
		{"zeek-icmp-5-pings.pcap", "2020/12/08.19", 5},
	}
	now := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
	dbs := map[string]*sql.DB{}
	for _, tc := range tests {
		db, ok := dbs[tc.capture]
		if !ok {
			db = openFlows(t, loadArgusCSV(t, filepath.Join("testdata/ra", tc.capture+".csv")))
			dbs[tc.capture] = db
		}
		r, err := ParseTimeRange(tc.spec, now)
		if err != nil {
			t.Errorf("%q: %v", tc.spec, err)
			continue
		}
		where, args := r.SQL(SQLOptions{})
		var n int
		if err := db.QueryRow("SELECT count(*) FROM flows WHERE "+where, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != tc.ra {
			t.Errorf("%s -t %s: tapdb %d, ra %d", tc.capture, tc.spec, n, tc.ra)
		}
	}
}
