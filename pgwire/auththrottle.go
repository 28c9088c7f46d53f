package pgwire

import (
	"sync"
	"time"
)

// Bounds of the failed-login throttle's memory.
const (
	// throttleEntries is the most addresses and user names remembered.
	throttleEntries = 1 << 14
	// throttleForget is how long after its last failure an address or a
	// user name is forgotten.
	throttleForget = 15 * time.Minute
)

// loginThrottle slows down password guessing across connections. Failed
// logins are counted by client address and by user name; an attempt for
// an address or user with n failures starts no earlier than
// base·2^(n-1) (capped) after the previous attempt's start or failure, so
// that parallel connections queue one behind another instead of guessing
// side by side. A successful login forgets its address and user.
//
// Throttling by user name lets someone who knows a user's name slow that
// user's logins down (by at most the cap per attempt); it is the price of
// limiting guesses spread over many addresses.
type loginThrottle struct {
	base, max time.Duration

	mu      sync.Mutex
	entries map[string]*throttleEntry
}

type throttleEntry struct {
	fails int
	next  time.Time // earliest start of the next attempt
}

func newLoginThrottle(base, max time.Duration) *loginThrottle {
	return &loginThrottle{base: base, max: max, entries: make(map[string]*throttleEntry)}
}

// backoff is the wait after n failures.
func (lt *loginThrottle) backoff(n int) time.Duration {
	if n <= 0 {
		return 0
	}
	d := max(lt.base, time.Millisecond)
	for i := 1; i < n && d < lt.max; i++ {
		d *= 2
	}
	return min(d, lt.max)
}

func throttleKeys(addr, user string) [2]string {
	return [2]string{"a\x00" + addr, "u\x00" + user}
}

// reserve returns when an attempt by user from addr may start. The time is
// reserved, so that the next attempt waits behind this one, only when it is
// not after deadline; otherwise the attempt is to be refused.
func (lt *loginThrottle) reserve(addr, user string, now, deadline time.Time) time.Time {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	start := now
	var held []*throttleEntry
	for _, k := range throttleKeys(addr, user) {
		if e := lt.entry(k, now); e != nil && e.fails > 0 {
			held = append(held, e)
			if e.next.After(start) {
				start = e.next
			}
		}
	}
	if start.After(deadline) {
		return start
	}
	for _, e := range held {
		e.next = start.Add(lt.backoff(e.fails))
	}
	return start
}

// failed records a failed login and returns the larger failure count of
// the address and the user.
func (lt *loginThrottle) failed(addr, user string, now time.Time) int {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	n := 0
	for _, k := range throttleKeys(addr, user) {
		e := lt.entry(k, now)
		if e == nil {
			lt.makeRoom(now)
			e = &throttleEntry{}
			lt.entries[k] = e
		}
		e.fails++
		if t := now.Add(lt.backoff(e.fails)); t.After(e.next) {
			e.next = t
		}
		n = max(n, e.fails)
	}
	return n
}

// entry returns k's entry, its failures forgotten when the last one is
// throttleForget old.
func (lt *loginThrottle) entry(k string, now time.Time) *throttleEntry {
	e := lt.entries[k]
	if e != nil && now.Sub(e.next) > throttleForget {
		e.fails = 0
	}
	return e
}

// succeeded forgets the failures of addr and user.
func (lt *loginThrottle) succeeded(addr, user string) {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	for _, k := range throttleKeys(addr, user) {
		delete(lt.entries, k)
	}
}

// makeRoom keeps the table under throttleEntries: entries idle for
// throttleForget go first, then the one whose wait ended longest ago.
func (lt *loginThrottle) makeRoom(now time.Time) {
	if len(lt.entries) < throttleEntries {
		return
	}
	var oldest string
	var oldestNext time.Time
	for k, e := range lt.entries {
		if now.Sub(e.next) > throttleForget {
			delete(lt.entries, k)
			continue
		}
		if oldest == "" || e.next.Before(oldestNext) {
			oldest, oldestNext = k, e.next
		}
	}
	if len(lt.entries) >= throttleEntries {
		delete(lt.entries, oldest)
	}
}

// size is the number of addresses and user names remembered.
func (lt *loginThrottle) size() int {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	return len(lt.entries)
}
