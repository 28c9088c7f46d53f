package ra

import (
	"io"
	"testing"
	"time"
)

// BenchmarkPrinter prints the records of a real capture (parsed from ra's
// output) in ra's default layout.
func BenchmarkPrinter(b *testing.B) {
	rows := readValues(b, golden(b, "zeek-wikipedia-mixed.pcap.values.csv"))
	fields, err := ResolveFields(nil)
	if err != nil {
		b.Fatal(err)
	}
	vals := make([][]any, len(rows))
	for i, row := range rows {
		for _, f := range fields {
			vals[i] = append(vals[i], row[f.Name])
		}
		vals[i] = append(vals[i], row["pnum"])
	}
	p := NewPrinter(io.Discard, fields, Format{Precision: 6, Loc: time.UTC})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := p.Row(vals[i%len(vals)]); err != nil {
			b.Fatal(err)
		}
	}
}
