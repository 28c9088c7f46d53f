package flow

import "tapdb/ingest/decode"

// accountTCP follows the connection: handshake and close, base sequence
// numbers, retransmissions and out-of-order segments, windows and ECN. The
// sequence rules are those of Argus 3.0.8's TCP model (ArgusTcp.c), so that
// the flgs column flags the same segments; window scaling is not known
// from decode.Packet and is taken as absent.
func (f *flow) accountTCP(p *decode.Packet, src bool, sr *sideRec, sf *sideFlow, now int64) {
	fl := p.TCPFlags
	sr.tcpFlags |= fl
	seq := p.TCPSeq
	t := &f.tcp
	of := &f.df
	if !src {
		of = &f.sf
	}
	first := f.records == 0 && f.s.pkts+f.d.pkts == 1

	defer func() { sf.last = now }()
	newSynAck, newEst := false, false
	if fl&decode.TCPSyn != 0 {
		if sf.sawSyn && seq == sf.synSeq {
			sr.retrans++ // the same SYN again
		}
		sf.sawSyn, sf.synSeq = true, seq
		if fl&decode.TCPAck == 0 {
			t.syn = true
		} else if !t.synAck {
			t.synAck, newSynAck = true, true
		}
	}
	// Established once the SYN's sender sends a plain ACK, whether or not
	// the SYN/ACK was captured (emp.: SYN then data with the answers
	// missing printed CON).
	if fl&decode.TCPAck != 0 && fl&decode.TCPSyn == 0 && src && !t.est && (t.syn || t.synAck) {
		t.est, newEst = true, t.synAck
	}
	if fl&decode.TCPRst != 0 {
		t.rst = true
	}
	if fl&decode.TCPFin != 0 {
		t.fin, sf.fin = true, true
	}
	sr.win = p.TCPWindow
	sf.flags |= fl

	if first {
		f.firstTCP(p, sf, of)
		return
	}
	// ECN: once negotiated, an ACK carrying ECE marks its sender's side.
	if t.ecnOK && fl&(decode.TCPEce|decode.TCPAck) == decode.TCPEce|decode.TCPAck {
		sf.ecn = true
	}
	if fl&(decode.TCPSyn|decode.TCPAck|decode.TCPFin|decode.TCPRst|decode.TCPPsh|decode.TCPUrg) == decode.TCPSyn {
		return // a new or repeated SYN does not move the sequence state
	}
	updateSequence(p, sr, sf, of)
	// Handshake times as Argus measures them: synack from the client's
	// last packet to a SYN/ACK acknowledging its SYN, ackdat from the
	// server's last packet to the client's first ACK when that ACK is for
	// the SYN/ACK and carries no data.
	if newSynAck && t.syn && sf.ack == of.seq {
		t.synackDur = now - of.last
	}
	if newEst && sf.seq == of.ack {
		t.ackdatDur = now - of.last
	}
}

// firstTCP initialises the sequence state from the flow's first segment.
func (f *flow) firstTCP(p *decode.Packet, sf, of *sideFlow) {
	fl, seq, length := p.TCPFlags, p.TCPSeq, uint32(p.PayloadLen)
	const (
		syn, ack = decode.TCPSyn, decode.TCPAck
	)
	switch {
	case fl&decode.TCPRst != 0:
		if seq != 0 {
			sf.base, sf.seq = seq-1, seq+length
		} else {
			sf.base, sf.seq = p.TCPAck-1, p.TCPAck-1
		}
		of.ack = p.TCPAck - 1
		return
	case fl&(syn|ack|decode.TCPFin|decode.TCPPsh|decode.TCPUrg) == syn:
		sf.base, sf.seq = seq, seq
		if fl&(decode.TCPEce|decode.TCPCwr) == decode.TCPEce|decode.TCPCwr {
			f.tcp.ecnOK = true
		}
	case fl&(syn|ack|decode.TCPFin|decode.TCPPsh|decode.TCPUrg) == syn|ack:
		sf.base, sf.seq = seq, seq
		of.ack = p.TCPAck - 1
		if fl&(decode.TCPEce|decode.TCPCwr) == decode.TCPEce {
			f.tcp.ecnOK = true
		}
	default:
		if fl&ack != 0 && fl&(syn|decode.TCPFin) == 0 {
			of.ack = p.TCPAck - 1
		}
		// Argus's base for a connection seen mid-stream is seq-1.
		sf.base, sf.seq = seq-1, seq+length
	}
	sf.win = p.TCPWindow
}

// updateSequence applies one segment from side s (the other side is o) to
// the sequence state and flags retransmissions and out-of-order segments
// in the sender's record side r (Argus's ArgusUpdateTCPSequence rules).
func updateSequence(p *decode.Packet, r *sideRec, s, o *sideFlow) {
	fl, seq, length := p.TCPFlags, p.TCPSeq, uint32(p.PayloadLen)
	if fl&(decode.TCPFin|decode.TCPRst) == 0 {
		if p.TCPWindow == 0 {
			r.zeroWin = true
		} else {
			s.win = p.TCPWindow
		}
	}
	if length > 0 && o.win != 0 {
		if s.flags&decode.TCPFin != 0 {
			if seq < s.seq {
				r.retrans++
			} else if fl&decode.TCPFin == 0 {
				r.outOfOrder = true
			}
		}
		if fl&decode.TCPSyn == 0 {
			s.winBytes += length
		}
	}
	next := seq + length
	switch {
	case next < seq: // wrapped
		s.base, s.seq = next, next
	case s.base == 0: // first segment from this side
		s.base, s.seq = seq, next
	case length > 0:
		ipid := uint16(p.IPID)
		if o.win != 0 {
			if seq < o.ack {
				if o.ack-seq < uint32(s.win) {
					r.retrans++
					s.winBytes -= length
				}
			} else {
				maxSeq := max(next, s.seq)
				if s.win != 0 {
					if d := int(ipid) - int(s.ipid); s.ipid != 0 && d < 0 && d > -5000 {
						r.outOfOrder = true
					} else if s.winBytes > (maxSeq-1)-o.ack {
						r.retrans++
						s.winBytes -= length
					} else if next < s.seq {
						if seq == o.ack+1 {
							r.retrans++
							s.winBytes -= length
						} else {
							r.outOfOrder = true
						}
					}
				}
				s.seq = maxSeq
			}
		}
		s.ipid = ipid
	}
	if p.TCPAck != 0 && fl&decode.TCPAck != 0 {
		ack := p.TCPAck - 1
		if s.ack != 0 && o.seq > s.ack {
			o.winBytes = (o.seq - 1) - s.ack
		}
		if s.ack != ack {
			if s.ack == 0 || o.seq == p.TCPAck {
				o.winBytes = 0
			} else if fl&decode.TCPSyn == 0 {
				o.winBytes -= min(o.winBytes, ack-s.ack)
			}
			s.ack = ack
		}
	}
}

// tcpClosed reports whether the connection is over (FIN or RST seen), which
// shortens its idle timeout and allows port reuse.
func (f *flow) tcpClosed() bool { return f.tcp.fin || f.tcp.rst }

// isReuse reports whether p, a SYN on a closed connection's key, starts a
// new connection rather than repeating the old SYN.
func (f *flow) isReuse(p *decode.Packet) bool {
	if !p.IsTCP || p.TCPFlags&(decode.TCPSyn|decode.TCPAck) != decode.TCPSyn || !f.tcpClosed() {
		return false
	}
	sf := &f.df
	if f.fromSrc(p) {
		sf = &f.sf
	}
	return !sf.sawSyn || sf.synSeq != p.TCPSeq
}

// tcpState is the State column of a TCP record (ARGUS-NOTES 2.5).
func (f *flow) tcpState() string {
	t := &f.tcp
	switch {
	case t.rst:
		return "RST"
	case t.fin:
		return "FIN"
	case t.flipped && !t.syn:
		// Argus reports a connection first seen at its SYN/ACK, once the
		// client answered, as CLO (emp.).
		return "CLO"
	case t.est:
		return "CON"
	case t.synAck:
		return "ACC"
	case t.syn:
		return "REQ"
	}
	// Without any handshake or close seen Argus prints CON, also for a
	// one-way record (emp.).
	return "CON"
}
