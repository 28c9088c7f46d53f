package pgwire

import (
	"fmt"
	"testing"
	"time"
)

func TestLoginThrottleBackoff(t *testing.T) {
	lt := newLoginThrottle(time.Second, 30*time.Second)
	for _, tc := range []struct {
		fails int
		want  time.Duration
	}{
		{0, 0}, {1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second},
		{5, 16 * time.Second}, {6, 30 * time.Second}, {1000, 30 * time.Second},
	} {
		if got := lt.backoff(tc.fails); got != tc.want {
			t.Errorf("backoff(%d) = %v, want %v", tc.fails, got, tc.want)
		}
	}
}

func TestLoginThrottleReserve(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	far := t0.Add(time.Hour)
	for _, tc := range []struct {
		name  string
		setup func(lt *loginThrottle)
		addr  string
		user  string
		want  time.Duration // start of the attempt after t0
	}{
		{"nothing failed", func(*loginThrottle) {}, "10.0.0.1", "a", 0},
		{"address failed", func(lt *loginThrottle) { lt.failed("10.0.0.1", "a", t0) }, "10.0.0.1", "b", time.Second},
		{"user failed elsewhere", func(lt *loginThrottle) { lt.failed("10.0.0.2", "a", t0) }, "10.0.0.1", "a", time.Second},
		{"other address and user", func(lt *loginThrottle) { lt.failed("10.0.0.2", "a", t0) }, "10.0.0.1", "b", 0},
		{"three failures", func(lt *loginThrottle) {
			for range 3 {
				lt.failed("10.0.0.1", "a", t0)
			}
		}, "10.0.0.1", "a", 4 * time.Second},
		{"attempts queue behind each other", func(lt *loginThrottle) {
			lt.failed("10.0.0.1", "a", t0)
			lt.reserve("10.0.0.1", "a", t0, far) // starts at 1s, the next one 1s later
		}, "10.0.0.1", "c", 2 * time.Second},
		{"success forgets", func(lt *loginThrottle) {
			lt.failed("10.0.0.1", "a", t0)
			lt.succeeded("10.0.0.1", "a")
		}, "10.0.0.1", "a", 0},
		{"forgotten after a while", func(lt *loginThrottle) {
			lt.failed("10.0.0.1", "a", t0.Add(-time.Hour))
		}, "10.0.0.1", "a", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lt := newLoginThrottle(time.Second, 30*time.Second)
			tc.setup(lt)
			if got := lt.reserve(tc.addr, tc.user, t0, far).Sub(t0); got != tc.want {
				t.Errorf("attempt starts after %v, want %v", got, tc.want)
			}
		})
	}
}

// An attempt that would have to wait past its deadline is refused and
// reserves nothing.
func TestLoginThrottleDeadline(t *testing.T) {
	t0 := time.Now()
	lt := newLoginThrottle(time.Second, 30*time.Second)
	for range 10 {
		lt.failed("10.0.0.1", "a", t0)
	}
	if start := lt.reserve("10.0.0.1", "a", t0, t0.Add(5*time.Second)); !start.After(t0.Add(5 * time.Second)) {
		t.Fatalf("attempt allowed at %v", start.Sub(t0))
	}
	if start := lt.reserve("10.0.0.1", "a", t0, t0.Add(time.Hour)); start.Sub(t0) != 30*time.Second {
		t.Errorf("after a refusal the next attempt starts at %v, want 30s", start.Sub(t0))
	}
}

// Memory is bounded however many addresses and names fail.
func TestLoginThrottleBounded(t *testing.T) {
	lt := newLoginThrottle(time.Second, 30*time.Second)
	now := time.Now()
	for i := range throttleEntries + 500 {
		lt.failed(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), fmt.Sprintf("user%d", i), now)
	}
	if n := lt.size(); n > throttleEntries {
		t.Errorf("%d entries, want at most %d", n, throttleEntries)
	}
}
