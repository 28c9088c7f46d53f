package netflow

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"time"
)

const (
	v9HeaderLen    = 20
	ipfixHeaderLen = 16
)

// setRef locates one set (flowset) of a datagram.
type setRef struct {
	id         uint16
	start, end int // the set's body, after its 4-byte header
}

// decodeTemplated decodes a NetFlow v9 or IPFIX datagram. Template sets are
// applied first, then options data, then flow data (see the package
// documentation).
func (d *Decoder) decodeTemplated(exporter netip.AddrPort, b []byte, recv time.Time, version uint16) error {
	st := d.stats.version(version)
	st.Datagrams++
	hdrLen, ipfix := v9HeaderLen, version == 10
	if ipfix {
		hdrLen = ipfixHeaderLen
	}
	if len(b) < hdrLen {
		st.Malformed++
		return &DecodeError{Exporter: exporter, Version: version, Offset: len(b), Msg: fmt.Sprintf("header truncated: %d of %d bytes", len(b), hdrLen)}
	}
	h := header{version: version, exporter: exporter, recv: recv}
	var firstErr error
	fail := func(off int, format string, args ...any) {
		st.Malformed++
		if firstErr == nil {
			firstErr = &DecodeError{Exporter: exporter, Version: version, Offset: off, Msg: fmt.Sprintf(format, args...)}
		}
	}
	end := len(b)
	if ipfix {
		h.exportNs = int64(binary.BigEndian.Uint32(b[4:])) * 1e9
		h.domain = binary.BigEndian.Uint32(b[12:])
		switch n := int(binary.BigEndian.Uint16(b[2:])); {
		case n < hdrLen:
			fail(2, "message length %d shorter than the header", n)
			return firstErr
		case n > len(b):
			fail(2, "message length %d beyond the datagram's %d bytes", n, len(b))
		default:
			end = n
		}
	} else {
		h.uptimeMs = binary.BigEndian.Uint32(b[4:])
		h.exportNs = int64(binary.BigEndian.Uint32(b[8:])) * 1e9
		h.domain = binary.BigEndian.Uint32(b[16:])
	}
	dk := domainKey{addr: exporter.Addr(), version: version, domain: h.domain}

	// Frame the sets.
	var refsBuf [16]setRef
	refs := refsBuf[:0]
	for off := hdrLen; off < end; {
		if end-off < 4 {
			if ipfix {
				fail(off, "%d trailing bytes after the last set", end-off)
			} // v9 exporters may pad the datagram
			break
		}
		id := binary.BigEndian.Uint16(b[off:])
		n := int(binary.BigEndian.Uint16(b[off+2:]))
		if n < 4 || n > end-off {
			if !ipfix && id == 0 && n == 0 {
				break // v9 zero padding
			}
			fail(off+2, "set %d: length %d invalid with %d bytes left", id, n, end-off)
			break
		}
		refs = append(refs, setRef{id: id, start: off + 4, end: off + n})
		off += n
	}

	// Pass 1: templates.
	for _, s := range refs {
		if s.id >= 256 {
			continue
		}
		var ids []uint16
		switch {
		case !ipfix && s.id == 0, ipfix && s.id == 2:
			ids = d.templateSet(b, s, dk, recv, ipfix, false, fail)
		case !ipfix && s.id == 1, ipfix && s.id == 3:
			ids = d.templateSet(b, s, dk, recv, ipfix, true, fail)
		default:
			continue // reserved set ids: skip
		}
		for _, id := range ids {
			if d.pending.has(tmplKey{dk, id}) {
				if err := d.decodePending(tmplKey{dk, id}, recv); err != nil {
					return err
				}
			}
		}
	}

	// Pass 2 and 3: options data, then flow data.
	for pass := range 2 {
		for _, s := range refs {
			if s.id < 256 {
				continue
			}
			t := d.tmpl.get(tmplKey{dk, s.id}, recv)
			if t == nil {
				if pass == 1 {
					st.Deferred++
					if !d.pending.add(tmplKey{dk, s.id}, b[s.start:s.end], &h, s.start) {
						st.MissingTemplate++
					}
				}
				continue
			}
			if t.options != (pass == 0) {
				continue
			}
			if err := d.dataSet(t, b[s.start:s.end], &h, dk, s.start, fail); err != nil {
				return err
			}
		}
	}
	return firstErr
}

// templateSet reads the template or options-template records of one set and
// returns the ids it defined.
func (d *Decoder) templateSet(b []byte, s setRef, dk domainKey, recv time.Time, ipfix, options bool, fail func(int, string, ...any)) []uint16 {
	var ids []uint16
	st := d.stats.version(dk.version)
	body := b[s.start:s.end]
	off := 0
	for {
		rest := body[off:]
		if len(rest) < 4 {
			return ids // padding
		}
		tid := binary.BigEndian.Uint16(rest)
		second := binary.BigEndian.Uint16(rest[2:])
		if tid == 0 && second == 0 {
			return ids // zero padding
		}
		if options && len(rest) < 6 && !(ipfix && second == 0) {
			return ids // too short for an options template header: padding
		}
		var (
			specs   []fieldSpec
			used    int
			ok      bool
			nScope  int
			scopeV9 int
		)
		switch {
		case ipfix:
			count := int(binary.BigEndian.Uint16(rest[2:]))
			if count == 0 { // withdrawal
				if tid == 2 || tid == 3 {
					d.tmpl.withdrawAll(dk, options)
				} else {
					d.tmpl.withdraw(tmplKey{dk, tid})
				}
				off += 4
				continue
			}
			used = 4
			if options {
				nScope = int(binary.BigEndian.Uint16(rest[4:]))
				used = 6
				if nScope == 0 || nScope > count {
					fail(s.start+off+4, "options template %d: scope field count %d of %d", tid, nScope, count)
					return ids
				}
			}
			specs, ok = d.readSpecsInto(rest[used:], count, true, &used)
		case options:
			scopeLen := int(binary.BigEndian.Uint16(rest[2:]))
			optLen := int(binary.BigEndian.Uint16(rest[4:]))
			if scopeLen%4 != 0 || optLen%4 != 0 {
				fail(s.start+off+2, "options template %d: scope length %d, option length %d not multiples of 4", tid, scopeLen, optLen)
				return ids
			}
			used = 6
			scopeV9 = scopeLen / 4
			specs, ok = d.readSpecsInto(rest[used:], scopeV9+optLen/4, false, &used)
		default:
			count := int(binary.BigEndian.Uint16(rest[2:]))
			used = 4
			specs, ok = d.readSpecsInto(rest[used:], count, false, &used)
		}
		if !ok {
			fail(s.start+off, "template %d: field specifiers run past the end of the set", tid)
			return ids
		}
		if tid < 256 {
			fail(s.start+off, "template id %d below 256", tid)
			off += used
			continue
		}
		t := newTemplate(specs, options)
		for i := range scopeV9 {
			t.fields[i].kind = kSkip // v9 scope types are not information elements
		}
		t.expires = recv.Add(d.cfg.TemplateTimeout)
		if t.minLen == 0 {
			fail(s.start+off, "template %d: records of zero length", tid)
		} else if d.tmpl.put(tmplKey{dk, tid}, t, recv) {
			st.Templates++
			ids = append(ids, tid)
		} else {
			fail(s.start+off, "template %d: template cache full (%d)", tid, maxTemplates)
		}
		off += used
	}
}

// readSpecsInto reads n specifiers from b, adding the bytes used to *used.
func (d *Decoder) readSpecsInto(b []byte, n int, ipfix bool, used *int) ([]fieldSpec, bool) {
	specs, u, ok := readSpecs(b, n, ipfix, d.specBuf)
	if ok {
		d.specBuf = specs[:0]
		*used += u
	}
	return specs, ok
}

// dataSet decodes the records of one data set with template t. setOff is
// the set body's offset in the datagram, for error messages.
func (d *Decoder) dataSet(t *template, body []byte, h *header, dk domainKey, setOff int, fail func(int, string, ...any)) error {
	ds := d.domain(dk, t.options)
	st := d.stats.version(h.version)
	var f fields
	off := 0
	for len(body)-off >= t.minLen {
		f = fields{}
		start := off
		for _, fl := range t.fields {
			l := int(fl.length)
			if fl.length == varLen {
				if off >= len(body) {
					l = -1
				} else {
					l = int(body[off])
					off++
					if l == 255 {
						if len(body)-off < 2 {
							l = -1
						} else {
							l = int(binary.BigEndian.Uint16(body[off:]))
							off += 2
						}
					}
				}
			}
			if l < 0 || l > len(body)-off {
				fail(setOff+off, "data record at set offset %d runs past the end of the set", start)
				return nil
			}
			if fl.kind != kSkip {
				f.set(fl.kind, body[off:off+l])
			}
			off += l
		}
		if t.options {
			st.OptionsRecords++
			applyOptions(&f, ds)
			continue
		}
		if err := d.record(&f, h, ds); err != nil {
			return err
		}
	}
	return nil
}

// applyOptions keeps what an options data record says about sampling and
// the exporter's boot time.
func applyOptions(f *fields, ds *domainState) {
	if ds == nil {
		return
	}
	if f.have&hSysInit != 0 {
		ds.sysInitMs = f.sysInitMs
	}
	rate := recordRate(f)
	if rate == 0 {
		return
	}
	id, ok := f.samplerID, f.have&hSamplerID != 0
	if !ok {
		id, ok = f.selectorID, f.have&hSelectorID != 0
	}
	if !ok {
		ds.rate = rate
		return
	}
	if ds.samplers == nil {
		ds.samplers = make(map[uint64]uint64)
	}
	if _, known := ds.samplers[id]; known || len(ds.samplers) < maxSamplers {
		ds.samplers[id] = rate
	}
}

// recordRate is the sampling rate a record carries itself, 0 if none.
func recordRate(f *fields) uint64 {
	if f.have&hSampling != 0 && f.sampling > 0 {
		return f.sampling
	}
	if f.have&hPktInterval != 0 && f.pktInterval > 0 {
		return (f.pktInterval + f.pktSpace) / f.pktInterval
	}
	return 0
}

// samplingRate is the rate that applies to a flow record: its own, its
// sampler's, the domain's, or v5's header rate; at least 1.
func samplingRate(f *fields, h *header, ds *domainState) uint64 {
	if r := recordRate(f); r > 0 {
		return r
	}
	if ds != nil {
		if ds.samplers != nil {
			if f.have&hSamplerID != 0 {
				if r := ds.samplers[f.samplerID]; r > 0 {
					return r
				}
			}
			if f.have&hSelectorID != 0 {
				if r := ds.samplers[f.selectorID]; r > 0 {
					return r
				}
			}
		}
		if ds.rate > 0 {
			return ds.rate
		}
	}
	if h.rate > 0 {
		return h.rate
	}
	return 1
}
