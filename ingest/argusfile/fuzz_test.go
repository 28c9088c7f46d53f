package argusfile

import (
	"bytes"
	"io"
	"os"
	"testing"

	"tapdb/schema"
)

// FuzzReader feeds arbitrary bytes to the reader: no panic, no endless
// loop, and the error after the last record is io.EOF or a *FormatError.
func FuzzReader(f *testing.F) {
	for _, p := range []string{sample, goldenDir + "/zeek-mixed-vlan-mpls.pcap.ra-w.argus", goldenDir + "/ipfixprobe-arp.pcap.argus"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte{0x83, 0x10, 0x00, 0x08, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader("fuzz", bytes.NewReader(data))
		if err != nil {
			return
		}
		var rec schema.Record
		for i := 0; ; i++ {
			err := r.Next(&rec)
			if err == io.EOF {
				return
			}
			if err != nil {
				if _, ok := err.(*FormatError); !ok {
					t.Fatalf("error %T %v, want *FormatError", err, err)
				}
				return
			}
			if i > len(data) {
				t.Fatal("more records than bytes")
			}
		}
	})
}
