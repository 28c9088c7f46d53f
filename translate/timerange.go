package translate

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// RangeMode is how a record must relate to a -t time range.
type RangeMode int

// Range modes, Argus's -t prefixes i (default), n and c.
const (
	Intersects RangeMode = iota // the record overlaps the range
	Includes                    // the record spans the whole range
	Contained                   // the record lies within the range
)

// TimeRange is an ra -t time range: [Start, End).
type TimeRange struct {
	Start, End time.Time
	Mode       RangeMode
	Negate     bool // x prefix: records outside the range
}

var (
	relRe   = regexp.MustCompile(`^[-+]([0-9]+)([smhdwMy])$`)
	epochRe = regexp.MustCompile(`^[0-9]{3,}(\.[0-9]+)?$`)
	todRe   = regexp.MustCompile(`^([0-9]{1,2})(?::([0-9]{1,2})(?::([0-9]{1,2})(\.[0-9]{1,9})?)?)?$`)
	dateRe  = regexp.MustCompile(`^(?:(?:([0-9]{4})/)?([0-9]{1,2})/)?([0-9]{1,2})$`)
	ymdRe   = regexp.MustCompile(`^([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})$`)
)

// ParseTimeRange reads an ra -t argument: [x][i|n|c]START[-END] or
// START+DURATION, where a time is yyyy/mm/dd.HH:MM:SS (leading date parts
// and trailing time parts may be left out), yyyy/mm/dd, epoch seconds, or
// relative to now (-10m, units s m h d w M y). Missing date parts come
// from now (for the end: from the start); times are in now's location. A
// single time covers its last given unit (2026/11/27 is that whole day,
// 05:06 that minute), except a lone epoch time, which (as in ra) has no
// end. "-10m" is the last ten minutes.
func ParseTimeRange(spec string, now time.Time) (*TimeRange, error) {
	fail := func(format string, a ...any) (*TimeRange, error) {
		return nil, fmt.Errorf("time range %q: %s", spec, fmt.Sprintf(format, a...))
	}
	r := &TimeRange{}
	s := spec
	if strings.HasPrefix(s, "x") {
		r.Negate, s = true, s[1:]
	}
	if s != "" {
		switch s[0] {
		case 'i':
			s = s[1:]
		case 'n':
			r.Mode, s = Includes, s[1:]
		case 'c':
			r.Mode, s = Contained, s[1:]
		}
	}
	if s == "" {
		return fail("empty")
	}
	if strings.Contains(s, "*") {
		return fail("wildcards are not supported")
	}
	// a relative start: "-10m" alone is the last ten minutes
	if s[0] == '-' || s[0] == '+' {
		end := strings.IndexAny(s[1:], "-+")
		head, rest := s, ""
		if end >= 0 {
			head, rest = s[:end+1], s[end+1:]
		}
		d, ok := relative(head, now)
		if !ok {
			return fail("bad relative time %q", head)
		}
		r.Start = d
		if rest == "" {
			r.Start, r.End = minTime(d, now), maxTime(d, now)
			return r, nil
		}
		return finish(r, rest, r.Start, time.Second, now, fail)
	}
	head, rest := s, ""
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		head, rest = s[:i], s[i:]
	}
	start, unit, err := absolute(head, now, now)
	if err != nil {
		return fail("%v", err)
	}
	r.Start = start
	return finish(r, rest, start, unit, now, fail)
}

func finish(r *TimeRange, rest string, start time.Time, unit time.Duration,
	now time.Time, fail func(string, ...any) (*TimeRange, error)) (*TimeRange, error) {
	switch {
	case rest == "":
		r.End = addUnit(start, unit)
	case rest[0] == '+':
		d, ok := relative(rest, start)
		if !ok {
			return fail("bad duration %q", rest)
		}
		r.End = d
	default:
		endSpec := rest[1:]
		if endSpec == "" {
			return fail("missing end time")
		}
		if endSpec[0] == '-' || endSpec[0] == '+' {
			d, ok := relative(endSpec, now)
			if !ok {
				return fail("bad relative time %q", endSpec)
			}
			r.End = d
		} else {
			end, _, err := absolute(endSpec, start, now)
			if err != nil {
				return fail("%v", err)
			}
			r.End = end
		}
	}
	if !r.End.After(r.Start) {
		return fail("end is not after start")
	}
	return r, nil
}

// month and year "units" are marked by these sentinel durations.
const (
	unitMonth = -1
	unitYear  = -2
	unitOpen  = -3 // a lone epoch time: from then on, as ra does
)

// openEnd stands for "no end" (ra's -t with a single epoch time).
var openEnd = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

func addUnit(t time.Time, unit time.Duration) time.Time {
	switch unit {
	case unitMonth:
		return t.AddDate(0, 1, 0)
	case unitYear:
		return t.AddDate(1, 0, 0)
	case unitOpen:
		return openEnd
	case 24 * time.Hour:
		return t.AddDate(0, 0, 1)
	}
	return t.Add(unit)
}

// relative applies "-10m" or "+2s" to base.
func relative(s string, base time.Time) (time.Time, bool) {
	m := relRe.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n > 1_000_000 {
		return time.Time{}, false
	}
	if s[0] == '-' {
		n = -n
	}
	switch m[2] {
	case "s":
		return base.Add(time.Duration(n) * time.Second), true
	case "m":
		return base.Add(time.Duration(n) * time.Minute), true
	case "h":
		return base.Add(time.Duration(n) * time.Hour), true
	case "d":
		return base.AddDate(0, 0, n), true
	case "w":
		return base.AddDate(0, 0, 7*n), true
	case "M":
		return base.AddDate(0, n, 0), true
	}
	return base.AddDate(n, 0, 0), true
}

// absolute reads one absolute time; date parts it leaves out come from
// ref, in now's location. It returns the time and its finest unit.
func absolute(s string, ref, now time.Time) (time.Time, time.Duration, error) {
	loc := now.Location()
	if epochRe.MatchString(s) {
		sec, frac, _ := strings.Cut(s, ".")
		v, err := strconv.ParseInt(sec, 10, 64)
		if err != nil || v > 1<<40 {
			return time.Time{}, 0, fmt.Errorf("bad epoch time %q", s)
		}
		ns := int64(0)
		if frac != "" {
			f, _ := strconv.ParseFloat("0."+frac, 64)
			ns = int64(f * 1e9)
		}
		return time.Unix(v, ns).In(loc), unitOpen, nil
	}
	ref = ref.In(loc)
	year, month, day := ref.Date()
	datePart, timePart, hasTime := strings.Cut(s, ".")
	if hasTime && strings.Contains(datePart, ":") {
		// HH:MM:SS.frac: a time of day with a fraction, no date
		datePart, timePart = "", s
	} else if !hasTime {
		if m := ymdRe.FindStringSubmatch(s); m != nil || strings.Contains(s, "/") {
			if m == nil {
				return time.Time{}, 0, fmt.Errorf("bad date %q (yyyy/mm/dd)", s)
			}
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			d, _ := strconv.Atoi(m[3])
			t, err := makeTime(y, mo, d, 0, 0, 0, 0, loc)
			return t, 24 * time.Hour, err
		}
		datePart, timePart = "", s
	}
	if datePart != "" {
		m := dateRe.FindStringSubmatch(datePart)
		if m == nil {
			return time.Time{}, 0, fmt.Errorf("bad date %q ([[yyyy/]mm/]dd)", datePart)
		}
		if m[1] != "" {
			year, _ = strconv.Atoi(m[1])
		}
		if m[2] != "" {
			mo, _ := strconv.Atoi(m[2])
			month = time.Month(mo)
		}
		day, _ = strconv.Atoi(m[3])
	}
	m := todRe.FindStringSubmatch(timePart)
	if m == nil {
		return time.Time{}, 0, fmt.Errorf("bad time of day %q (HH[:MM[:SS]])", timePart)
	}
	hh, _ := strconv.Atoi(m[1])
	mm, ss, ns := 0, 0, 0
	unit := time.Hour
	if m[2] != "" {
		mm, _ = strconv.Atoi(m[2])
		unit = time.Minute
	}
	if m[3] != "" {
		ss, _ = strconv.Atoi(m[3])
		unit = time.Second
	}
	if m[4] != "" {
		f, _ := strconv.ParseFloat("0"+m[4], 64)
		ns = int(f * 1e9)
		unit = time.Microsecond
	}
	t, err := makeTime(year, int(month), day, hh, mm, ss, ns, loc)
	return t, unit, err
}

// makeTime builds a time, refusing out-of-range fields rather than
// letting time.Date normalise them.
func makeTime(y, mo, d, hh, mm, ss, ns int, loc *time.Location) (time.Time, error) {
	if mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60 {
		return time.Time{}, fmt.Errorf("field out of range")
	}
	t := time.Date(y, time.Month(mo), d, hh, mm, ss, ns, loc)
	if t.Day() != d {
		return time.Time{}, fmt.Errorf("no day %d in %d/%02d", d, y, mo)
	}
	return t, nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// SQL is the predicate on stime and ltime that selects the records the
// range's mode asks for, with the bounds as parameters.
func (r *TimeRange) SQL(opts SQLOptions) (where string, args []any) {
	b := newBuilder(opts)
	start := func() string { return b.arg(r.Start.UTC()) }
	end := func() string { return b.arg(r.End.UTC()) }
	st, lt := b.col("stime"), b.col("ltime")
	switch r.Mode {
	case Includes:
		where = "(" + st + " <= " + start() + " AND " + lt + " >= " + end() + ")"
	case Contained:
		where = "(" + st + " >= " + start() + " AND " + lt + " <= " + end() + ")"
	default:
		where = "(" + st + " < " + end() + " AND " + lt + " >= " + start() + ")"
	}
	if r.Negate {
		where = "(NOT " + where + ")"
	}
	return where, b.args
}
