package rafmt

import (
	"fmt"
	"strconv"
	"strings"
)

// Protocol numbers whose ports ra prints specially.
const (
	PnumICMP   = 1
	PnumTCP    = 6
	PnumUDP    = 17
	PnumICMPv6 = 58
)

// ServiceNames names a TCP or UDP port ("" for none), as ra names it from
// /etc/services (ra.ServiceName is tapdb's copy of Debian's table).
type ServiceNames func(port int, tcp bool) string

// AppendPort appends port n of a flow of protocol pnum as ra prints it:
// ICMP type/code and id in hex (the id, a destination port, byte-swapped),
// ICMPv6 in hex unless numeric (-n), TCP and UDP ports by service name and
// LLC (pnum 0) ports by SAP name unless numeric, decimal otherwise.
func AppendPort(dst []byte, n, pnum int64, isDst bool, numeric int, services ServiceNames) []byte {
	switch pnum {
	case PnumICMP:
		if isDst {
			n = (n&0xff)<<8 | (n>>8)&0xff
		}
		return AppendHex(dst, n&0xffff, 4)
	case PnumICMPv6:
		if numeric == 0 {
			return AppendHex(dst, n&0xffff, 4)
		}
	case PnumTCP, PnumUDP:
		if numeric == 0 && services != nil {
			if s := services(int(n), pnum == PnumTCP); s != "" {
				return append(dst, s...)
			}
		}
	case 0: // LLC: the ports are SAPs
		if numeric == 0 {
			if s := llcSAP(n); s != "" {
				return append(dst, s...)
			}
		}
	}
	return strconv.AppendInt(dst, n, 10)
}

// llcSAP names the IEEE 802.2 service access points ra names.
func llcSAP(n int64) string {
	switch n {
	case 0x42:
		return "stp"
	case 0x06:
		return "ip"
	case 0xaa:
		return "snap"
	case 0xe0:
		return "netware"
	case 0xf0:
		return "netbios"
	case 0xfe:
		return "iso"
	}
	return ""
}

// ParsePort reads a port as ra prints it with -c: blank (no port, ok
// false), decimal, or hexadecimal "0x0303" (ICMP, and ICMPv6 without -n).
// swap undoes the byte swap ra applies to an ICMP destination port
// (0x0800 is id 8). Service names are the caller's business.
func ParsePort(s string, swap bool) (port int32, ok bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false, nil
	}
	v, err := parseNumber(s, 16)
	if err != nil {
		return 0, false, fmt.Errorf("%q is not a port", s)
	}
	if swap {
		v = (v&0xff)<<8 | v>>8
	}
	return int32(v), true, nil
}
