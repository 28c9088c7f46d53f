package csvimport

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"tapdb/schema/rafmt"
)

// Ethertypes of the network layers the store records.
const (
	etherIPv4 = 0x0800
	etherIPv6 = 0x86dd
	etherARP  = 0x0806
	etherRARP = 0x8035
)

// ErrNeedDate is returned (not as a row error: every row would fail) when
// times are times of day and Options.Date is not set.
var ErrNeedDate = errors.New("time of day without a date (ra's default %T.%f): give the date with --date YYYY-MM-DD, or re-run ra with -u or a full RA_TIME_FORMAT")

// fullLayouts are the dated time forms accepted, ra's "%Y/%m/%d.%T.%f"
// first.
var fullLayouts = [...]string{
	"2006/01/02.15:04:05.999999999",
	"2006/01/02 15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006/01/02.15:04:05",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
}

// parseTime reads a time as ra prints it: Unix seconds (-u), a full date
// and time, or a time of day (which needs date).
func (p *Reader) parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("empty time")
	}
	if !strings.ContainsAny(s, ":/-") {
		t, err := rafmt.ParseUnixTime(s)
		if err == nil && t.Year() > 9999 {
			return time.Time{}, fmt.Errorf("%q is after the year 9999", s)
		}
		return t, err
	}
	if len(s) <= len("15:04:05.999999999") && strings.Count(s, ":") == 2 && !strings.ContainsAny(s, "/-") {
		if p.opts.Date.IsZero() {
			return time.Time{}, ErrNeedDate
		}
		t, err := time.ParseInLocation("15:04:05.999999999", s, p.loc)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is not a time of day", s)
		}
		y, m, d := p.opts.Date.Date()
		return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), p.loc), nil
	}
	for _, l := range fullLayouts {
		if t, err := time.ParseInLocation(l, s, p.loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time ra prints (Unix seconds, YYYY/MM/DD.HH:MM:SS.ffffff or HH:MM:SS.ffffff)", s)
}

// endpoint is a parsed address: an IP address, or a MAC for non-IP flows.
type endpoint struct {
	text string
	ip   netip.Addr // valid for IP addresses
}

// parseAddr reads an address column. A MAC is lower-cased; ra's
// "Broadcast" becomes the broadcast MAC.
func parseAddr(s string) (endpoint, error) {
	if s == "" {
		return endpoint{}, errors.New("empty address")
	}
	if a, err := netip.ParseAddr(s); err == nil {
		if a.Zone() != "" {
			return endpoint{}, fmt.Errorf("address %q has a zone", s)
		}
		return endpoint{text: a.String(), ip: a}, nil
	}
	if s == "Broadcast" {
		return endpoint{text: "ff:ff:ff:ff:ff:ff"}, nil
	}
	if isMAC(s) {
		return endpoint{text: strings.ToLower(s)}, nil
	}
	if isHostName(s) {
		// ra prints host names only with -nnn; tapdb does not resolve
		// them (the answer would depend on the machine and the day).
		return endpoint{}, fmt.Errorf("%q is a host name (ra -nnn): print addresses with ra -n or without -n", s)
	}
	return endpoint{}, fmt.Errorf("%q is not an IP or MAC address", s)
}

// isHostName reports whether s looks like a DNS name: letters, digits,
// hyphens and dots, with at least one letter.
func isHostName(s string) bool {
	letter := false
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letter = true
		case c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_':
		default:
			return false
		}
	}
	return letter
}

// isMAC reports whether s is six colon-separated hex bytes (ra prints them
// with two digits; one digit is accepted).
func isMAC(s string) bool {
	parts := strings.Split(s, ":")
	if len(parts) != 6 {
		return false
	}
	for _, p := range parts {
		if len(p) < 1 || len(p) > 2 {
			return false
		}
		if _, err := strconv.ParseUint(p, 16, 8); err != nil {
			return false
		}
	}
	return true
}

// splitAddrPort splits ra's "address.port" join (192.0.2.1.80,
// 2001:db8::1.http) when there is no port column. An address without a
// port is returned whole.
func splitAddrPort(s string) (addr, port string) {
	if _, err := netip.ParseAddr(s); err == nil || isMAC(s) || s == "Broadcast" {
		return s, ""
	}
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i+1:]
}

// proto is a resolved protocol column.
type proto struct {
	name  string // as ra prints it without -nn
	pnum  int32
	etype uint16 // 0: from the address family
}

// parseProto reads the Proto column: a name as ra prints it, or a number
// (-nn: an IP protocol, or an ethertype above 255 for non-IP flows).
func (p *Reader) parseProto(s string, ip bool) (proto, error) {
	if s == "" {
		return proto{}, errors.New("empty Proto")
	}
	if n, err := strconv.ParseUint(s, 10, 16); err == nil {
		v := int32(n)
		switch {
		case v == etherARP:
			return proto{name: "arp", pnum: v, etype: etherARP}, nil
		case v == etherRARP:
			return proto{name: "rarp", pnum: v, etype: etherRARP}, nil
		case v == 0 && !ip:
			return proto{name: "llc"}, nil // 802.3 frames: ra prints "llc"
		case ip && v < 256:
			// the name the sensor stores for it (ra -nn printed the number)
			return proto{name: p.names.protoName(uint8(v)), pnum: v}, nil
		case !ip:
			// An ethertype; ra names some (lldp, loop): the number is kept.
			return proto{name: s, pnum: v, etype: uint16(v)}, nil
		}
		return proto{}, fmt.Errorf("protocol %d is not an IP protocol", v)
	}
	switch s {
	case "arp":
		return proto{name: s, pnum: etherARP, etype: etherARP}, nil
	case "rarp":
		return proto{name: s, pnum: etherRARP, etype: etherRARP}, nil
	case "llc":
		return proto{name: s}, nil
	case "rtp", "rtcp", "udt":
		// UDP flows argus classified by their payload; the name is kept.
		return proto{name: s, pnum: rafmt.PnumUDP}, nil
	}
	if !ip {
		// An ethertype name (lldp, loop, …): its number is not kept.
		return proto{name: s}, nil
	}
	n, err := p.names.ipProto(s)
	if errors.Is(err, errAmbiguousProto) {
		// ra 3.0.8 has no pnum field: the number is lost unless the
		// header has one (tapdb's own output) or ra printed -nn.
		return proto{name: s, pnum: pnumUnknown}, nil
	}
	if err != nil {
		return proto{}, err
	}
	if n < 256 {
		s = p.names.protoName(uint8(n)) // the name the sensor stores
	}
	return proto{name: s, pnum: int32(n)}, nil
}

// pnumUnknown is the protocol number stored for a name ra prints for
// several numbers (unas, any).
const pnumUnknown = -1

// parsePort reads a port column for a flow of protocol pr: a number, hex
// for ICMP and ICMPv6 (the ICMP destination port byte-swapped as ra prints
// it), a service name for TCP and UDP.
func (p *Reader) parsePort(s string, pr proto, dst bool) (int32, bool, error) {
	if s == "" {
		return 0, false, nil
	}
	if s[0] >= '0' && s[0] <= '9' {
		return rafmt.ParsePort(s, dst && pr.pnum == rafmt.PnumICMP && pr.etype == 0)
	}
	if pr.name == "llc" {
		// 802.3 frames: ra names the SAPs (stp, snap, …) unless -n.
		if n, ok := p.names.llcSAP(s); ok {
			return int32(n), true, nil
		}
		return 0, false, fmt.Errorf("%q is not an LLC SAP ra names", s)
	}
	if pr.pnum != rafmt.PnumTCP && pr.pnum != rafmt.PnumUDP {
		return 0, false, fmt.Errorf("%q is not a port number", s)
	}
	n, err := p.names.service(s, pr.pnum == rafmt.PnumTCP)
	if err != nil {
		return 0, false, err
	}
	return int32(n), true, nil
}
