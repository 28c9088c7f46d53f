package decode

// ICMP types with special meaning to the flow table.
const (
	icmpEchoReply    = 0
	icmpUnreachable  = 3
	icmpSourceQuench = 4
	icmpRedirect     = 5
	icmpEcho         = 8
	icmpTimeExceeded = 11
	icmpParamProblem = 12
	icmpTimestamp    = 13
	icmpTimestampRep = 14
	icmpInfo         = 15
	icmpInfoReply    = 16
	icmpMask         = 17
	icmpMaskReply    = 18
	icmp6EchoRequest = 128
	icmp6EchoReply   = 129
	icmpHdrLen       = 8
	udpHdrLen        = 8
	tcpMinHdrLen     = 20
)

// transport decodes the layer above IP: b holds the captured bytes of the
// IP payload and plen its length by the IP header. p.Proto is set.
func (d *Decoder) transport(b []byte, plen int, p *Packet, v6 bool, depth int) error {
	switch proto := p.Proto; {
	case proto == protoTCP:
		tcp(b, plen, p)
	case proto == protoUDP:
		udp(b, plen, p)
	case proto == protoICMP && !v6:
		icmp(b, plen, p)
	case proto == protoICMPv6 && v6:
		icmp6(b, plen, p)
	case proto == protoIPIP || proto == protoIPv6:
		if !d.ipTunnel(b, plen, p, v6, depth) {
			p.PayloadLen = plen
		}
	case proto == protoGRE:
		if !d.greTunnel(b, p, depth) {
			p.PayloadLen = plen
		}
	default:
		p.PayloadLen = plen
	}
	return nil
}

func nonNegative(n int) int {
	if n < 0 {
		return 0
	}
	return n
}

func tcp(b []byte, plen int, p *Packet) {
	if len(b) < 4 {
		return
	}
	p.HasPorts = true
	p.SrcPort, p.DstPort = be16(b[0:2]), be16(b[2:4])
	if len(b) < 13 {
		return
	}
	off := int(b[12]>>4) * 4
	if off < tcpMinHdrLen {
		off = tcpMinHdrLen
	}
	p.PayloadLen = nonNegative(plen - off)
	if len(b) < tcpMinHdrLen {
		return
	}
	p.IsTCP = true
	p.TCPSeq = be32(b[4:8])
	p.TCPAck = be32(b[8:12])
	p.TCPFlags = b[13]
	p.TCPWindow = be16(b[14:16])
}

func udp(b []byte, plen int, p *Packet) {
	if len(b) < 4 {
		return
	}
	p.HasPorts = true
	p.SrcPort, p.DstPort = be16(b[0:2]), be16(b[2:4])
	p.PayloadLen = nonNegative(plen - udpHdrLen)
	if (p.SrcPort == 53 || p.DstPort == 53) && p.PayloadLen >= 2 && len(b) >= udpHdrLen+2 {
		p.HasDNSID = true
		p.DNSID = be16(b[udpHdrLen : udpHdrLen+2])
	}
	if len(b) >= udpHdrLen {
		payload := b[udpHdrLen:] // not nil: b is not
		if ulen := int(be16(b[4:6])); ulen >= udpHdrLen && ulen-udpHdrLen < len(payload) {
			payload = payload[:ulen-udpHdrLen]
		}
		p.UDPPayload = payload
	}
}

func icmp(b []byte, plen int, p *Packet) {
	if len(b) < 2 {
		return
	}
	p.IsICMP = true
	p.ICMPType, p.ICMPCode = b[0], b[1]
	p.PayloadLen = nonNegative(plen - icmpHdrLen)
	switch p.ICMPType {
	case icmpEcho, icmpEchoReply, icmpTimestamp, icmpTimestampRep, icmpInfo, icmpInfoReply, icmpMask, icmpMaskReply:
		if len(b) >= 8 {
			p.ICMPID, p.ICMPSeq = be16(b[4:6]), be16(b[6:8])
		}
	case icmpUnreachable, icmpSourceQuench, icmpRedirect, icmpTimeExceeded, icmpParamProblem:
		if len(b) > icmpHdrLen {
			innerIPv4(b[icmpHdrLen:], p)
		}
	}
}

func icmp6(b []byte, plen int, p *Packet) {
	if len(b) < 2 {
		return
	}
	p.IsICMP = true
	p.ICMPType, p.ICMPCode = b[0], b[1]
	p.PayloadLen = nonNegative(plen - icmpHdrLen)
	switch {
	case p.ICMPType == icmp6EchoRequest || p.ICMPType == icmp6EchoReply:
		if len(b) >= 8 {
			p.ICMPID, p.ICMPSeq = be16(b[4:6]), be16(b[6:8])
		}
	case p.ICMPType >= 1 && p.ICMPType <= 4: // unreachable, too big, time exceeded, parameter problem
		if len(b) > icmpHdrLen {
			innerIPv6(b[icmpHdrLen:], p)
		}
	}
}

// innerIPv4 decodes the IPv4 header (and ports) an ICMP error quotes.
func innerIPv4(b []byte, p *Packet) {
	if len(b) < ipv4MinHdrLen || b[0]>>4 != 4 {
		return
	}
	hl := int(b[0]&0x0f) * 4
	if hl < ipv4MinHdrLen {
		return
	}
	p.HasInner = true
	setIPv4(&p.InnerSrc, b[12:16])
	setIPv4(&p.InnerDst, b[16:20])
	p.InnerProto = b[9]
	if be16(b[6:8])&0x1fff == 0 {
		innerPorts(b[min(hl, len(b)):], p)
	}
}

// innerIPv6 decodes the IPv6 header (and ports) an ICMPv6 error quotes.
func innerIPv6(b []byte, p *Packet) {
	if len(b) < ipv6HdrLen || b[0]>>4 != 6 {
		return
	}
	p.HasInner = true
	copy(p.InnerSrc[:], b[8:24])
	copy(p.InnerDst[:], b[24:40])
	x := walkIPv6(b[6], b[ipv6HdrLen:])
	p.InnerProto = x.proto
	if x.complete && x.fragOffset == 0 {
		innerPorts(b[ipv6HdrLen+x.hdrLen:], p)
	}
}

func innerPorts(b []byte, p *Packet) {
	if (p.InnerProto == protoTCP || p.InnerProto == protoUDP) && len(b) >= 4 {
		p.InnerHasPorts = true
		p.InnerSrcPort, p.InnerDstPort = be16(b[0:2]), be16(b[2:4])
	}
}
