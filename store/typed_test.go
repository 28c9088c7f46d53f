package store

import (
	"reflect"
	"testing"
	"time"

	"tapdb/schema"
)

// Value, which the column table derives from the typed accessors the
// writer reads, gives NULL exactly for the optional fields a record lacks,
// and the record's values otherwise.
func TestColumnValuesOfFullAndEmptyRecords(t *testing.T) {
	full := testRecord(day0.Add(90*time.Second), "192.168.100.200", "2001:db8::1:2:3", 12345)
	full.Flgs, full.Smac, full.Dmac, full.Inode, full.Encaps = " e", "00:11:22:33:44:55", "66:77:88:99:aa:bb", "10.9.8.7", "eth,vlan,gre"
	full.HasSttl, full.HasDttl, full.HasSvlan, full.HasDvlan, full.HasSmpls, full.HasDmpls = true, true, true, true, true, true
	full.Sttl, full.Dttl, full.Stos, full.Dtos, full.Svlan, full.Dvlan, full.Smpls, full.Dmpls = 64, 63, 4, 8, 100, 200, 16, 17
	full.STCPFlags, full.DTCPFlags, full.Sretrans, full.Dretrans, full.Swin, full.Dwin = 0x1b, 0x12, 2, 3, 65535, 512
	full.Stcpb, full.Dtcpb, full.Synack, full.Ackdat, full.Seq = 1<<31, 7, 0.0125, 0.5, 1<<40
	var empty schema.Record // every optional value NULL
	optional := map[string]bool{"sport": true, "dport": true, "smac": true, "dmac": true, "sttl": true, "dttl": true,
		"stos": true, "dtos": true, "svlan": true, "dvlan": true, "smpls": true, "dmpls": true, "inode": true,
		"saddr_hi": true, "saddr_lo": true, "daddr_hi": true, "daddr_lo": true}
	want := map[string]any{"stime": full.Stime.UTC(), "saddr": "192.168.100.200", "sttl": uint8(64), "svlan": uint16(100),
		"smpls": uint32(16), "seq": int64(1 << 40), "synack": 0.0125, "daddr_hi": full.DaddrHi, "daddr_lo": full.DaddrLo}
	for _, col := range schema.StoredColumns() {
		if v := col.Value(&full); v == nil {
			t.Errorf("column %s: NULL for a full record", col.Name)
		} else if w, ok := want[col.Name]; ok && !reflect.DeepEqual(v, w) {
			t.Errorf("column %s: %#v, want %#v", col.Name, v, w)
		}
		if v := col.Value(&empty); (v == nil) != optional[col.Name] {
			t.Errorf("column %s of an empty record: %#v (optional %v)", col.Name, v, optional[col.Name])
		}
	}
}
