package rafmt

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AppendTime appends t as ra prints a time: %T.%f of day in loc, or Unix
// seconds when epoch is set (-u); the fraction is cut, not rounded, to
// precision digits (-p, at most 9), and left out at 0.
func AppendTime(dst []byte, t time.Time, loc *time.Location, precision int, epoch bool) []byte {
	if epoch {
		dst = strconv.AppendInt(dst, t.Unix(), 10)
	} else {
		h, m, s := t.In(loc).Clock()
		dst = append(dst, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+s/10), byte('0'+s%10))
	}
	if precision > 0 {
		var frac [9]byte
		ns := t.Nanosecond()
		for i := 8; i >= 0; i-- {
			frac[i] = byte('0' + ns%10)
			ns /= 10
		}
		dst = append(dst, '.')
		dst = append(dst, frac[:min(precision, 9)]...)
	}
	return dst
}

// ParseUnixTime reads ra -u's "seconds.fraction" (any number of fraction
// digits up to nanoseconds; blanks around it are ignored) as a UTC time.
func ParseUnixTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	secText, fracText, _ := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(secText, 10, 64)
	if err != nil || sec < 0 {
		return time.Time{}, fmt.Errorf("%q is not a Unix time", s)
	}
	var nsec int64
	if fracText != "" {
		if len(fracText) > 9 {
			return time.Time{}, fmt.Errorf("%q has more than 9 fraction digits", s)
		}
		f, err := strconv.ParseUint(fracText, 10, 32)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is not a Unix time", s)
		}
		nsec = int64(f)
		for i := len(fracText); i < 9; i++ {
			nsec *= 10
		}
	}
	return time.Unix(sec, nsec).UTC(), nil
}
