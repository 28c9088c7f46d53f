package flow

import (
	"fmt"

	"tapdb/ingest/decode"
	"tapdb/schema"
)

// Stats counts what the table did.
type Stats struct {
	Packets  int64 // packets given to Add
	Ignored  int64 // packets without a network layer the table can key
	Flows    int64 // flows created
	Records  int64 // records emitted
	Evicted  int64 // flows removed early because MaxFlows was reached
	TimedOut int64 // flows removed by their idle timeout
	Reused   int64 // TCP flows ended by a new SYN on a closed connection
	Live     int64 // flows in the table now
}

// dnsRef points at the DNS flow most recently created for a 5-tuple, so that
// an ICMP error quoting a DNS query (whose transaction id the decoder does
// not report) can still be mapped onto it.
type dnsRef struct {
	idx int32
	gen uint32
}

// Table is the flow table. Create it with NewTable.
type Table struct {
	cfg      Config
	interval int64
	timeouts [numClasses]int64
	emit     func(*schema.Record) error
	rec      schema.Record

	flows []flow
	free  []int32
	index map[flowKey]int32
	lru   lruList // every live flow, least recently active first
	live  int

	status statusQueue
	idle   expiryHeap
	frags  map[fragKey]fragEntry
	fragQ  fragExpiry
	dns    map[flowKey]dnsRef

	outer decode.Packet // a tunnelled packet seen as its outer header (Config.Tunnels)

	now   int64 // the clock: the latest packet time seen since the last Flush
	seq   int64 // the last flow's number (Record.Seq)
	stats Stats
}

// NewTable returns an empty table that hands every finished record to emit.
// Zero fields of cfg take their DefaultConfig values.
func NewTable(cfg Config, emit func(*schema.Record) error) *Table {
	cfg = cfg.withDefaults()
	t := &Table{
		cfg:      cfg,
		interval: int64(cfg.StatusInterval),
		timeouts: cfg.classTimeouts(),
		emit:     emit,
		index:    make(map[flowKey]int32),
		frags:    make(map[fragKey]fragEntry),
		dns:      make(map[flowKey]dnsRef),
	}
	t.lru = lruList{head: -1, tail: -1}
	return t
}

// Stats returns the table's counters.
func (t *Table) Stats() Stats {
	s := t.stats
	s.Live = int64(t.live)
	return s
}

// Add accounts one packet. The table's clock advances to the packet's
// timestamp and never goes back: a packet older than the clock (out of order
// in its capture) is counted with its own time in its record's stime and
// ltime but moves no timer. Records whose status interval elapsed on the
// clock are emitted before p is accounted, and flows idle past their timeout
// are removed after it, as Argus does. So p continues its own
// flow however long the flow was idle, but any packet after a flow's timeout
// removes it (emp.: a lone UDP flow resumed after 1700 s as a Status record;
// with other traffic in the gap it restarted as a new flow). Add returns
// emit's error, if any.
func (t *Table) Add(p *decode.Packet) error {
	t.stats.Packets++
	if p.Outer.Valid && t.cfg.Tunnels == TunnelsOuter {
		t.outer.OuterOf(p)
		p = &t.outer
	}
	now := p.TimeNanos
	if now < t.now {
		now = t.now
	}
	if err := t.tickStatus(now); err != nil {
		return err
	}
	if err := t.addPacket(p, now); err != nil {
		return err
	}
	return t.expire(now)
}

// addPacket accounts p on its flow.
func (t *Table) addPacket(p *decode.Packet, now int64) error {
	ip := p.Net == decode.NetIPv4 || p.Net == decode.NetIPv6
	if ip && p.Fragment && p.FragOffset != 0 {
		return t.addFragment(p, now)
	}
	// Argus 3.0.8 does not reassemble IPv6 flows: the first fragment
	// counts on its flow without the F flag and the later ones form
	// fragment-only records (emp.).
	v4frag := p.Net == decode.NetIPv4 && p.Fragment
	k, ok := makeKey(p)
	if !ok {
		t.stats.Ignored++
		return nil
	}
	idx, found := t.index[k]
	if found && k.kind == kindPorts && t.flows[idx].isReuse(p) {
		// Argus ends the old record with cause Stop and, quirk, its last
		// time set to the new SYN's (emp.).
		t.stats.Reused++
		f := &t.flows[idx]
		if f.pending {
			f.recLast = max(f.recLast, p.TimeNanos)
		}
		f.stop = true
		if err := t.end(idx); err != nil {
			return err
		}
		found = false
	}
	if !found {
		var err error
		if idx, err = t.create(&k, p); err != nil {
			return err
		}
	}
	f := &t.flows[idx]
	t.accountOn(idx, f, p, f.fromSrc(p), now, true)
	if v4frag && p.MoreFrags {
		t.adoptLoneFragment(idx, p)
		f.frag = true
		fk := fragKey{src: p.Src, dst: p.Dst, proto: p.Proto, id: p.IPID}
		exp := now + t.timeouts[classFrag]
		t.frags[fk] = fragEntry{idx: idx, gen: f.gen, fromSrc: f.fromSrc(p), expire: exp}
		t.fragQ.push(fragExpiryEntry{key: fk, expire: exp})
	}
	if p.HasInner && p.IsICMP {
		t.mapICMP(p)
	}
	return nil
}

// accountOn adds p to flow idx and keeps the timers in step.
func (t *Table) accountOn(idx int32, f *flow, p *decode.Packet, src bool, now int64, l4 bool) {
	wasPending := f.pending
	f.account(p, src, now, l4)
	if !wasPending {
		t.status.push(statusEntry{start: now, idx: idx, gen: f.gen})
	}
	t.touch(idx, f)
}

// addFragment folds a later fragment into its datagram's flow, or into a
// fragment-only flow when the first fragment was not seen.
func (t *Table) addFragment(p *decode.Packet, now int64) error {
	fk := fragKey{src: p.Src, dst: p.Dst, proto: p.Proto, id: p.IPID}
	if e, ok := t.frags[fk]; ok && p.Net == decode.NetIPv4 {
		if f := &t.flows[e.idx]; f.live && f.gen == e.gen {
			t.accountOn(e.idx, f, p, e.fromSrc, now, false)
			f.frag = true
			if !p.MoreFrags {
				// The last fragment completes the datagram: a duplicate
				// of it arriving later is a lone fragment (emp.).
				delete(t.frags, fk)
			}
			return nil
		}
		delete(t.frags, fk)
	}
	k := loneFragKey(p, p.Net == decode.NetIPv6)
	idx, found := t.index[k]
	if !found {
		var err error
		if idx, err = t.create(&k, p); err != nil {
			return err
		}
	}
	f := &t.flows[idx]
	t.accountOn(idx, f, p, f.fromSrc(p), now, false)
	f.frag = true
	return nil
}

// adoptLoneFragment moves the packets of a fragment-only flow of p's
// datagram into flow idx when p, its first fragment, arrives late: Argus
// reported such later-then-first fragments as one record starting at the
// earlier fragment (emp.).
func (t *Table) adoptLoneFragment(idx int32, p *decode.Packet) {
	li, ok := t.index[loneFragKey(p, p.Net == decode.NetIPv6)]
	if !ok {
		return
	}
	lf, f := &t.flows[li], &t.flows[idx]
	if lf.pending {
		a, b := &lf.s, &lf.d
		if lf.sAddr != f.sAddr {
			a, b = b, a
		}
		mergeSide(&f.s, a)
		mergeSide(&f.d, b)
	}
	t.release(li)
}

// mergeSide adds the packets and bytes of a fragment-only record's side to
// a record's side.
func mergeSide(to, from *sideRec) {
	if from.pkts == 0 {
		return
	}
	if to.pkts == 0 || from.first < to.first {
		to.first = from.first
	}
	to.pkts += from.pkts
	to.bytes += from.bytes
}

// mapICMP marks the flow quoted by an ICMP error.
func (t *Table) mapICMP(p *decode.Packet) {
	var letter byte
	if p.Proto == protoICMPv6 {
		switch p.ICMPType {
		case 1:
			letter = 'U'
		case 3:
			letter = 'T'
		case 137:
			letter = 'R'
		case 2, 4:
			letter = 'I'
		default:
			return
		}
	} else {
		switch p.ICMPType {
		case 3:
			letter = 'U'
		case 5:
			letter = 'R'
		case 11:
			letter = 'T'
		case 4, 12:
			letter = 'I'
		default:
			return
		}
	}
	v6 := !p.InnerSrc.IsIPv4()
	var k flowKey
	if p.InnerHasPorts && (p.InnerProto == protoTCP || p.InnerProto == protoUDP) {
		k = portsKey(p.InnerProto, &p.InnerSrc, &p.InnerDst, p.InnerSrcPort, p.InnerDstPort, v6, 0)
	} else {
		k = ipKey(p.InnerProto, &p.InnerSrc, &p.InnerDst, v6)
	}
	idx, ok := t.index[k]
	if !ok {
		ref, ok := t.dns[k]
		if !ok {
			return
		}
		if f := &t.flows[ref.idx]; !f.live || f.gen != ref.gen {
			return
		}
		idx = ref.idx
	}
	f := &t.flows[idx]
	f.mapped = letter
	f.inode, f.hasInode = p.Src, true
	if f.pending {
		// The error extends the record's last time (emp.).
		f.recLast = max(f.recLast, p.TimeNanos)
	}
}

// Tick advances the clock to nowNanos without a packet (live capture),
// emitting due status records and removing idle flows.
func (t *Table) Tick(nowNanos int64) error {
	if nowNanos < t.now {
		nowNanos = t.now
	}
	if err := t.tickStatus(nowNanos); err != nil {
		return err
	}
	return t.expire(nowNanos)
}

// Flush emits every live flow's pending record, in record start order, and
// empties the table. The clock and the flow numbering (Record.Seq) start
// again, so the table can take a capture whose packets are older than the
// last one's: Argus reads each capture file of a run with fresh state.
func (t *Table) Flush() error {
	for {
		e, ok := t.status.peek()
		if !ok {
			break
		}
		t.status.pop()
		if f := &t.flows[e.idx]; f.live && f.gen == e.gen && f.pending && f.recStart == e.start {
			if err := t.end(e.idx); err != nil {
				return err
			}
		}
	}
	for i := range t.flows {
		if t.flows[i].live {
			t.release(int32(i))
		}
	}
	clear(t.frags)
	for t.fragQ.size > 0 {
		t.fragQ.pop()
	}
	t.idle = t.idle[:0]
	t.now, t.seq = 0, 0
	return nil
}

// tickStatus moves the clock to now and emits the records whose status
// interval elapsed.
func (t *Table) tickStatus(now int64) error {
	t.now = now
	for {
		e, ok := t.status.peek()
		if !ok || e.start+t.interval > now {
			break
		}
		t.status.pop()
		f := &t.flows[e.idx]
		if !f.live || f.gen != e.gen || !f.pending || f.recStart != e.start {
			continue
		}
		t.fill(f)
		t.scheduleExpiry(e.idx, f)
		if err := t.send(); err != nil {
			return err
		}
	}
	return nil
}

// scheduleExpiry puts flow f, whose record was just emitted at its status
// tick, on the idle queue: as in Argus, a reported flow waits on a timeout
// queue from the moment it was reported (the clock when the tick was
// processed, which lags the due time when packets are sparse) and is removed
// once it stayed there for its timeout. Calibrated on argus 3.0.8.2: with a
// packet every 0.1 s around them, UDP flows resumed 35 s after a lone packet
// continued and after 40 s restarted, TCP after 61 s continued and after
// 65 s restarted; on the gnutella capture UDP gaps up to 35.55 s continued
// and from 43.1 s restarted.
func (t *Table) scheduleExpiry(idx int32, f *flow) {
	f.expireAt = t.now + t.timeouts[f.timeoutClass()]
	t.idle.push(expiryEntry{at: f.expireAt, idx: idx, gen: f.gen})
}

// expire removes the flows idle past their timeout and lets the fragment
// index forget expired datagrams.
func (t *Table) expire(now int64) error {
	for len(t.idle) > 0 && t.idle[0].at <= now {
		e := t.idle.pop()
		f := &t.flows[e.idx]
		if f.live && f.gen == e.gen && !f.pending && f.expireAt == e.at {
			t.stats.TimedOut++
			t.release(e.idx)
		}
	}
	for {
		e, ok := t.fragQ.peek()
		if !ok || e.expire > now {
			break
		}
		if cur, ok := t.frags[e.key]; ok && cur.expire == e.expire {
			delete(t.frags, e.key)
		}
		t.fragQ.pop()
	}
	return nil
}

// create makes a new flow for key k from its first packet p, evicting the
// least recently active flow when the table is full.
func (t *Table) create(k *flowKey, p *decode.Packet) (int32, error) {
	if t.live >= t.cfg.MaxFlows {
		if v := t.lru.head; v >= 0 {
			t.stats.Evicted++
			if err := t.end(v); err != nil {
				return 0, err
			}
		}
	}
	var idx int32
	if n := len(t.free); n > 0 {
		idx = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		t.flows = append(t.flows, flow{})
		idx = int32(len(t.flows) - 1)
	}
	f := &t.flows[idx]
	gen := f.gen + 1
	t.seq++
	*f = flow{key: *k, gen: gen, live: true, prev: -1, next: -1, seq: t.seq}
	f.orient(p)
	t.index[*k] = idx
	t.lruAppend(idx, f)
	if k.kind == kindPorts && k.x != 0 {
		dk := *k
		dk.x = 0
		t.dns[dk] = dnsRef{idx: idx, gen: gen}
	}
	t.live++
	t.stats.Flows++
	return idx, nil
}

// end emits flow idx's pending record, if any, and removes the flow.
func (t *Table) end(idx int32) error {
	f := &t.flows[idx]
	pending := f.pending
	if pending {
		t.fill(f)
	}
	t.release(idx)
	if pending {
		return t.send()
	}
	return nil
}

// release removes flow idx from the table and puts its slot on the free list.
func (t *Table) release(idx int32) {
	f := &t.flows[idx]
	delete(t.index, f.key)
	if f.key.kind == kindPorts && f.key.x != 0 {
		dk := f.key
		dk.x = 0
		if ref, ok := t.dns[dk]; ok && ref.idx == idx && ref.gen == f.gen {
			delete(t.dns, dk)
		}
	}
	t.lruRemove(idx, f)
	f.live = false
	t.free = append(t.free, idx)
	t.live--
}

// send hands t.rec to the emit function.
func (t *Table) send() error {
	t.stats.Records++
	if err := t.emit(&t.rec); err != nil {
		return fmt.Errorf("flow: emitting a record of flow %d: %w", t.rec.Seq, err)
	}
	return nil
}

// touch moves flow idx to the tail of the LRU list after activity.
func (t *Table) touch(idx int32, f *flow) {
	t.lruRemove(idx, f)
	t.lruAppend(idx, f)
}

func (t *Table) lruAppend(idx int32, f *flow) {
	l := &t.lru
	f.prev, f.next = l.tail, -1
	if l.tail >= 0 {
		t.flows[l.tail].next = idx
	} else {
		l.head = idx
	}
	l.tail = idx
}

func (t *Table) lruRemove(idx int32, f *flow) {
	l := &t.lru
	if f.prev >= 0 {
		t.flows[f.prev].next = f.next
	} else if l.head == idx {
		l.head = f.next
	}
	if f.next >= 0 {
		t.flows[f.next].prev = f.prev
	} else if l.tail == idx {
		l.tail = f.prev
	}
	f.prev, f.next = -1, -1
}
