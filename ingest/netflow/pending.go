package netflow

import "time"

// pendingSet is a copy of a data set whose template had not arrived, with
// the header its records need.
type pendingSet struct {
	key  tmplKey
	data []byte
	hdr  header
	off  int // the set body's offset in its datagram
}

// pendingSets holds data sets for pendingTimeout of receive time, at most
// pendingMaxSets sets and pendingMaxBytes bytes in all, oldest first.
type pendingSets struct {
	sets  []pendingSet
	bytes int
}

// add keeps a copy of data; false when there is no room.
func (p *pendingSets) add(k tmplKey, data []byte, h *header, off int) bool {
	if len(data) == 0 || len(data) > pendingMaxBytes-p.bytes || len(p.sets) >= pendingMaxSets {
		return false
	}
	p.sets = append(p.sets, pendingSet{key: k, data: append([]byte(nil), data...), hdr: *h, off: off})
	p.bytes += len(data)
	return true
}

func (p *pendingSets) has(k tmplKey) bool {
	for i := range p.sets {
		if p.sets[i].key == k {
			return true
		}
	}
	return false
}

// take removes and returns the sets waiting for k, oldest first.
func (p *pendingSets) take(k tmplKey) []pendingSet {
	var out []pendingSet
	kept := p.sets[:0]
	for _, s := range p.sets {
		if s.key == k {
			out = append(out, s)
			p.bytes -= len(s.data)
		} else {
			kept = append(kept, s)
		}
	}
	clear(p.sets[len(kept):])
	p.sets = kept
	return out
}

// expire drops the sets older than pendingTimeout as missing-template.
func (p *pendingSets) expire(now time.Time, st *Stats) {
	n := 0
	for n < len(p.sets) && now.Sub(p.sets[n].hdr.recv) > pendingTimeout {
		st.version(p.sets[n].hdr.version).MissingTemplate++
		p.bytes -= len(p.sets[n].data)
		n++
	}
	if n > 0 {
		rest := copy(p.sets, p.sets[n:])
		clear(p.sets[rest:])
		p.sets = p.sets[:rest]
	}
}

// dropAll drops every held set as missing-template.
func (p *pendingSets) dropAll(st *Stats) {
	for _, s := range p.sets {
		st.version(s.hdr.version).MissingTemplate++
	}
	clear(p.sets)
	p.sets = p.sets[:0]
	p.bytes = 0
}

// decodePending decodes the held sets of k now that its template is known.
func (d *Decoder) decodePending(k tmplKey, now time.Time) error {
	for _, s := range d.pending.take(k) {
		t := d.tmpl.get(k, now)
		if t == nil {
			d.stats.version(k.version).MissingTemplate++
			continue
		}
		h := s.hdr
		st := d.stats.version(h.version)
		fail := func(int, string, ...any) { st.Malformed++ }
		if err := d.dataSet(t, s.data, &h, k.domainKey, s.off, fail); err != nil {
			return err
		}
	}
	return nil
}
