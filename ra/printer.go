package ra

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"strings"
	"time"

	"tapdb/schema"
	"tapdb/schema/names"
	"tapdb/schema/rafmt"
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
	text   []byte // one value's text, reused
}

// writeBuffer is the size of the printer's output buffer.
const writeBuffer = 64 << 10

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
	return &Printer{w: bufio.NewWriterSize(w, writeBuffer), fields: fs, f: f, line: make([]byte, 0, 256), text: make([]byte, 0, 64)}
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
		p.text = p.appendText(p.text[:0], f, vals[i], pnum)
		text := p.text
		if p.f.Delim != "" {
			if i > 0 {
				p.line = append(p.line, p.f.Delim...)
			}
			switch f.Kind {
			case schema.KindDir:
				p.line = appendDir3(p.line, text, f.Width)
			case schema.KindFlags:
				p.line = appendPad(p.line, text, flagPositions+1, true)
			default:
				p.line = append(p.line, text...)
			}
			continue
		}
		if i > 0 {
			sep := byte(' ')
			if joins(p.fields[i-1], f) && len(text) > 0 {
				sep = '.'
			}
			p.line = append(p.line, sep)
		}
		switch f.Kind {
		case schema.KindDir:
			p.line = appendDir3(p.line, text, f.Width)
		case schema.KindFlags:
			for len(text) < flagPositions {
				text = append(text, ' ')
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
		if f.CentreLabel && len(label) < f.Width {
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
func appendFit(dst, text []byte, width int, left, star bool) []byte {
	if len(text) > width {
		if star && width > 0 {
			return append(append(dst, text[:width-1]...), '*')
		}
		return append(dst, text[:width]...)
	}
	return appendPad(dst, text, width, left)
}

// appendPad appends pad(text, width, left) to dst.
func appendPad(dst, text []byte, width int, left bool) []byte {
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

// appendDir3 appends the three-character Dir ra prints (" ->", "<- ",
// " ?>", "who"), made from the trimmed form stored in the flows table and
// fitted to width without a '*' mark, to dst.
func appendDir3(dst, d []byte, width int) []byte {
	if len(d) >= 3 {
		return appendFit(dst, d, width, false, false)
	}
	var b [3]byte
	n := copy(b[:], d)
	if n > 0 && d[0] == '<' {
		for i := n; i < 3; i++ {
			b[i] = ' '
		}
	} else {
		copy(b[3-n:], d)
		for i := 0; i < 3-n; i++ {
			b[i] = ' '
		}
	}
	return appendFit(dst, b[:], width, false, false)
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

// appendText appends one value as ra prints it, before padding, to dst.
func (p *Printer) appendText(dst []byte, f Field, v any, pnum int64) []byte {
	if v == nil {
		return dst
	}
	switch f.Kind {
	case schema.KindTime:
		t, ok := v.(time.Time)
		if !ok {
			return appendString(dst, v)
		}
		return rafmt.AppendTime(dst, t, p.f.Loc, p.f.Precision, p.f.Epoch)
	case schema.KindFloat:
		x, ok := asFloat(v)
		if !ok {
			return appendString(dst, v)
		}
		if f.Precision == schema.Single {
			x = float64(float32(x))
		}
		return strconv.AppendFloat(dst, x, 'f', p.f.Precision, 64)
	case schema.KindPort:
		n, ok := asInt(v)
		if !ok {
			return appendString(dst, v)
		}
		return rafmt.AppendPort(dst, n, pnum, f.Name == "dport", p.f.Numeric, names.ServiceName)
	case schema.KindHex:
		n, ok := asInt(v)
		if !ok {
			return appendString(dst, v)
		}
		return rafmt.AppendHex(dst, n, 2)
	}
	if f.Name == "proto" && p.f.Numeric >= 2 && pnum >= 0 {
		return strconv.AppendInt(dst, pnum, 10)
	}
	return appendString(dst, v)
}

// appendString appends asString(v) to dst, without converting the common
// types to a string first.
func appendString(dst []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		return append(dst, x...)
	case []byte:
		return append(dst, x...)
	}
	if out, ok := rafmt.AppendInt(dst, v); ok {
		return out
	}
	return append(dst, asString(v)...)
}
