package serve

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

// Size is an amount of memory written as text: a number of bytes with an
// optional unit, decimal (KB, MB, GB, TB) or binary (KiB, MiB, GiB, TiB), as
// DuckDB's memory_limit takes it ("256MB", "1GiB"); "0" means no limit.
type Size int64

func (s Size) MarshalText() ([]byte, error) { return []byte(s.text()), nil }

func (s *Size) UnmarshalText(b []byte) error {
	v, err := ParseSize(string(b))
	if err != nil {
		return err
	}
	*s = Size(v)
	return nil
}

func (s *Size) String() string { return s.text() }
func (s *Size) Set(v string) error {
	return s.UnmarshalText([]byte(v))
}

func (s Size) text() string {
	for _, u := range []struct {
		name string
		n    int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if s != 0 && int64(s)%u.n == 0 {
			return strconv.FormatInt(int64(s)/u.n, 10) + u.name
		}
	}
	return strconv.FormatInt(int64(s), 10)
}

// ParseSize reads an amount of memory (see Size).
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := s, ""
	if i >= 0 {
		num, unit = s[:i], strings.TrimSpace(s[i:])
	}
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("size %q: want a number of bytes and a unit, e.g. 256MB", s)
	}
	units := map[string]float64{"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}
	u, ok := units[strings.ToLower(unit)]
	if !ok {
		return 0, fmt.Errorf("size %q: unknown unit %q (KB, MB, GB, TB, KiB, MiB, GiB, TiB)", s, unit)
	}
	if n*u > 1<<62 {
		return 0, fmt.Errorf("size %q: too large", s)
	}
	return int64(n * u), nil
}
