package query

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"tapdb/schema"
)

// The writer reads records through the column table's typed accessors; they
// must give exactly what the value functions give (the flows a row holds
// are the same whichever way it is written).
func TestTypedAccessorsMatchValues(t *testing.T) {
	full := testRecord(day0.Add(90*time.Second), "192.168.100.200", "2001:db8::1:2:3", 12345)
	full.Flgs, full.Smac, full.Dmac, full.Inode, full.Encaps = " e", "00:11:22:33:44:55", "66:77:88:99:aa:bb", "10.9.8.7", "eth,vlan,gre"
	full.HasSttl, full.HasDttl, full.HasSvlan, full.HasDvlan, full.HasSmpls, full.HasDmpls = true, true, true, true, true, true
	full.Sttl, full.Dttl, full.Stos, full.Dtos, full.Svlan, full.Dvlan, full.Smpls, full.Dmpls = 64, 63, 4, 8, 100, 200, 16, 17
	full.STCPFlags, full.DTCPFlags, full.Sretrans, full.Dretrans, full.Swin, full.Dwin = 0x1b, 0x12, 2, 3, 65535, 512
	full.Stcpb, full.Dtcpb, full.Synack, full.Ackdat, full.Seq = 1<<31, 7, 0.0125, 0.5, 1<<40
	var empty schema.Record // every optional value NULL
	for _, r := range []*schema.Record{&full, &empty} {
		for _, col := range schema.StoredColumns() {
			want := col.Value(r)
			got, err := typedValue(&col, r)
			if err != nil {
				t.Fatal(err)
			}
			if wt, ok := want.(time.Time); ok {
				if gt, ok := got.(time.Time); !ok || !gt.Equal(wt) {
					t.Errorf("column %s: typed %v, value %v", col.Name, got, want)
				}
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("column %s: typed %#v, value %#v", col.Name, got, want)
			}
		}
	}
}

// typedValue reads a column through its typed accessor, boxed for
// comparison (nil for NULL).
func typedValue(col *schema.Column, r *schema.Record) (any, error) {
	g := col.Typed()
	box := func(v any, ok bool) any {
		if !ok {
			return nil
		}
		return v
	}
	switch {
	case g.Time != nil:
		return g.Time(r), nil
	case g.String != nil:
		v, ok := g.String(r)
		return box(v, ok), nil
	case g.Int32 != nil:
		v, ok := g.Int32(r)
		return box(v, ok), nil
	case g.Int64 != nil:
		v, ok := g.Int64(r)
		return box(v, ok), nil
	case g.Uint8 != nil:
		v, ok := g.Uint8(r)
		return box(v, ok), nil
	case g.Uint16 != nil:
		v, ok := g.Uint16(r)
		return box(v, ok), nil
	case g.Uint32 != nil:
		v, ok := g.Uint32(r)
		return box(v, ok), nil
	case g.Float64 != nil:
		v, ok := g.Float64(r)
		return box(v, ok), nil
	case g.U128 != nil:
		v, ok := g.U128(r)
		return box(v, ok), nil
	}
	return nil, fmt.Errorf("column %s has no typed accessor", col.Name)
}
