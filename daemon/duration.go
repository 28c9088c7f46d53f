package daemon

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration written as text in TOML ("5s", "1m30s").
type Duration time.Duration

func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

func (d *Duration) String() string { return time.Duration(*d).String() }
func (d *Duration) Set(s string) error {
	return d.UnmarshalText([]byte(s))
}

// Age is a retention age: a number and a unit s, m, h, d, w, M (30 days) or
// y (365 days), such as "90d", or a Go duration; "0" or "" keeps
// everything.
type Age time.Duration

func (a Age) MarshalText() ([]byte, error) { return []byte(a.text()), nil }

func (a *Age) UnmarshalText(b []byte) error {
	v, err := ParseAge(string(b))
	if err != nil {
		return err
	}
	*a = Age(v)
	return nil
}

func (a *Age) String() string { return a.text() }
func (a *Age) Set(s string) error {
	return a.UnmarshalText([]byte(s))
}

func (a Age) text() string {
	d := time.Duration(a)
	switch {
	case d == 0:
		return "0"
	case d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return d.String()
}

// ParseAge reads a retention age (see Age).
func ParseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return 0, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	units := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour,
		"w": 7 * 24 * time.Hour, "M": 30 * 24 * time.Hour, "y": 365 * 24 * time.Hour}
	i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if i <= 0 {
		return 0, fmt.Errorf("age %q: want a number and a unit, e.g. 90d", s)
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
