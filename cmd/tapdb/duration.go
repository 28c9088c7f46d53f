package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseAge reads a retention age: a number and a unit s, m, h, d, w, M
// (30 days) or y (365 days), e.g. "30d", "12h", "90d"; Go durations such
// as "36h30m" work too.
func parseAge(s string) (time.Duration, error) {
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	units := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour,
		"w": 7 * 24 * time.Hour, "M": 30 * 24 * time.Hour, "y": 365 * 24 * time.Hour}
	i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if i <= 0 {
		return 0, fmt.Errorf("age %q: want a number and a unit, e.g. 30d", s)
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("age %q: want a positive number", s)
	}
	u, ok := units[s[i:]]
	if !ok {
		return 0, fmt.Errorf("age %q: unknown unit %q (s, m, h, d, w, M, y)", s, s[i:])
	}
	return time.Duration(n) * u, nil
}
