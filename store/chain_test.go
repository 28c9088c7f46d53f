package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// tamperStore is a store of five sealed days of 100 records each.
func tamperStore(t *testing.T) *Store {
	t.Helper()
	s := openTest(t, "", Options{})
	var recs = threeDays()
	for d := 3; d < 6; d++ {
		for i := 0; i < 100; i++ {
			r := recs[i]
			r.Stime = r.Stime.Add(time.Duration(d) * 24 * time.Hour)
			r.Ltime = r.Stime
			recs = append(recs, r)
		}
	}
	writeAll(t, s, recs, 70)
	if ps, err := s.Periods(context.Background()); err != nil || len(ps) != 5 {
		t.Fatalf("sealed %d periods, want 5 (%v)", len(ps), err)
	}
	return s
}

func verifyProblems(t *testing.T, s *Store) []Problem {
	t.Helper()
	problems, err := s.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return problems
}

func TestVerifyCleanStore(t *testing.T) {
	s := tamperStore(t)
	if problems := verifyProblems(t, s); len(problems) != 0 {
		t.Errorf("a store nobody touched: %v", problems)
	}
}

// Each kind of alteration is named by the period it touches, the first
// such period first.
func TestVerifyNamesTampering(t *testing.T) {
	day := func(d int) time.Time { return day0.Truncate(24 * time.Hour).Add(time.Duration(d) * 24 * time.Hour) }
	for _, tc := range []struct {
		name    string
		tamper  string
		args    []any
		first   time.Time
		mention string
	}{
		{"one byte of one record", "UPDATE flows SET sbytes = xor(sbytes, 1) WHERE stime = (SELECT min(stime) FROM flows WHERE stime >= ?)", []any{day(1)},
			day(1), "no longer match its digest"},
		{"a record deleted", "DELETE FROM flows WHERE stime = (SELECT max(stime) FROM flows WHERE stime < ?)", []any{day(3)},
			day(2), "records were added or removed"},
		{"a record added", "INSERT INTO flows (stime, ltime, proto, saddr, daddr) VALUES (?, ?, 'tcp', '10.6.6.6', '10.6.6.7')", []any{day(0).Add(time.Hour), day(0).Add(time.Hour)},
			day(0), "records were added or removed"},
		{"a period dropped from the middle", "DELETE FROM tapdb_periods WHERE lo = ?", []any{day(2)},
			day(3), "place in the chain"},
		{"a digest replaced", "UPDATE tapdb_chain SET digest = sha256('x') WHERE lo = ?", []any{day(4)},
			day(4), "no longer match its digest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tamperStore(t)
			if _, err := s.DB().Exec(tc.tamper, tc.args...); err != nil {
				t.Fatal(err)
			}
			problems := verifyProblems(t, s)
			if len(problems) == 0 {
				t.Fatal("verify found nothing")
			}
			if !problems[0].Lo.Equal(tc.first) || !strings.Contains(problems[0].What, tc.mention) {
				t.Errorf("first problem %v, want period %v: %q", problems[0], tc.first, tc.mention)
			}
		})
	}
}

// Late records for a sealed period digest it again and relink the chain
// after it; retention moves the anchor: verify stays clean through both,
// and each change is an event.
func TestChainFollowsLateRecordsAndRetention(t *testing.T) {
	ctx := context.Background()
	s := tamperStore(t)
	late := threeDays()[5]
	late.Stime = late.Stime.Add(24 * time.Hour)
	late.Ltime = late.Stime
	writeAll(t, s, append(threeDays()[:0], late), 10)
	if problems := verifyProblems(t, s); len(problems) != 0 {
		t.Errorf("after a late record: %v", problems)
	}
	if _, err := s.DeleteBefore(ctx, day0.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if problems := verifyProblems(t, s); len(problems) != 0 {
		t.Errorf("after retention: %v", problems)
	}
	var events string
	if err := s.DB().QueryRowContext(ctx, "SELECT string_agg(kind, ',' ORDER BY happened, kind) FROM (SELECT DISTINCT kind, max(happened) AS happened FROM tapdb_chain_events GROUP BY kind)").Scan(&events); err != nil {
		t.Fatal(err)
	}
	if events != "seal,late,retention" {
		t.Errorf("chain events %q", events)
	}
}
