package translate

import (
	"errors"
	"math"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

var (
	intRe   = regexp.MustCompile(`^[-+]?(0[xX][0-9a-fA-F]+|[0-9]+)$`)
	floatRe = regexp.MustCompile(`^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)$`)
)

// parseNumber reads a filter number: decimal, 0x hex, leading-0 octal,
// optional sign, or a decimal fraction (no exponent), as Argus's scanner.
func parseNumber(s string) (Number, error) {
	switch {
	case intRe.MatchString(s):
		v, err := parseInt(s)
		return Number{Int: v}, err
	case floatRe.MatchString(s):
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(f, 0) {
			return Number{}, errors.New("bad number")
		}
		return Number{Float: f, IsFloat: true}, nil
	}
	return Number{}, errors.New("not a number")
}

func parseInt(s string) (int64, error) {
	if !intRe.MatchString(s) {
		return 0, errors.New("not a number")
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	base := 10
	switch {
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		base, s = 16, s[2:]
	case len(s) > 1 && s[0] == '0':
		base, s = 8, s[1:]
	}
	v, err := strconv.ParseInt(s, base, 64)
	if err != nil {
		return 0, errors.New("bad number")
	}
	if neg {
		v = -v
	}
	return v, nil
}

// parseAddr reads one IPv4 (all four parts) or IPv6 address.
func parseAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, errors.New("not an IPv4 or IPv6 address")
	}
	return a, nil
}

// parseNet reads a network: A.B.C.D/len, X:Y::/len, a short IPv4 net
// (10, 10.1, 10.1.2, with or without /len), or a full address (/32, /128).
// Host bits are ignored.
func parseNet(s string) (netip.Prefix, error) {
	addr, bitsText, hasBits := strings.Cut(s, "/")
	if strings.Contains(addr, ":") {
		a, err := parseAddr(addr)
		if err != nil {
			return netip.Prefix{}, err
		}
		bits := 128
		if hasBits {
			b, err := strconv.Atoi(bitsText)
			if err != nil || b < 0 || b > 128 || bitsText != strconv.Itoa(b) {
				return netip.Prefix{}, errors.New("bad IPv6 prefix length")
			}
			bits = b
		}
		return netip.PrefixFrom(a, bits).Masked(), nil
	}
	parts := strings.Split(addr, ".")
	if len(parts) > 4 {
		return netip.Prefix{}, errors.New("not an IPv4 network")
	}
	var b4 [4]byte
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || v > 255 || p != strconv.Itoa(v) {
			return netip.Prefix{}, errors.New("not an IPv4 network")
		}
		b4[i] = byte(v)
	}
	bits := 8 * len(parts)
	if hasBits {
		b, err := strconv.Atoi(bitsText)
		if err != nil || b < 0 || b > 32 || bitsText != strconv.Itoa(b) {
			return netip.Prefix{}, errors.New("bad IPv4 prefix length")
		}
		bits = b
	}
	return netip.PrefixFrom(netip.AddrFrom4(b4), bits).Masked(), nil
}

// maskBits turns a contiguous IPv4 netmask into a prefix length.
func maskBits(s string) (int, error) {
	m, err := netip.ParseAddr(s)
	if err != nil || !m.Is4() {
		return 0, errors.New("not an IPv4 netmask")
	}
	b := m.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	ones := 0
	for ones < 32 && v&(1<<(31-ones)) != 0 {
		ones++
	}
	if ones < 32 && v<<ones != 0 {
		return 0, errors.New("netmask is not contiguous")
	}
	return ones, nil
}

// dscpNames are the DSCP names Argus accepts after dsb.
func dscpValue(s string) (int64, bool) {
	switch s {
	case "ef":
		return 46, true
	case "be", "default":
		return 0, true
	case "va":
		return 44, true
	case "le":
		return 1, true
	}
	if len(s) == 3 && s[:2] == "cs" && s[2] >= '0' && s[2] <= '7' {
		return int64(s[2]-'0') * 8, true
	}
	if len(s) == 4 && s[:2] == "af" && s[2] >= '1' && s[2] <= '4' && s[3] >= '1' && s[3] <= '3' {
		return int64(s[2]-'0')*8 + int64(s[3]-'0')*2, true
	}
	return 0, false
}

func netipPrefix(a netip.Addr, bits int) netip.Prefix {
	return netip.PrefixFrom(a, bits).Masked()
}
