package capture

import (
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"
)

var binaryLE = binary.LittleEndian

// loopReader yields head once, then body over and over: an endless capture.
type loopReader struct {
	head, body []byte
	pos        int
}

func (l *loopReader) Read(p []byte) (int, error) {
	if len(l.head) > 0 {
		n := copy(p, l.head)
		l.head = l.head[n:]
		return n, nil
	}
	n := 0
	for n < len(p) {
		c := copy(p[n:], l.body[l.pos:])
		n += c
		l.pos = (l.pos + c) % len(l.body)
	}
	return n, nil
}

func benchNext(b *testing.B, name string, r io.Reader) {
	rd, err := NewReader(name, r)
	if err != nil {
		b.Fatal(err)
	}
	var f Frame
	var bytes int64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := rd.Next(&f); err != nil {
			b.Fatal(err)
		}
		bytes += int64(len(f.Data))
	}
	b.SetBytes(bytes / int64(b.N))
}

// BenchmarkPcapNext reads the records of a real capture over and over:
// one op is one packet, and it must report 0 allocs/op.
func BenchmarkPcapNext(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "zeek-icmp-5-pings.pcap"))
	if err != nil {
		b.Fatal(err)
	}
	benchNext(b, "loop.pcap", &loopReader{head: data[:24], body: data[24:]})
}

func BenchmarkPcapngNext(b *testing.B) {
	w := &ngBuilder{order: binaryLE}
	w.shb()
	w.idb(1, 9, 0)
	head := append([]byte(nil), w.b.Bytes()...)
	w.b.Reset()
	payload := make([]byte, 600)
	for i := 0; i < 16; i++ {
		w.epb(0, uint64(i)*1000, payload[:64+i*30], uint32(64+i*30))
	}
	benchNext(b, "loop.pcapng", &loopReader{head: head, body: w.b.Bytes()})
}
