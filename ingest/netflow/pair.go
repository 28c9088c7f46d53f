package netflow

import (
	"time"

	"tapdb/schema"
)

// pairKey identifies a one-way record for pairing: exporter, protocol,
// addresses and ports in the record's own direction. For ICMP queries the
// ports are the query class (the request type) and the role (0 request,
// 1 reply).
type pairKey struct {
	srcid        string
	proto        int32
	sHi, sLo     uint64
	dHi, dLo     uint64
	sport, dport int32
}

// pairEntry is a record waiting for its partner; rec is nil once it has
// been paired or emitted.
type pairEntry struct {
	rec    *schema.Record
	key    pairKey
	arrive time.Time
}

// pairer holds one-way records until their reverse arrives or PairWindow
// passes. Entries sit in arrival order in q; m maps a key to its entry's
// sequence number (position base+i in q).
type pairer struct {
	window time.Duration
	q      []pairEntry
	head   int
	base   uint64 // sequence number of q[0]
	m      map[pairKey]uint64
}

func (p *pairer) len() int { return len(p.m) }

// keys returns the record's own pairing key and the key its partner would
// have; ok is false for records that cannot be paired.
func pairKeys(r *schema.Record) (own, rev pairKey, ok bool) {
	if r.Spkts == 0 || r.Dpkts != 0 || !r.HasAddrNum {
		return own, rev, false
	}
	own = pairKey{srcid: r.Srcid, proto: r.PNum, sHi: r.SaddrHi, sLo: r.SaddrLo, dHi: r.DaddrHi, dLo: r.DaddrLo, sport: r.Sport, dport: r.Dport}
	if class, role, query := icmpQuery(r); query {
		own.sport, own.dport = class, role
		rev = own
		rev.dport = 1 - role
	} else if r.PNum == protoICMP || r.PNum == protoICMPv6 {
		return own, rev, false // ICMP errors and announcements have no reverse
	} else {
		rev = own
		rev.sport, rev.dport = own.dport, own.sport
	}
	rev.sHi, rev.sLo, rev.dHi, rev.dLo = own.dHi, own.dLo, own.sHi, own.sLo
	return own, rev, true
}

// icmpQuery says whether r is an ICMP query or its reply, with the query
// class (the request type) and the role (0 request, 1 reply).
func icmpQuery(r *schema.Record) (class, role int32, ok bool) {
	switch {
	case r.PNum == protoICMP && r.EType == 0x0800:
		switch typ := r.Sport & 0xff; typ {
		case 8, 13, 15, 17:
			return typ, 0, true
		case 0:
			return 8, 1, true
		case 14, 16, 18:
			return typ - 1, 1, true
		}
	case r.PNum == protoICMPv6 && r.EType == 0x86dd:
		switch r.Sport {
		case 128:
			return 128, 0, true
		case 129:
			return 128, 1, true
		}
	}
	return 0, 0, false
}

// add pairs r with a waiting partner (emitting the merged record), or holds
// it; records that cannot be paired are emitted at once.
func (p *pairer) add(r *schema.Record, now time.Time, out func(*schema.Record) error) (paired bool, err error) {
	own, rev, ok := pairKeys(r)
	if !ok {
		return false, out(r)
	}
	if p.m == nil {
		p.m = make(map[pairKey]uint64)
	}
	if seq, found := p.m[rev]; found {
		e := &p.q[seq-p.base]
		if overlaps(e.rec, r, p.window) {
			m := merge(e.rec, r)
			e.rec = nil
			delete(p.m, rev)
			return true, out(m)
		}
	}
	if seq, found := p.m[own]; found {
		// A second record of the same direction: the first one's partner
		// did not come in time; let it go.
		e := &p.q[seq-p.base]
		old := e.rec
		e.rec = nil
		delete(p.m, own)
		if err := out(old); err != nil {
			return false, err
		}
	}
	if len(p.q)-p.head > 2*len(p.m)+4096 {
		p.compact()
	}
	p.m[own] = p.base + uint64(len(p.q))
	p.q = append(p.q, pairEntry{rec: r, key: own, arrive: now})
	for len(p.m) > pairMaxRecords {
		if err := p.pop(out); err != nil {
			return false, err
		}
	}
	return false, nil
}

// pop removes the oldest entry, emitting its record if it still waits.
func (p *pairer) pop(out func(*schema.Record) error) error {
	e := &p.q[p.head]
	rec := e.rec
	if rec != nil {
		delete(p.m, e.key)
	}
	*e = pairEntry{}
	p.head++
	if p.head == len(p.q) {
		p.base += uint64(len(p.q))
		p.q, p.head = p.q[:0], 0
	} else if p.head >= 1024 && p.head*2 >= len(p.q) {
		n := copy(p.q, p.q[p.head:])
		clear(p.q[n:])
		p.q = p.q[:n]
		p.base += uint64(p.head)
		p.head = 0
	}
	if rec != nil {
		return out(rec)
	}
	return nil
}

// compact drops the entries that were paired while younger entries wait,
// so the queue stays proportional to the records waiting even when the
// receive time stands still.
func (p *pairer) compact() {
	base := p.base + uint64(len(p.q))
	live := p.q[:0]
	for _, e := range p.q[p.head:] {
		if e.rec != nil {
			p.m[e.key] = base + uint64(len(live))
			live = append(live, e)
		}
	}
	clear(p.q[len(live):])
	p.q, p.head, p.base = live, 0, base
}

// expire emits the records that waited longer than the window by now.
func (p *pairer) expire(now time.Time, out func(*schema.Record) error) error {
	for p.head < len(p.q) {
		e := &p.q[p.head]
		if e.rec != nil && !now.After(e.arrive.Add(p.window)) {
			return nil
		}
		if err := p.pop(out); err != nil {
			return err
		}
	}
	return nil
}

// flush emits every waiting record.
func (p *pairer) flush(out func(*schema.Record) error) error {
	for p.head < len(p.q) {
		if err := p.pop(out); err != nil {
			return err
		}
	}
	return nil
}

// overlaps says whether the time ranges of a and b overlap, allowing slack
// on either side.
func overlaps(a, b *schema.Record, slack time.Duration) bool {
	return !a.Stime.After(b.Ltime.Add(slack)) && !b.Stime.After(a.Ltime.Add(slack))
}

// merge makes one bidirectional record of a one-way record and its
// reverse. The source is the requester for ICMP queries, otherwise the side
// that started first (the waiting record on a tie).
func merge(waiting, arrived *schema.Record) *schema.Record {
	s, o := waiting, arrived
	if _, role, ok := icmpQuery(waiting); ok {
		if role == 1 {
			s, o = arrived, waiting
		}
	} else if arrived.Stime.Before(waiting.Stime) {
		s, o = arrived, waiting
	}
	s.Dpkts, s.Dbytes = o.Spkts, o.Sbytes
	s.Dappbytes = o.Sappbytes
	s.Dtos = o.Stos
	s.Dttl, s.HasDttl = o.Sttl, o.HasSttl
	s.DTCPFlags = o.STCPFlags
	if s.Dmac == "" {
		s.Dmac = o.Smac
	}
	if !s.HasDvlan && o.HasSvlan {
		s.Dvlan, s.HasDvlan = o.Svlan, true
	}
	if o.HasSmpls {
		s.Dmpls, s.HasDmpls = o.Smpls, true
	}
	if o.Stime.Before(s.Stime) {
		s.Stime = o.Stime
	}
	if o.Ltime.After(s.Ltime) {
		s.Ltime = o.Ltime
	}
	s.Trans = 2
	finish(s)
	return s
}
