package rafmt

import (
	"fmt"
	"math"
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
			if got := string(AppendHex([]byte("x"), n, digits)); got != "x"+want {
				t.Errorf("AppendHex(%d, %d) = %q, want %q", n, digits, got[1:], want)
			}
		}
	}
}

// TestAppendTime checks the hand-written time of day and Unix seconds
// against time.Format, cutting the fraction to -p digits, and that
// ParseUnixTime reads -u's text back.
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
					want := tm.In(loc).Format("15:04:05")
					if epoch {
						want = strconv.FormatInt(tm.Unix(), 10)
					}
					if prec > 0 {
						want += "." + strconv.Itoa(tm.Nanosecond() + 1e9)[1:][:min(prec, 9)]
					}
					got := string(AppendTime(nil, tm, loc, prec, epoch))
					if got != want {
						t.Errorf("AppendTime(%v, %v, %d, %v) = %q, want %q", tm, loc, prec, epoch, got, want)
					}
					if epoch && prec >= 9 {
						if back, err := ParseUnixTime(got); err != nil || !back.Equal(tm) {
							t.Errorf("ParseUnixTime(%q) = %v, %v, want %v", got, back, err, tm)
						}
					}
				}
			}
		}
	}
}

func TestParseUnixTime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
		err  bool
	}{
		{in: "1795755962.189339", want: time.Unix(1795755962, 189339000).UTC()},
		{in: " 12 ", want: time.Unix(12, 0).UTC()},
		{in: "12.5", want: time.Unix(12, 500000000).UTC()},
		{in: "1.123456789", want: time.Unix(1, 123456789).UTC()},
		{in: "1.1234567891", err: true},
		{in: "-1", err: true},
		{in: "x", err: true},
		{in: "1.x", err: true},
	} {
		got, err := ParseUnixTime(tc.in)
		if (err != nil) != tc.err || !got.Equal(tc.want) {
			t.Errorf("ParseUnixTime(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestPorts(t *testing.T) {
	services := func(port int, tcp bool) string {
		if port == 80 && tcp {
			return "http"
		}
		return ""
	}
	for _, tc := range []struct {
		n, pnum int64
		dst     bool
		numeric int
		want    string
		swap    bool // ParsePort reads want back with the ICMP swap
	}{
		{n: 80, pnum: PnumTCP, want: "http"},
		{n: 80, pnum: PnumTCP, numeric: 1, want: "80"},
		{n: 80, pnum: PnumUDP, want: "80"},
		{n: 0x0303, pnum: PnumICMP, want: "0x0303"},
		{n: 8, pnum: PnumICMP, dst: true, want: "0x0800", swap: true},
		{n: 128, pnum: PnumICMPv6, want: "0x0080"},
		{n: 128, pnum: PnumICMPv6, numeric: 1, want: "128"},
		{n: 0xaa, pnum: 0, want: "snap"},
		{n: 0xaa, pnum: 0, numeric: 1, want: "170"},
		{n: 53, pnum: 132, want: "53"},
	} {
		got := string(AppendPort(nil, tc.n, tc.pnum, tc.dst, tc.numeric, services))
		if got != tc.want {
			t.Errorf("AppendPort(%d, pnum %d, dst %v, -n %d) = %q, want %q", tc.n, tc.pnum, tc.dst, tc.numeric, got, tc.want)
		}
		if got[0] < '0' || got[0] > '9' {
			continue
		}
		back, ok, err := ParsePort(got, tc.swap)
		if err != nil || !ok || int64(back) != tc.n {
			t.Errorf("ParsePort(%q, %v) = %d, %v, %v; want %d", got, tc.swap, back, ok, err, tc.n)
		}
	}
	if _, ok, err := ParsePort("  ", false); ok || err != nil {
		t.Errorf("ParsePort of a blank = %v, %v; want no port", ok, err)
	}
	for _, bad := range []string{"65536", "0x10000", "-1", "http"} {
		if _, _, err := ParsePort(bad, false); err == nil {
			t.Errorf("ParsePort(%q): no error", bad)
		}
	}
}

func TestParseUint(t *testing.T) {
	for _, tc := range []struct {
		in   string
		bits int
		want uint64
		err  bool
	}{
		{in: "255", bits: 8, want: 255},
		{in: "0x1b", bits: 8, want: 27},
		{in: "256", bits: 8, err: true},
		{in: "-1", bits: 8, err: true},
		{in: "9223372036854775807", bits: 63, want: math.MaxInt64},
		{in: "9223372036854775808", bits: 63, err: true},
	} {
		got, err := ParseUint(tc.in, tc.bits)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseUint(%q, %d) = %d, %v; want %d, error %v", tc.in, tc.bits, got, err, tc.want, tc.err)
		}
	}
}

func TestIntegers(t *testing.T) {
	for _, tc := range []struct {
		v     any
		text  string
		fits  bool // Int64 takes it
		isInt bool // AppendInt takes it
	}{
		{v: int8(-8), text: "-8", fits: true, isInt: true},
		{v: int16(-16), text: "-16", fits: true, isInt: true},
		{v: int32(-32), text: "-32", fits: true, isInt: true},
		{v: int64(math.MinInt64), text: "-9223372036854775808", fits: true, isInt: true},
		{v: 7, text: "7", fits: true, isInt: true},
		{v: uint8(255), text: "255", fits: true, isInt: true},
		{v: uint16(65535), text: "65535", fits: true, isInt: true},
		{v: uint32(math.MaxUint32), text: "4294967295", fits: true, isInt: true},
		{v: uint64(math.MaxUint64), text: "18446744073709551615", isInt: true},
		{v: 1.5},
		{v: "12"},
		{v: nil},
	} {
		n, ok := Int64(tc.v)
		if ok != tc.fits || ok && strconv.FormatInt(n, 10) != tc.text {
			t.Errorf("Int64(%T %v) = %d, %v", tc.v, tc.v, n, ok)
		}
		b, ok := AppendInt([]byte("x"), tc.v)
		if ok != tc.isInt || string(b) != "x"+tc.text {
			t.Errorf("AppendInt(%T %v) = %q, %v; want %q, %v", tc.v, tc.v, b, ok, "x"+tc.text, tc.isInt)
		}
	}
}
