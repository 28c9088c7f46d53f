package csvimport

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"tapdb/schema"
	"tapdb/schema/rafmt"
)

// Options tune how text is read.
type Options struct {
	// Comma is the field delimiter (ra -c); 0 detects it from the header
	// line: the most frequent of ',', tab, ';' and '|'.
	Comma rune
	// Date gives the day of times printed as a time of day (ra's default
	// %T.%f); without it such times are refused with ErrNeedDate. A LastTime
	// earlier in the day than its StartTime is taken to be on the next day.
	Date time.Time
	// Location is the time zone of formatted times (ra prints local time);
	// nil is time.Local. Unix times (-u) are absolute.
	Location *time.Location
	// Srcid is stored in records that have no SrcId column or an empty one.
	Srcid string
}

// RowError is a bad row: its line number (1-based, the header is line 1)
// and what is wrong with it.
type RowError struct {
	Line int
	Err  error
}

func (e *RowError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *RowError) Unwrap() error { return e.Err }

// gzip0 and gzip1 are the first two bytes of a gzip stream.
const gzip0, gzip1 = 0x1f, 0x8b

// Reader reads flow records from delimited text with a header line.
type Reader struct {
	cr    *csv.Reader
	opts  Options
	loc   *time.Location
	l     *layout
	names names
	// notes counts the rows changed to fit the store, by reason.
	notes     map[string]int
	noteOrder []string
}

// note counts a row changed to fit the store.
func (p *Reader) note(reason string) {
	if p.notes == nil {
		p.notes = make(map[string]int)
	}
	if p.notes[reason] == 0 {
		p.noteOrder = append(p.noteOrder, reason)
	}
	p.notes[reason]++
}

// Notes says which rows read so far were changed to fit the store ("3
// rows: LastTime before StartTime: set to StartTime").
func (p *Reader) Notes() []string {
	out := make([]string, 0, len(p.noteOrder))
	for _, r := range p.noteOrder {
		out = append(out, fmt.Sprintf("%d rows: %s", p.notes[r], r))
	}
	return out
}

// NewReader reads the header line and maps it onto the flow table. An
// empty input is an error: ra prints a header even for no records only
// when it prints at least one record, so an empty file is more likely a
// mistake than an empty archive.
func NewReader(r io.Reader, opts Options) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == gzip0 && magic[1] == gzip1 {
		// ra -w archives and their text are often kept gzip'd; read
		// them as the sensor reads gzip'd captures.
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("read gzip header: %w", err)
		}
		br = bufio.NewReaderSize(gz, 64<<10)
	}
	comma := opts.Comma
	if comma == 0 {
		head, err := br.Peek(64 << 10)
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return nil, fmt.Errorf("read header: %w", err)
		}
		comma = detectComma(head)
	}
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("header: empty input")
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	header = append([]string(nil), header...)
	l, err := newLayout(header)
	if err != nil {
		return nil, err
	}
	loc := opts.Location
	if loc == nil {
		loc = time.Local
	}
	return &Reader{cr: cr, opts: opts, loc: loc, l: l}, nil
}

// detectComma picks the delimiter of the first line.
func detectComma(head []byte) rune {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	best, n := ',', 0
	for _, c := range [...]byte{',', '\t', ';', '|'} {
		if k := bytes.Count(head, []byte{c}); k > n {
			best, n = rune(c), k
		}
	}
	return best
}

// Warnings says what the header means beyond the obvious: ignored columns,
// totals stored on the source side.
func (p *Reader) Warnings() []string { return append([]string(nil), p.l.warnings...) }

// Header returns the header line's fields.
func (p *Reader) Header() []string { return append([]string(nil), p.l.header...) }

// Read fills rec with the next record. It returns io.EOF at the end, a
// *RowError for a bad row (the next call reads the next row), ErrNeedDate
// (wrapped) when times need a date, or another error when the input
// cannot be read.
func (p *Reader) Read(rec *schema.Record) error {
	for {
		fields, err := p.cr.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return &RowError{Line: pe.StartLine, Err: pe.Err}
			}
			return err
		}
		line, _ := p.cr.FieldPos(0)
		if p.isHeader(fields) {
			continue // ra -L N repeats the header
		}
		if p.isMan(fields) {
			p.note("Argus management records (proto man) skipped")
			continue
		}
		err = p.record(rec, fields)
		if errors.Is(err, ErrNeedDate) {
			return fmt.Errorf("line %d: %w", line, ErrNeedDate)
		}
		if err != nil {
			return &RowError{Line: line, Err: err}
		}
		return nil
	}
}

func (p *Reader) isHeader(fields []string) bool {
	if len(fields) != len(p.l.header) {
		return false
	}
	for i, f := range fields {
		if f != p.l.header[i] {
			return false
		}
	}
	return true
}

// isMan reports whether a row is an Argus management record, which ra
// prints (proto "man") when RA_PRINT_MAN_RECORDS is set, as Debian's
// /etc/ra.conf does.
func (p *Reader) isMan(fields []string) bool {
	s, ok := p.field(fields, "proto")
	return ok && s == "man"
}

// field returns the trimmed text of a column, and whether the header has
// it.
func (p *Reader) field(fields []string, name string) (string, bool) {
	i, ok := p.l.idx[name]
	if !ok {
		return "", false
	}
	return strings.TrimSpace(fields[i]), true
}

// record turns one row into a record.
func (p *Reader) record(rec *schema.Record, fields []string) error {
	*rec = schema.Record{}
	var errs []error
	fail := func(col string, err error) {
		if c, ok := schema.Lookup(col); ok && c.Label != "" {
			col = c.Label
		}
		errs = append(errs, fmt.Errorf("%s: %w", col, err))
	}

	// Addresses, and the ports ra joins to them when there is no port
	// column.
	saddrText, _ := p.field(fields, "saddr")
	daddrText, _ := p.field(fields, "daddr")
	sportText, hasSport := p.field(fields, "sport")
	dportText, hasDport := p.field(fields, "dport")
	if !hasSport {
		saddrText, sportText = splitAddrPort(saddrText)
	}
	if !hasDport {
		daddrText, dportText = splitAddrPort(daddrText)
	}
	src, err := parseAddr(saddrText)
	if err != nil {
		fail("saddr", err)
	}
	dst, err := parseAddr(daddrText)
	if err != nil {
		fail("daddr", err)
	}
	rec.Saddr, rec.Daddr = src.text, dst.text
	isIP := src.ip.IsValid() || dst.ip.IsValid()
	if src.ip.IsValid() && dst.ip.IsValid() {
		rec.SaddrHi, rec.SaddrLo = schema.AddrHalves(src.ip)
		rec.DaddrHi, rec.DaddrLo = schema.AddrHalves(dst.ip)
		rec.HasAddrNum = true
	}

	// Protocol.
	protoText, ok := p.field(fields, "proto")
	if !ok || protoText == "" {
		protoText, _ = p.field(fields, "pnum")
	}
	pr, err := p.parseProto(protoText, isIP)
	if err != nil {
		fail("proto", err)
	}
	if s, ok := p.field(fields, "pnum"); ok && s != "" {
		if v, err := rafmt.ParseUint(s, 16); err != nil {
			fail("pnum", err)
		} else {
			pr.pnum = int32(v)
		}
	}
	if pr.pnum == pnumUnknown {
		p.note(fmt.Sprintf("Proto %s is ra's name for IP protocols %s: the number is unknown, stored as %d (print with ra -nn to keep it)", pr.name, raAmbiguousProtos[pr.name], pnumUnknown))
	}
	rec.Proto, rec.PNum, rec.EType = pr.name, pr.pnum, pr.etype
	if rec.EType == 0 && isIP && pr.etype == 0 && pr.name != "llc" {
		if src.ip.Is4() || !src.ip.IsValid() && dst.ip.Is4() {
			rec.EType = etherIPv4
		} else {
			rec.EType = etherIPv6
		}
	}
	if s, ok := p.field(fields, "etype"); ok && s != "" {
		if v, err := rafmt.ParseUint(s, 16); err != nil {
			fail("etype", err)
		} else {
			rec.EType = uint16(v)
		}
	}

	// Ports.
	var sok, dok bool
	if rec.Sport, sok, err = p.parsePort(sportText, pr, false); err != nil {
		fail("sport", err)
	}
	if rec.Dport, dok, err = p.parsePort(dportText, pr, true); err != nil {
		fail("dport", err)
	}
	rec.HasPorts = sok || dok

	// Times.
	stimeText, _ := p.field(fields, "stime")
	if rec.Stime, err = p.parseTime(stimeText); err != nil {
		if errors.Is(err, ErrNeedDate) {
			return err
		}
		fail("stime", err)
	}
	rec.Ltime = rec.Stime
	if s, ok := p.field(fields, "ltime"); ok {
		if rec.Ltime, err = p.parseTime(s); err != nil {
			if errors.Is(err, ErrNeedDate) {
				return err
			}
			fail("ltime", err)
		} else if rec.Ltime.Before(rec.Stime) && isTimeOfDay(s) {
			rec.Ltime = rec.Ltime.AddDate(0, 0, 1) // past midnight
		}
	} else if s, ok := p.field(fields, "dur"); ok && s != "" {
		d, err := parseSeconds(s)
		if err != nil {
			fail("dur", err)
		}
		rec.Ltime = rec.Stime.Add(d)
	}
	if rec.Ltime.Before(rec.Stime) {
		// Argus writes such records now and then (a bogus StartTime).
		rec.Ltime = rec.Stime
		p.note("LastTime before StartTime: set to StartTime")
	}

	// Counters.
	p.pair(fields, p.l.pkts, "spkts", "dpkts", "pkts", &rec.Spkts, &rec.Dpkts, fail)
	p.pair(fields, p.l.bytes, "sbytes", "dbytes", "bytes", &rec.Sbytes, &rec.Dbytes, fail)
	p.pair(fields, p.l.appbytes, "sappbytes", "dappbytes", "appbytes", &rec.Sappbytes, &rec.Dappbytes, fail)

	// Plain columns.
	for i, set := range p.l.set {
		if set == nil {
			continue
		}
		s := strings.TrimSpace(fields[i])
		if s == "" {
			continue
		}
		c := &p.l.cols[i]
		if c.Kind == schema.KindFlags {
			s = strings.TrimRight(fields[i], " ") // a leading blank is a position
		}
		if err := set(rec, s); err != nil {
			fail(c.Name, err)
		}
	}

	// Defaults for what ra's output does not carry.
	if !p.l.has("trans") || rec.Trans == 0 {
		rec.Trans = 1
	}
	if rec.Cause == "" {
		rec.Cause = "Start"
	}
	if rec.Srcid == "" {
		rec.Srcid = p.opts.Srcid
	}
	return errors.Join(errs...)
}

// isTimeOfDay reports whether a time was printed without a date.
func isTimeOfDay(s string) bool { return strings.Contains(s, ":") && !strings.ContainsAny(s, "/-") }

// parseSeconds reads a duration in seconds ("12.345678").
func parseSeconds(s string) (time.Duration, error) {
	t, err := rafmt.ParseUnixTime(s)
	if err != nil || t.Unix() > 1<<32 {
		return 0, fmt.Errorf("%q is not a number of seconds", s)
	}
	return t.Sub(time.Unix(0, 0)), nil
}

// pair fills a src/dst counter pair from its columns and the total.
func (p *Reader) pair(fields []string, how total, src, dst, tot string, s, d *int64, fail func(string, error)) {
	get := func(name string) int64 {
		text, ok := p.field(fields, name)
		if !ok || text == "" {
			return 0
		}
		v, err := rafmt.ParseUint(text, 63)
		if err != nil {
			fail(name, err)
			return 0
		}
		return int64(v)
	}
	switch how {
	case sidesGiven:
		*s, *d = get(src), get(dst)
	case totalOnSrc:
		*s = get(tot)
	case dstFromTotal:
		*s = get(src)
		*d = get(tot) - *s
	case srcFromTotal:
		*d = get(dst)
		*s = get(tot) - *d
	}
	if *s < 0 || *d < 0 {
		fail(tot, fmt.Errorf("total is less than the per-side value"))
		*s, *d = max(*s, 0), max(*d, 0)
	}
}
