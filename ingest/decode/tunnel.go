package decode

// GRE header bits (RFC 2784, RFC 2890, RFC 2637 for version 1).
const (
	greChecksum = 0x8000
	greRouting  = 0x4000
	greKey      = 0x2000
	greSeq      = 0x1000
	greAck      = 0x0080
	greVersion  = 0x0007
)

// ipTunnel decapsulates IP-in-IP, 6in4, 4in6 and 6in6 (b is the outer
// payload, plen its length in the outer header). It reports whether it did;
// if not, p is left as it was (the outer flow). If it did, p.Outer holds the
// outer header (of the outermost tunnel, set last when tunnels nest).
func (d *Decoder) ipTunnel(b []byte, plen int, p *Packet, outerV6 bool, depth int) bool {
	if d.KeepIPTunnels || p.Fragment || depth >= maxTunnelDepth {
		return false
	}
	saved := *p
	innerV4 := p.Proto == protoIPIP
	switch {
	case innerV4 && !outerV6:
		p.Encaps |= EncIPinIP
	case !innerV4 && !outerV6:
		p.Encaps |= Enc6in4
	case innerV4 && outerV6:
		p.Encaps |= Enc4in6
	default:
		p.Encaps |= Enc6in6
	}
	var err error
	if innerV4 {
		err = d.ipv4(b, p, depth+1)
	} else {
		err = d.ipv6(b, p, depth+1)
	}
	if err != nil || p.Net == NetNone {
		*p = saved
		return false
	}
	p.Outer = OuterIP{
		Src: saved.Src, Dst: saved.Dst, Encaps: saved.Encaps, IPID: saved.IPID, PayloadLen: int32(plen),
		Valid: true, Proto: saved.Proto, TTL: saved.TTL, TOS: saved.TOS, IPOptions: saved.IPOptions,
	}
	return true
}

// greTunnel decapsulates GRE. It reports whether it did; if not (unknown
// payload, routing present, inner packet not decodable), p is left as it
// was.
func (d *Decoder) greTunnel(b []byte, p *Packet, depth int) bool {
	if p.Fragment || depth >= maxTunnelDepth || len(b) < 4 {
		return false
	}
	flags, proto := be16(b[0:2]), be16(b[2:4])
	off := 4
	switch flags & greVersion {
	case 0:
		if flags&greRouting != 0 {
			return false
		}
		if flags&greChecksum != 0 {
			off += 4
		}
		if flags&greKey != 0 {
			off += 4
		}
		if flags&greSeq != 0 {
			off += 4
		}
	case 1: // enhanced GRE (PPTP): key always present (payload length, call id)
		if proto != etherPPP {
			return false
		}
		off += 4
		if flags&greSeq != 0 {
			off += 4
		}
		if flags&greAck != 0 {
			off += 4
		}
	default:
		return false
	}
	if off >= len(b) {
		return false
	}
	inner := b[off:]
	saved := *p
	p.Encaps |= EncGRE
	var err error
	switch proto {
	case etherIPv4:
		err = d.ipv4(inner, p, depth+1)
	case etherIPv6:
		err = d.ipv6(inner, p, depth+1)
	case etherTEB:
		err = d.ethernet(inner, p, depth+1)
	case etherMPLS, etherMPLSMcast:
		err = d.mpls(inner, p, depth+1)
	case etherPPP:
		p.Encaps |= EncPPP
		err = d.ppp(inner, p, depth+1)
	default:
		err = ErrNoNetworkLayer
	}
	if err != nil || p.Net == NetNone {
		*p = saved
		return false
	}
	return true
}
