package ra

import (
	"bufio"
	"encoding/json"
	"io"
	"math/big"
	"strconv"
	"time"

	"tapdb/schema"
)

// JSONPrinter writes one JSON object per record (-M json, beyond Argus):
// keys are the field names, times RFC 3339 in UTC with microseconds,
// numbers as numbers, ports as their numbers, NULL as null.
type JSONPrinter struct {
	w      *bufio.Writer
	fields []Field
	buf    []byte
}

// NewJSONPrinter prints fields to w.
func NewJSONPrinter(w io.Writer, fields []Field) *JSONPrinter {
	return &JSONPrinter{w: bufio.NewWriter(w), fields: fields}
}

// Row prints one record (extra trailing values are ignored).
func (p *JSONPrinter) Row(vals []any) error {
	b := append(p.buf[:0], '{')
	for i, f := range p.fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, f.Name)
		b = append(b, ':')
		b = appendJSON(b, f, vals[i])
	}
	b = append(b, '}', '\n')
	p.buf = b
	_, err := p.w.Write(b)
	return err
}

// Flush writes what is buffered.
func (p *JSONPrinter) Flush() error { return p.w.Flush() }

func appendJSON(b []byte, f Field, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case time.Time:
		return strconv.AppendQuote(b, x.UTC().Format("2006-01-02T15:04:05.000000Z07:00"))
	case *big.Int:
		return x.Append(b, 10)
	case float64:
		if f.Kind == schema.KindFloat || f.Kind == schema.KindInt {
			return strconv.AppendFloat(b, x, 'f', -1, 64)
		}
	case float32:
		return strconv.AppendFloat(b, float64(x), 'f', -1, 32)
	case []byte:
		v = string(x)
	}
	if n, ok := asInt(v); ok {
		if _, isString := v.(string); !isString {
			return strconv.AppendInt(b, n, 10)
		}
	}
	out, err := json.Marshal(asString(v))
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, out...)
}
