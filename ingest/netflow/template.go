package netflow

import (
	"encoding/binary"
	"net/netip"
	"time"
)

// varLen is the IPFIX field length that announces a variable-length field.
const varLen = 0xffff

// field is one compiled field specifier of a template.
type field struct {
	kind   kind
	length uint16 // varLen for IPFIX variable-length fields
}

// template is a compiled (options) template.
type template struct {
	fields  []field
	options bool
	// minLen is the smallest encoding of one data record: the sum of the
	// fixed lengths plus one byte for each variable-length field.
	minLen int
	// expires is the receive time after which the template is stale.
	expires time.Time
}

// domainKey names one exporter's observation domain (IPFIX) or source id
// (v9). The port is left out: a restarted exporter keeps its templates'
// meaning, and several line cards of one router share an address.
type domainKey struct {
	addr    netip.Addr
	version uint16
	domain  uint32
}

// tmplKey names one template of one domain.
type tmplKey struct {
	domainKey
	id uint16
}

// newTemplate compiles field specifiers (type, length, enterprise number).
func newTemplate(specs []fieldSpec, options bool) *template {
	t := &template{fields: make([]field, len(specs)), options: options}
	for i, s := range specs {
		t.fields[i] = field{kind: kindOf(s.id, s.pen), length: s.length}
		if s.length == varLen {
			t.minLen++
		} else {
			t.minLen += int(s.length)
		}
	}
	return t
}

// fieldSpec is a field specifier as read from a template record.
type fieldSpec struct {
	id     uint16
	length uint16
	pen    uint32
}

// readSpecs reads n field specifiers from b. IPFIX specifiers may carry an
// enterprise number (high bit of the id); v9 specifiers never do, and a
// length of 0xffff means nothing special in v9. It returns the specifiers
// and the bytes used, or ok false when b is too short.
func readSpecs(b []byte, n int, ipfix bool, buf []fieldSpec) (specs []fieldSpec, used int, ok bool) {
	specs = buf[:0]
	for range n {
		if len(b)-used < 4 {
			return nil, 0, false
		}
		s := fieldSpec{
			id:     binary.BigEndian.Uint16(b[used:]),
			length: binary.BigEndian.Uint16(b[used+2:]),
		}
		used += 4
		if ipfix && s.id&0x8000 != 0 {
			if len(b)-used < 4 {
				return nil, 0, false
			}
			s.id &= 0x7fff
			s.pen = binary.BigEndian.Uint32(b[used:])
			used += 4
		}
		if !ipfix && s.length == varLen {
			// v9 has no variable-length fields: treat as a fixed 65535 bytes,
			// which no record can hold, so its data sets are reported.
			s.length = varLen - 1
		}
		specs = append(specs, s)
	}
	return specs, used, true
}

// templates is the template cache.
type templates struct {
	m     map[tmplKey]*template
	sweep time.Time // next time expired templates are removed
}

func (ts *templates) get(k tmplKey, now time.Time) *template {
	t := ts.m[k]
	if t == nil || now.After(t.expires) {
		return nil
	}
	return t
}

// put stores t; it refuses (false) when the cache is full of live
// templates.
func (ts *templates) put(k tmplKey, t *template, now time.Time) bool {
	if ts.m == nil {
		ts.m = make(map[tmplKey]*template)
	}
	if _, ok := ts.m[k]; !ok && len(ts.m) >= maxTemplates {
		ts.expire(now)
		if len(ts.m) >= maxTemplates {
			return false
		}
	}
	ts.m[k] = t
	return true
}

func (ts *templates) withdraw(k tmplKey) { delete(ts.m, k) }

// withdrawAll removes every template of a domain (IPFIX withdrawal of all
// templates, id 2 or 3 with field count 0).
func (ts *templates) withdrawAll(d domainKey, options bool) {
	for k, t := range ts.m {
		if k.domainKey == d && t.options == options {
			delete(ts.m, k)
		}
	}
}

// expire removes stale templates, at most once a minute of receive time
// unless forced by a full cache.
func (ts *templates) expire(now time.Time) {
	for k, t := range ts.m {
		if now.After(t.expires) {
			delete(ts.m, k)
		}
	}
	ts.sweep = now.Add(time.Minute)
}
