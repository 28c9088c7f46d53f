package capture

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func addSeeds(f *testing.F, files ...string) {
	for _, file := range files {
		data, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// fuzzRead reads data both with a known size and as a stream and checks the
// reader's promises: no panic, io.EOF or a *FormatError at the end, frames
// numbered in order and never larger than MaxCaptureLen.
func fuzzRead(t *testing.T, data []byte) {
	for _, src := range []io.Reader{bytes.NewReader(data), struct{ io.Reader }{bytes.NewReader(data)}} {
		r, err := NewReader("fuzz", src)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("Open error %v is not a *FormatError", err)
			}
			continue
		}
		var f Frame
		n := 0
		for {
			err = r.Next(&f)
			if err != nil {
				break
			}
			n++
			if f.Number != n || len(f.Data) > MaxCaptureLen || f.WireLen < len(f.Data) || f.WireLen > max(len(f.Data), MaxWireLen) {
				t.Fatalf("bad frame %d: number %d, %d bytes, wire %d", n, f.Number, len(f.Data), f.WireLen)
			}
		}
		var fe *FormatError
		if err != io.EOF && !errors.As(err, &fe) {
			t.Fatalf("Next error %v is neither io.EOF nor *FormatError", err)
		}
		if fe != nil && fe.Packet != n+1 {
			t.Fatalf("error names packet %d after %d packets", fe.Packet, n)
		}
		r.Close()
	}
}

func FuzzPcap(f *testing.F) {
	addSeeds(f, "tcpdump-empty-header-only.pcap", "zeek-icmp-5-pings.pcap", "tcpdump-tcp-handshake-nanosec-sll.pcap",
		"ndpi-fuzz-cut-short.pcap", "zeek-linux-sll2.pcap", "zeek-icmp-5-pings.pcap.gz")
	f.Fuzz(fuzzRead)
}

func FuzzPcapng(f *testing.F) {
	addSeeds(f, "gopacket-pcapng-bigendian-test202.pcapng", "many-interfaces-truncated.pcapng")
	w := &ngBuilder{order: binaryLE}
	w.shb()
	w.idb(1, 0x80|10, 5)
	w.idb(101, 6, 0)
	w.epb(1, 77, []byte{0x45, 0, 0, 20}, 20)
	w.spb([]byte{1, 2})
	w.opb(0, 1, []byte{3})
	w.block(5, make([]byte, 12))
	f.Add(w.b.Bytes())
	f.Fuzz(fuzzRead)
}
