package decode

// etherType decodes the payload of an Ethernet-like header by its
// EtherType, looking through VLAN tags.
func (d *Decoder) etherType(et uint16, b []byte, p *Packet, depth int) error {
	for et == etherVLAN || et == etherQinQ || et == etherQinQOld1 || et == etherQinQOld2 {
		if len(b) < 4 {
			return ErrNetTruncated
		}
		p.Encaps |= EncVLAN
		if !p.HasVLAN {
			p.HasVLAN = true
			p.VLANID = be16(b) & 0x0fff
		}
		p.InnerVLANID = be16(b) & 0x0fff
		et, b = be16(b[2:4]), b[4:]
	}
	switch {
	case et <= maxEthernetLen8023:
		return d.llc(b, p, depth)
	case et == etherIPv4:
		return d.ipv4(b, p, depth)
	case et == etherIPv6:
		return d.ipv6(b, p, depth)
	case et == etherARP || et == etherRARP:
		d.arp(et, b, p)
		return nil
	case et == etherMPLS || et == etherMPLSMcast:
		return d.mpls(b, p, depth)
	case et == etherPPPoESess:
		return d.pppoe(b, p, depth)
	}
	p.Net, p.EtherType = NetOther, et
	return nil
}

// llc decodes an 802.2 LLC header (802.3 length frames). SNAP with OUI
// 00-00-00 (or 00-00-f8, 802.1H bridge tunnel) carries an EtherType and is
// looked through; other LLC frames become NetOther frames keyed by SAPs.
func (d *Decoder) llc(b []byte, p *Packet, depth int) error {
	p.Encaps |= EncLLC
	p.Net, p.EtherType = NetOther, 0
	if len(b) < 3 {
		return nil
	}
	p.LLCDSAP, p.LLCSSAP = b[0], b[1]
	hl := 3
	if b[2]&3 != 3 { // I- and S-format frames have a 2-byte control field
		hl = 4
	}
	if b[0] == 0xaa && b[1] == 0xaa && len(b) >= hl+5 && b[hl] == 0 && b[hl+1] == 0 && (b[hl+2] == 0 || b[hl+2] == 0xf8) {
		p.Net, p.LLCDSAP, p.LLCSSAP = NetNone, 0, 0
		return d.etherType(be16(b[hl+3:hl+5]), b[hl+5:], p, depth)
	}
	return nil
}

// arp decodes ARP and RARP. Src/Dst are the sender and target protocol
// addresses and SrcMAC the sender hardware address. On links without MACs
// of their own (Linux cooked captures) DstMAC is the target hardware
// address, so a reply still names the requester. ARP for other protocols
// than IPv4 is kept as a NetOther frame.
func (d *Decoder) arp(et uint16, b []byte, p *Packet) {
	p.Net, p.EtherType = NetOther, et
	if len(b) < 8 {
		return
	}
	p.ARPOp = be16(b[6:8])
	hlen, plen := int(b[4]), int(b[5])
	if be16(b[2:4]) != etherIPv4 || plen != 4 || len(b) < 8+2*hlen+8 {
		return
	}
	p.Net = NetARP
	if hlen == 6 {
		copy(p.SrcMAC[:], b[8:14])
		if !p.HasMAC {
			copy(p.DstMAC[:], b[18:24])
		}
	}
	setIPv4(&p.Src, b[8+hlen:12+hlen])
	setIPv4(&p.Dst, b[12+2*hlen:16+2*hlen])
}

// mpls decodes an MPLS label stack and guesses the payload after the
// bottom of the stack from its first nibble.
func (d *Decoder) mpls(b []byte, p *Packet, depth int) error {
	p.Encaps |= EncMPLS
	for {
		if len(b) < 4 {
			return ErrNetTruncated
		}
		e := be32(b)
		if !p.HasMPLS {
			p.HasMPLS = true
			p.MPLSLabel = e >> 12
		}
		b = b[4:]
		if e&0x100 != 0 {
			break
		}
	}
	if len(b) < 1 {
		return ErrNetTruncated
	}
	switch b[0] >> 4 {
	case 4:
		return d.ipv4(b, p, depth)
	case 6:
		return d.ipv6(b, p, depth)
	case 0:
		// Pseudowire control word, then an Ethernet frame.
		if len(b) >= 4+ethernetHdrLen && depth < maxTunnelDepth {
			return d.ethernet(b[4:], p, depth+1)
		}
	}
	return ErrNoNetworkLayer
}

// pppoe decodes a PPPoE session header and the PPP protocol after it.
func (d *Decoder) pppoe(b []byte, p *Packet, depth int) error {
	if len(b) < 8 {
		return ErrNetTruncated
	}
	p.Encaps |= EncPPPoE
	if b[0] != 0x11 || b[1] != 0 { // version 1, type 1, session data
		return ErrNoNetworkLayer
	}
	return d.pppProto(be16(b[6:8]), b[8:], p, depth)
}
