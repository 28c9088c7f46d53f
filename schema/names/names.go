package names

import "strconv"

// Service is a TCP or UDP service of /etc/services: its port and the
// transports it is listed for.
type Service struct {
	Port     int
	TCP, UDP bool
}

// ServiceName is the name ra prints for a TCP or UDP port (the first name
// /etc/services gives it), "" if it has none.
func ServiceName(port int, tcp bool) string {
	if tcp {
		return tcpServices[port]
	}
	return udpServices[port]
}

// ServicePort reads back a name ServiceName prints: the lowest port it
// is printed for.
func ServicePort(name string, tcp bool) (int, bool) {
	m := udpPorts
	if tcp {
		m = tcpPorts
	}
	p, ok := m[name]
	return p, ok
}

// ServiceByName is the service of a name or alias of /etc/services, as
// the filter's "port name" reads it.
func ServiceByName(name string) (Service, bool) {
	s, ok := serviceNames[name]
	return s, ok
}

// tcpPorts and udpPorts invert tcpServices and udpServices.
var tcpPorts, udpPorts = invert(tcpServices), invert(udpServices)

func invert(m map[int]string) map[string]int {
	r := make(map[string]int, len(m))
	for port, name := range m {
		if p, ok := r[name]; !ok || port < p {
			r[name] = port
		}
	}
	return r
}

// protoDecimal is the decimal text of every protocol number, so that
// naming an unnamed protocol allocates nothing.
var protoDecimal = func() (n [256]string) {
	for i := range n {
		n[i] = strconv.Itoa(i)
	}
	return n
}()

// ProtoName is an IP protocol as tapdb prints it: its name, or its number.
//
// The names are Debian's /etc/protocols keywords (and Argus's ipnip for 4),
// which agree with ra for the protocols seen in practice (ip, icmp, igmp,
// tcp, udp, gre, esp, ipv6-icmp, ospf, pim, sctp, …). ra 3.0.8.2 itself
// names every number from a table built into it: it prints 5 as st2,
// 33 sep, 73 cphb, 253 ib, 135–252 unas, and a name for most numbers
// this table leaves unnamed (7 cbt, 10 bbn-rcc, …).
func ProtoName(p uint8) string {
	if n := protoNames[p]; n != "" {
		return n
	}
	return protoDecimal[p]
}

// ProtoNumber reads back a name ProtoName prints; numbers are not names.
func ProtoNumber(name string) (uint8, bool) {
	for i, n := range protoNames {
		if n != "" && n == name {
			return uint8(i), true
		}
	}
	return 0, false
}

// ProtoByName is the number of a name or alias of /etc/protocols, as the
// filter's "proto name" reads it (mptcp is 262: not every number fits in
// the IP header's byte).
func ProtoByName(name string) (int, bool) {
	n, ok := protoNumbers[name]
	return n, ok
}

// etherRange is a run of EtherTypes ra prints with one name.
type etherRange struct {
	lo, hi uint16
	name   string
}

// EtherTypeName is the proto ra prints for a non-IP flow of EtherType et:
// "llc" for 0 (an 802.3 frame with an LLC header), the name of et's
// range, or its decimal number.
func EtherTypeName(et uint16) string {
	if et == 0 {
		return "llc"
	}
	lo, hi := 0, len(etherTypes)
	for lo < hi { // the first range ending at or after et
		m := int(uint(lo+hi) >> 1)
		if etherTypes[m].hi < et {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(etherTypes) && etherTypes[lo].lo <= et {
		return etherTypes[lo].name
	}
	return strconv.Itoa(int(et))
}

// etherTypeNumbers are the EtherType names the filter's "ether proto"
// accepts.
var etherTypeNumbers = map[string]int{"ip": 0x0800, "ipv4": 0x0800, "ipv6": 0x86dd, "arp": 0x0806, "rarp": 0x8035}

// EtherTypeByName is the EtherType of a name the filter's "ether proto"
// reads.
func EtherTypeByName(name string) (int, bool) {
	n, ok := etherTypeNumbers[name]
	return n, ok
}
