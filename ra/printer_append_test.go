package ra

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

// TestAppendHex checks the hand-written hex against fmt's %0Nx, which the
// printer used before.
func TestAppendHex(t *testing.T) {
	for _, n := range []int64{0, 1, 0xf, 0x10, 0xff, 0x100, 0x1234, 0xffff, 0x10000, 1 << 40, -1, -0x1234} {
		for _, digits := range []int{2, 4} {
			want := fmt.Sprintf("0x%0*x", digits, n)
			if got := string(appendHex([]byte("x"), n, digits)); got != "x"+want {
				t.Errorf("appendHex(%d, %d) = %q, want %q", n, digits, got[1:], want)
			}
		}
	}
}

// TestAppendTime checks the hand-written time of day and Unix seconds
// against time.Format, cutting the fraction to -p digits.
func TestAppendTime(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*3600)
	}
	times := []time.Time{
		time.Date(2026, 11, 27, 5, 8, 0, 954581999, time.UTC),
		time.Date(2010, 6, 29, 23, 59, 59, 1000, time.UTC),
		time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC), // New York's DST change
		time.Unix(0, 0),
		time.Unix(1795755962, 189339000),
	}
	for _, tm := range times {
		for _, loc := range []*time.Location{time.UTC, ny} {
			for _, prec := range []int{0, 1, 3, 6, 9, 12} {
				for _, epoch := range []bool{false, true} {
					f := Format{Precision: prec, Epoch: epoch, Loc: loc}
					want := tm.In(loc).Format("15:04:05")
					if epoch {
						want = strconv.FormatInt(tm.Unix(), 10)
					}
					if prec > 0 {
						want += "." + strconv.Itoa(tm.Nanosecond() + 1e9)[1:][:min(prec, 9)]
					}
					if got := string(appendTime(nil, tm, f)); got != want {
						t.Errorf("appendTime(%v, %+v) = %q, want %q", tm, f, got, want)
					}
				}
			}
		}
	}
}
