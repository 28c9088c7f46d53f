package argusref

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Key is a flow's 5-tuple as tapdb stores it: protocol name as ra prints it
// with -n ("tcp", "udp", "icmp", "ipv6-icmp", "arp", "llc", …), addresses in
// canonical text form, ports as numbers (0 where Argus prints none).
type Key struct {
	Proto        string
	Saddr, Daddr string
	Sport, Dport int32
}

// Reverse swaps the source and destination sides.
func (k Key) Reverse() Key {
	return Key{Proto: k.Proto, Saddr: k.Daddr, Sport: k.Dport, Daddr: k.Saddr, Dport: k.Sport}
}

// String prints the key as "proto saddr sport -> daddr dport"; ICMP type and
// code are shown in hex as Argus shows them.
func (k Key) String() string {
	if k.Proto == "icmp" {
		return fmt.Sprintf("%s %s 0x%04x -> %s %d", k.Proto, k.Saddr, k.Sport, k.Daddr, k.Dport)
	}
	return fmt.Sprintf("%s %s %d -> %s %d", k.Proto, k.Saddr, k.Sport, k.Daddr, k.Dport)
}

// Record is one flow record: a line of an Argus golden CSV, or a tapdb
// record converted with FromSchema.
type Record struct {
	Key
	HasPorts bool // Argus printed ports (false for ARP, IGMP, other IP protocols)

	Stime, Ltime time.Time
	Dir          string // trimmed: "->", "<->", "<?>", "?>", "who", …
	Flgs         string // trimmed of trailing blanks
	State        string
	Cause        string

	Spkts, Dpkts         int64
	Sbytes, Dbytes       int64
	Sappbytes, Dappbytes int64
	Trans                int32 // racluster's merge count; 0 in raw ra output

	// Extra holds the columns this package does not interpret (sTtl, SrcMac,
	// sVid, SynAck, …), keyed by ra's header label, values trimmed.
	Extra map[string]string
}

// canonAddr returns an address in one canonical text form, so that Argus's
// and tapdb's spellings compare equal: IP addresses as net/netip prints them
// (RFC 5952 for IPv6), MAC addresses in lower case, ra's "Broadcast" as the
// broadcast MAC.
func canonAddr(s string) string {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.String()
	}
	if s == "Broadcast" {
		return "ff:ff:ff:ff:ff:ff"
	}
	return strings.ToLower(s)
}

// NewKey builds a Key with addresses in canonical form.
func NewKey(proto, saddr string, sport int32, daddr string, dport int32) Key {
	return Key{Proto: proto, Saddr: canonAddr(saddr), Sport: sport, Daddr: canonAddr(daddr), Dport: dport}
}
