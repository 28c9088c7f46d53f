package ra

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"tapdb/schema"
)

// Format is how values are printed: the print options of the command line.
type Format struct {
	Numeric   int    // -n count: 1 numeric ports, 2 numeric protocols too
	Delim     string // -c; "" is ra's aligned, space-separated layout
	Labels    int    // -L: 0 header once, -1 never, N every N records
	Precision int    // -p
	Epoch     bool   // -u
	Loc       *time.Location
}

// FormatOf is the print format the options ask for, in time zone loc.
func FormatOf(o *Options, loc *time.Location) Format {
	return Format{Numeric: o.Numeric, Delim: o.Delim, Labels: o.Labels, Precision: o.Precision, Epoch: o.Epoch, Loc: loc}
}

// Printer writes records the way ra 3.0.8 prints them.
type Printer struct {
	w      *bufio.Writer
	fields []Field
	f      Format
	n      int // records printed
	line   []byte
}

// NewPrinter prints fields to w.
func NewPrinter(w io.Writer, fields []Field, f Format) *Printer {
	if f.Loc == nil {
		f.Loc = time.Local
	}
	fs := make([]Field, len(fields))
	copy(fs, fields)
	for i := range fs {
		if fs[i].Kind == schema.KindTime && !fs[i].Custom {
			fs[i].Width = timeWidth(f)
		}
	}
	return &Printer{w: bufio.NewWriter(w), fields: fs, f: f}
}

// timeWidth is ra's width of a time column: the formatted time with its
// point (counted even with -p 0) plus three (time of day) or one (-u)
// columns.
func timeWidth(f Format) int {
	n, pad := 8, 3 // 15:04:05
	if f.Epoch {
		n, pad = 10, 1
	}
	return n + 1 + f.Precision + pad
}

// Row prints one record: the values of the fields, then the record's
// protocol number.
func (p *Printer) Row(vals []any) error {
	if p.f.Labels >= 0 && (p.n == 0 || p.f.Labels > 0 && p.n%p.f.Labels == 0) {
		if err := p.header(); err != nil {
			return err
		}
	}
	p.n++
	var pnum int64 = -1
	if len(vals) > len(p.fields) {
		if n, ok := asInt(vals[len(p.fields)]); ok {
			pnum = n
		}
	}
	p.line = p.line[:0]
	for i, f := range p.fields {
		text := p.text(f, vals[i], pnum)
		if p.f.Delim != "" {
			if i > 0 {
				p.line = append(p.line, p.f.Delim...)
			}
			switch f.Kind {
			case schema.KindDir:
				p.line = appendFit(p.line, dir3(text), f.Width, false, false)
			case schema.KindFlags:
				p.line = appendPad(p.line, text, flagPositions+1, true)
			default:
				p.line = append(p.line, text...)
			}
			continue
		}
		if i > 0 {
			sep := byte(' ')
			if joins(p.fields[i-1], f) && text != "" {
				sep = '.'
			}
			p.line = append(p.line, sep)
		}
		switch f.Kind {
		case schema.KindDir:
			p.line = appendFit(p.line, dir3(text), f.Width, false, false)
		case schema.KindFlags:
			if len(text) < flagPositions {
				text = pad(text, flagPositions, true)
			}
			p.line = appendFit(p.line, text, f.Width, true, true)
		default:
			p.line = appendFit(p.line, text, f.Width, f.Kind == schema.KindPort, true)
		}
	}
	if p.f.Delim == "" {
		p.line = bytes.TrimRight(p.line, " ")
	}
	p.line = append(p.line, '\n')
	_, err := p.w.Write(p.line)
	return err
}

func (p *Printer) header() error {
	var b strings.Builder
	for i, f := range p.fields {
		label := f.Label
		if label == "" {
			label = f.Name
		}
		if p.f.Delim != "" {
			if i > 0 {
				b.WriteString(p.f.Delim)
			}
			if len(label) > f.Width {
				label = label[:f.Width]
			}
			b.WriteString(label)
			continue
		}
		if centred[f.Name] && len(label) < f.Width {
			left := (f.Width - len(label)) / 2
			label = strings.Repeat(" ", left) + label
			b.WriteString(pad(label, f.Width, true))
		} else {
			b.WriteString(fit(label, f.Width, false, false))
		}
		b.WriteByte(' ')
	}
	b.WriteByte('\n')
	_, err := p.w.WriteString(b.String())
	return err
}

// Flush writes what is buffered.
func (p *Printer) Flush() error { return p.w.Flush() }

// joins reports whether a port is printed joined to the address before it
// (saddr.sport), which ra does under the space delimiter.
func joins(prev, f Field) bool {
	return prev.Kind == schema.KindAddr && f.Kind == schema.KindPort && prev.Name[0] == f.Name[0]
}

// fit pads text to width, right-aligned unless left, and cuts longer
// text, ending it with '*' when star is set (ra marks cut values so).
func fit(text string, width int, left, star bool) string {
	if len(text) > width {
		if star && width > 0 {
			return text[:width-1] + "*"
		}
		return text[:width]
	}
	return pad(text, width, left)
}

// appendFit appends fit(text, width, left, star) to dst.
func appendFit(dst []byte, text string, width int, left, star bool) []byte {
	if len(text) > width {
		if star && width > 0 {
			return append(append(dst, text[:width-1]...), '*')
		}
		return append(dst, text[:width]...)
	}
	return appendPad(dst, text, width, left)
}

// appendPad appends pad(text, width, left) to dst.
func appendPad(dst []byte, text string, width int, left bool) []byte {
	if left {
		dst = append(dst, text...)
	}
	for n := width - len(text); n > 0; n-- {
		dst = append(dst, ' ')
	}
	if !left {
		dst = append(dst, text...)
	}
	return dst
}

func pad(text string, width int, left bool) string {
	if len(text) >= width {
		return text
	}
	fill := strings.Repeat(" ", width-len(text))
	if left {
		return text + fill
	}
	return fill + text
}

// dir3 is the three-character Dir ra prints (" ->", "<- ", " ?>", "who")
// from the trimmed form stored in the flows table.
func dir3(d string) string {
	if len(d) >= 3 {
		return d
	}
	if strings.HasPrefix(d, "<") {
		return pad(d, 3, true)
	}
	return pad(d, 3, false)
}

// text is one value as ra prints it, before padding.
func (p *Printer) text(f Field, v any, pnum int64) string {
	if v == nil {
		return ""
	}
	switch f.Kind {
	case schema.KindTime:
		t, ok := v.(time.Time)
		if !ok {
			return asString(v)
		}
		return formatTime(t, p.f)
	case schema.KindFloat:
		x, ok := asFloat(v)
		if !ok {
			return asString(v)
		}
		if single[f.Name] {
			x = float64(float32(x))
		}
		return strconv.FormatFloat(x, 'f', p.f.Precision, 64)
	case schema.KindPort:
		n, ok := asInt(v)
		if !ok {
			return asString(v)
		}
		return portText(f.Name, n, pnum, p.f.Numeric)
	case schema.KindHex:
		n, ok := asInt(v)
		if !ok {
			return asString(v)
		}
		return fmt.Sprintf("0x%02x", n)
	}
	if f.Name == "proto" && p.f.Numeric >= 2 && pnum >= 0 {
		return strconv.FormatInt(pnum, 10)
	}
	return asString(v)
}

// formatTime prints t as %T.%f in the format's zone, or as Unix seconds
// with -u; the fraction is cut, not rounded, to -p digits, as ra does.
func formatTime(t time.Time, f Format) string {
	var s string
	if f.Epoch {
		s = strconv.FormatInt(t.Unix(), 10)
	} else {
		s = t.In(f.Loc).Format("15:04:05")
	}
	if f.Precision > 0 {
		frac := strconv.Itoa(t.Nanosecond() + 1e9)[1:] // 9 digits
		s += "." + frac[:min(f.Precision, 9)]
	}
	return s
}

// centred are the columns whose header ra centres instead of
// right-aligning (3.0.8 prints "    Seq     ").
var centred = map[string]bool{"seq": true}

// single are the columns ra computes in single precision: printing them
// through float32 gives ra's digits (2298.850586, not 2298.850575).
var single = map[string]bool{
	"rate": true, "srate": true, "drate": true,
	"load": true, "sload": true, "dload": true,
	"smeansz": true, "dmeansz": true,
}

// Protocol numbers the port printer treats specially.
const (
	pnumICMP   = 1
	pnumTCP    = 6
	pnumUDP    = 17
	pnumICMPv6 = 58
)

// portText prints a port: ICMP type/code and id in hex (the id, in
// dport, byte-swapped as ra prints it), ICMPv6 in hex unless -n, TCP and
// UDP ports by service name unless -n.
func portText(name string, n, pnum int64, numeric int) string {
	switch pnum {
	case pnumICMP:
		if name == "dport" {
			n = (n&0xff)<<8 | (n>>8)&0xff
		}
		return hex4(n)
	case pnumICMPv6:
		if numeric == 0 {
			return hex4(n)
		}
	case pnumTCP, pnumUDP:
		if numeric == 0 {
			if s := serviceName(int(n), pnum == pnumTCP); s != "" {
				return s
			}
		}
	case 0: // LLC: the ports are SAPs
		if numeric == 0 {
			if s, ok := llcSAPs[n]; ok {
				return s
			}
		}
	}
	return strconv.FormatInt(n, 10)
}

func hex4(n int64) string { return fmt.Sprintf("0x%04x", n&0xffff) }

// llcSAPs names the IEEE 802.2 service access points ra names.
var llcSAPs = map[int64]string{
	0x42: "stp",
	0x06: "ip",
	0xaa: "snap",
	0xe0: "netware",
	0xf0: "netbios",
	0xfe: "iso",
}
