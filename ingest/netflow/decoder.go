package netflow

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"tapdb/schema"
)

// Decoder turns export datagrams into flow records. Make one with
// NewDecoder; it is safe for concurrent use.
type Decoder struct {
	cfg Config

	mu      sync.Mutex
	tmpl    templates
	domains map[domainKey]*domainState
	pending pendingSets
	pair    pairer
	names   addrNames
	stats   Stats
	seq     int64
	specBuf []fieldSpec
	// emit is the caller's emit function for the Decode call in progress.
	emit func(*schema.Record) error
}

// domainState is what options data told about one exporter's domain.
type domainState struct {
	rate      uint64            // exporter-wide sampling rate, 0 unknown
	samplers  map[uint64]uint64 // sampler/selector id → rate
	sysInitMs uint64            // systemInitTimeMilliseconds, 0 unknown
}

// NewDecoder returns a Decoder configured by cfg.
func NewDecoder(cfg Config) *Decoder {
	d := &Decoder{cfg: cfg.withDefaults(), domains: make(map[domainKey]*domainState)}
	d.pair.window = d.cfg.PairWindow
	return d
}

// header is what a data record needs from its datagram's header.
type header struct {
	version  uint16
	uptimeMs uint32 // v5, v9
	exportNs int64  // export time, Unix ns
	domain   uint32 // v9 source id, IPFIX observation domain
	exporter netip.AddrPort
	recv     time.Time
	rate     uint64 // v5 header sampling rate
}

// Decode decodes one datagram received from exporter at recvTime and hands
// the resulting records to emit (after pairing, so a record may be emitted
// by a later call, by Expire or by Flush). It returns the first problem
// found as a *DecodeError, or emit's error, which stops decoding.
func (d *Decoder) Decode(exporter netip.AddrPort, datagram []byte, recvTime time.Time, emit func(*schema.Record) error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.emit = emit
	defer func() { d.emit = nil }()

	var err error
	if len(datagram) < 2 {
		d.stats.UnknownVersion++
		err = &DecodeError{Exporter: exporter, Offset: 0, Msg: fmt.Sprintf("datagram of %d bytes holds no version", len(datagram))}
	} else {
		switch v := binary.BigEndian.Uint16(datagram); v {
		case 5:
			err = d.decodeV5(exporter, datagram, recvTime)
		case 9, 10:
			err = d.decodeTemplated(exporter, datagram, recvTime, v)
		default:
			d.stats.UnknownVersion++
			err = &DecodeError{Exporter: exporter, Version: v, Offset: 0, Msg: "unknown export version"}
		}
	}
	if eerr := d.expireLocked(recvTime); eerr != nil && err == nil {
		err = eerr
	}
	return err
}

// Expire emits the records that waited PairWindow without a partner and
// drops held data sets whose template did not come, as of now (receive
// time). A listener calls it on a timer when no datagrams arrive.
func (d *Decoder) Expire(now time.Time, emit func(*schema.Record) error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.emit = emit
	defer func() { d.emit = nil }()
	return d.expireLocked(now)
}

func (d *Decoder) expireLocked(now time.Time) error {
	d.pending.expire(now, &d.stats)
	if now.After(d.tmpl.sweep) {
		d.tmpl.expire(now) // at most once a minute of receive time
	}
	return d.pair.expire(now, d.output)
}

// Flush emits every record still waiting for a partner and drops every
// held data set (counted as MissingTemplate). Call it at the end of input
// and at shutdown.
func (d *Decoder) Flush(emit func(*schema.Record) error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.emit = emit
	defer func() { d.emit = nil }()
	d.pending.dropAll(&d.stats)
	return d.pair.flush(d.output)
}

// Stats returns a snapshot of the counters.
func (d *Decoder) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.stats
	s.TemplatesHeld = len(d.tmpl.m)
	s.PendingSets = len(d.pending.sets)
	s.PendingRecords = d.pair.len()
	return s
}

// output numbers a record and hands it to the caller.
func (d *Decoder) output(r *schema.Record) error {
	d.seq++
	r.Seq = d.seq
	d.stats.Emitted++
	if d.emit == nil {
		return nil
	}
	if err := d.emit(r); err != nil {
		return fmt.Errorf("netflow: emitting record %d: %w", r.Seq, err)
	}
	return nil
}

// record turns decoded fields into a record and passes it through pairing.
func (d *Decoder) record(f *fields, h *header, ds *domainState) error {
	r, ok := d.build(f, h, ds)
	if !ok {
		d.stats.version(h.version).NoAddress++
		return nil
	}
	d.stats.version(h.version).Records++
	if d.cfg.PairWindow < 0 {
		return d.output(r)
	}
	paired, err := d.pair.add(r, h.recv, d.output)
	if paired {
		d.stats.Paired++
	}
	return err
}

// domain returns the state of a domain, creating it when create is set
// and there is room; only options data create state, so data from
// unknown exporters cannot fill the table.
func (d *Decoder) domain(k domainKey, create bool) *domainState {
	if ds := d.domains[k]; ds != nil || !create {
		return ds
	}
	if len(d.domains) >= maxDomains {
		return nil
	}
	ds := &domainState{}
	d.domains[k] = ds
	return ds
}
