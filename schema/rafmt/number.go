package rafmt

import (
	"fmt"
	"strconv"
	"strings"
)

// AppendHex appends n as 0x and at least digits lower-case hex digits, as
// fmt's %0Nx does (ra prints TCP flag bytes and ICMP ports so).
func AppendHex(dst []byte, n int64, digits int) []byte {
	if n < 0 { // %x of a negative number: a minus sign after 0x is not what ra prints, but it is what fmt did
		return append(dst, fmt.Sprintf("0x%0*x", digits, n)...)
	}
	dst = append(dst, '0', 'x')
	var b [16]byte
	i := len(b)
	for n > 0 || len(b)-i < digits {
		i--
		b[i] = "0123456789abcdef"[n&0xf]
		n >>= 4
	}
	return append(dst, b[i:]...)
}

// ParseUint reads a decimal or 0x-hexadecimal unsigned number of at most
// bits bits, as ra prints counters, labels and flag bytes.
func ParseUint(s string, bits int) (uint64, error) {
	v, err := parseNumber(s, bits)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number from 0 to %d", s, uint64(1)<<bits-1)
	}
	return v, nil
}

// parseNumber reads a decimal or 0x-hexadecimal unsigned number of bits
// bits.
func parseNumber(s string, bits int) (uint64, error) {
	if h, ok := strings.CutPrefix(s, "0x"); ok {
		return strconv.ParseUint(h, 16, bits)
	}
	return strconv.ParseUint(s, 10, bits)
}

// Int64 returns v, a value of one of Go's integer types whose every value
// fits in an int64 (int, int8 … int64, uint8 … uint32), as an int64; ok
// is false for any other value, uint64 included.
func Int64(v any) (n int64, ok bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int32:
		return int64(x), true
	case int16:
		return int64(x), true
	case int8:
		return int64(x), true
	case int:
		return int64(x), true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	}
	return 0, false
}

// AppendInt appends v, a value of any of Go's integer types, in decimal;
// ok is false (and dst unchanged) for any other value.
func AppendInt(dst []byte, v any) (out []byte, ok bool) {
	if n, ok := Int64(v); ok {
		return strconv.AppendInt(dst, n, 10), true
	}
	switch x := v.(type) {
	case uint64:
		return strconv.AppendUint(dst, x, 10), true
	case uint:
		return strconv.AppendUint(dst, uint64(x), 10), true
	}
	return dst, false
}
