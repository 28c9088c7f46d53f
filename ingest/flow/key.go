package flow

import (
	"bytes"

	"tapdb/ingest/decode"
)

// kind says how a flow was keyed; it decides orientation, ports and state.
type kind uint8

const (
	kindPorts kind = iota + 1 // TCP or UDP with ports
	kindEcho                  // IPv4 ICMP echo, timestamp, information, mask
	kindICMP                  // other IPv4 ICMP, all ICMPv6
	kindIP                    // other IP protocols (and TCP/UDP without ports)
	kindFrag                  // fragments whose first fragment was not seen
	kindARP                   // ARP and RARP
	kindOther                 // non-IP frames
)

// flowKey is the comparable, fixed-size map key of a flow. The address and
// port pairs are ordered so that both directions of a conversation share one
// key; the meaning of pa, pb and x depends on kind.
type flowKey struct {
	kind  kind
	proto uint8
	v6    bool
	a, b  decode.Addr
	pa    uint16
	pb    uint16
	x     uint32
}

// IP protocol numbers the table treats specially.
const (
	protoICMP   = 1
	protoIGMP   = 2
	protoTCP    = 6
	protoUDP    = 17
	protoICMPv6 = 58
)

// EtherTypes.
const (
	etherIPv4 = 0x0800
	etherIPv6 = 0x86dd
	etherARP  = 0x0806
	etherRARP = 0x8035
)

// orderAddrs stores src/dst (and their ports) into k lowest first. IPv4
// breaks an address tie with the ports; IPv6 does not order equal
// addresses at all, so each direction gets its own key (Argus quirk).
func orderAddrs(k *flowKey, src, dst *decode.Addr, sp, dp uint16, v6 bool) {
	c := bytes.Compare(src[:], dst[:])
	if c > 0 || (c == 0 && !v6 && sp > dp) {
		k.a, k.b, k.pa, k.pb = *dst, *src, dp, sp
		return
	}
	k.a, k.b, k.pa, k.pb = *src, *dst, sp, dp
}

// portsKey is the key of a TCP/UDP conversation; dnsID is 0 or 1<<16|id.
func portsKey(proto uint8, src, dst *decode.Addr, sp, dp uint16, v6 bool, dnsID uint32) flowKey {
	k := flowKey{kind: kindPorts, proto: proto, v6: v6, x: dnsID}
	orderAddrs(&k, src, dst, sp, dp, v6)
	return k
}

// ipKey is the key of an IP protocol without ports.
func ipKey(proto uint8, src, dst *decode.Addr, v6 bool) flowKey {
	k := flowKey{kind: kindIP, proto: proto, v6: v6}
	orderAddrs(&k, src, dst, 0, 0, v6)
	k.pa, k.pb = 0, 0
	return k
}

// echoRequest returns the request type of an IPv4 ICMP query/answer type
// and whether t is one.
func echoRequest(t uint8) (req uint8, ok bool) {
	switch t {
	case 0, 8:
		return 8, true
	case 13, 14:
		return 13, true
	case 15, 16:
		return 15, true
	case 17, 18:
		return 17, true
	}
	return 0, false
}

func isEchoRequest(t uint8) bool { return t == 8 || t == 13 || t == 15 || t == 17 }

// icmpDetail is what Argus keeps in an IPv4 ICMP error's dport: the quoted
// destination port for port unreachable, the quoted protocol for protocol
// unreachable, the first two bytes of the quoted destination address for
// net/host unreachable and redirect (stored so that ra's byte-swapped
// printing shows them in order), and 0 otherwise (emp.).
func icmpDetail(p *decode.Packet) uint16 {
	if !p.HasInner {
		return 0
	}
	switch p.ICMPType {
	case 3:
		switch p.ICMPCode {
		case 0, 1: // net, host: the address
		case 2:
			return uint16(p.InnerProto)
		case 3:
			if p.InnerHasPorts {
				return p.InnerDstPort
			}
			return 0
		default: // emp.: need-frag printed 0x0000
			return 0
		}
	case 5:
	default:
		return 0
	}
	d := &p.InnerDst
	if d.IsIPv4() {
		return uint16(d[12]) | uint16(d[13])<<8
	}
	return uint16(d[0]) | uint16(d[1])<<8
}

// icmpKey keys an ICMP or ICMPv6 packet that is not a fragment.
func icmpKey(p *decode.Packet, v6 bool) flowKey {
	k := flowKey{proto: p.Proto, v6: v6}
	orderAddrs(&k, &p.Src, &p.Dst, 0, 0, v6)
	if v6 {
		k.kind = kindICMP
		k.pa, k.pb = uint16(icmp6KeyType(p.ICMPType)), uint16(p.ICMPCode)
		return k
	}
	if req, ok := echoRequest(p.ICMPType); ok {
		k.kind = kindEcho
		k.pa, k.pb, k.x = uint16(req), p.ICMPID, uint32(p.ICMPSeq)
		return k
	}
	k.kind = kindICMP
	k.pa = uint16(p.ICMPType) | uint16(p.ICMPCode)<<8
	k.pb = icmpDetail(p)
	return k
}

// fragKey identifies the later fragments of one datagram.
type fragKey struct {
	src, dst decode.Addr
	proto    uint8
	id       uint32
}

// loneFragKey keys fragments whose first fragment was not seen.
func loneFragKey(p *decode.Packet, v6 bool) flowKey {
	k := flowKey{kind: kindFrag, proto: p.Proto, v6: v6, x: p.IPID}
	orderAddrs(&k, &p.Src, &p.Dst, 0, 0, v6)
	return k
}

// macAddr stores a MAC in the first bytes of an Addr.
func macAddr(m [6]byte) decode.Addr {
	var a decode.Addr
	copy(a[:], m[:])
	return a
}

// makeKey keys a packet that is not a later fragment. ok is false for
// packets without a network layer the table can key.
func makeKey(p *decode.Packet) (k flowKey, ok bool) {
	switch p.Net {
	case decode.NetIPv4, decode.NetIPv6:
		v6 := p.Net == decode.NetIPv6
		switch {
		case p.HasPorts && (p.Proto == protoTCP || p.Proto == protoUDP):
			var dns uint32
			if p.Proto == protoUDP && p.HasDNSID {
				dns = 1<<16 | uint32(p.DNSID)
			}
			return portsKey(p.Proto, &p.Src, &p.Dst, p.SrcPort, p.DstPort, v6, dns), true
		case p.IsICMP && (p.Proto == protoICMP || p.Proto == protoICMPv6):
			return icmpKey(p, v6), true
		default:
			return ipKey(p.Proto, &p.Src, &p.Dst, v6), true
		}
	case decode.NetARP:
		k := flowKey{kind: kindARP}
		var mac [6]byte
		if arpIsReply(p.ARPOp) {
			k.a, k.b, mac = p.Dst, p.Src, p.DstMAC
		} else {
			k.a, k.b, mac = p.Src, p.Dst, p.SrcMAC
		}
		if p.EtherType == etherRARP || p.ARPOp == 3 || p.ARPOp == 4 {
			k.proto = 1
		}
		k.pa = uint16(mac[0])<<8 | uint16(mac[1])
		k.x = uint32(mac[2])<<24 | uint32(mac[3])<<16 | uint32(mac[4])<<8 | uint32(mac[5])
		return k, true
	case decode.NetOther:
		k := flowKey{kind: kindOther}
		s, d := macAddr(p.SrcMAC), macAddr(p.DstMAC)
		if bytes.Compare(s[:], d[:]) > 0 {
			s, d = d, s
		}
		k.a, k.b = s, d
		k.x = uint32(otherEtherType(p))
		lo, hi := p.LLCDSAP, p.LLCSSAP
		if lo > hi {
			lo, hi = hi, lo
		}
		k.pa = uint16(lo)<<8 | uint16(hi)
		return k, true
	}
	return flowKey{}, false
}

// otherEtherType is the protocol number Argus reports for a non-IP frame:
// the EtherType, 0 for 802.3/LLC frames (printed "llc", emp.).
func otherEtherType(p *decode.Packet) uint16 { return p.EtherType }

func arpIsReply(op uint16) bool { return op == 2 || op == 4 }

// icmp6KeyType folds ICMPv6 answers onto their requests: echo reply onto
// echo request, neighbour advertisement onto solicitation, router
// advertisement onto solicitation. Argus keys and prints such flows by the
// request type (emp.: a lone router advertisement printed 133 NRS).
func icmp6KeyType(t uint8) uint8 {
	switch t {
	case 129:
		return 128
	case 136:
		return 135
	case 134:
		return 133
	}
	return t
}
