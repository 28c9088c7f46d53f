package ingest

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"

	"tapdb/ingest/capture"
	"tapdb/ingest/decode"
	"tapdb/ingest/flow"
	"tapdb/schema"
)

type memFrame struct {
	time    int64
	link    uint32
	data    []byte
	wireLen int
}

func loadFrames(b *testing.B, path string) (frames []memFrame, span int64) {
	b.Helper()
	r, err := capture.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	var f capture.Frame
	for {
		if err := r.Next(&f); err == io.EOF {
			break
		} else if err != nil {
			b.Fatal(err)
		}
		frames = append(frames, memFrame{f.TimeNanos, f.LinkType, append([]byte(nil), f.Data...), f.WireLen})
	}
	if len(frames) == 0 {
		b.Fatal("no frames")
	}
	return frames, frames[len(frames)-1].time - frames[0].time + 1e9
}

// BenchmarkDecodeAndTrack measures the per-packet hot path, decode plus
// flow table, over a real capture replayed again and again with shifted
// timestamps (so flows time out and restart as they would in a long
// capture). allocs/op is per packet and includes the records emitted.
func BenchmarkDecodeAndTrack(b *testing.B) {
	frames, span := loadFrames(b, "../testdata/pcaps/ndpi-gnutella-mixed.pcap")
	var records int
	table := flow.NewTable(flow.DefaultConfig(), func(*schema.Record) error { records++; return nil })
	dec := decode.NewDecoder()
	var p decode.Packet
	b.ReportAllocs()
	b.SetBytes(0)
	i := 0
	for b.Loop() {
		f := &frames[i%len(frames)]
		p.Reset()
		p.TimeNanos = f.time + int64(i/len(frames))*span
		p.WireLen = f.wireLen
		if err := dec.Decode(f.link, f.data, &p); err == nil {
			if err := table.Add(&p); err != nil {
				b.Fatal(err)
			}
		}
		i++
	}
	b.ReportMetric(float64(records)/float64(i), "records/op")
}

// BenchmarkReadFiles reads a 64 MiB pcap file (a real capture repeated
// with shifted times) through ReadFiles, without and with the file's
// identity computed while reading (Options.Hash): one op is the whole
// file, and the two must run at the same speed within noise.
func BenchmarkReadFiles(b *testing.B) {
	frames, span := loadFrames(b, "../testdata/pcaps/ndpi-gnutella-mixed.pcap")
	path := filepath.Join(b.TempDir(), "big.pcap")
	var buf bytes.Buffer
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b23c4d) // nanoseconds
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 262144)
	binary.LittleEndian.PutUint32(hdr[20:], frames[0].link)
	buf.Write(hdr)
	var packets int64
	for round := int64(0); buf.Len() < 64<<20; round++ {
		for _, f := range frames {
			t := f.time + round*span
			var rh [16]byte
			binary.LittleEndian.PutUint32(rh[0:], uint32(t/1e9))
			binary.LittleEndian.PutUint32(rh[4:], uint32(t%1e9))
			binary.LittleEndian.PutUint32(rh[8:], uint32(len(f.data)))
			binary.LittleEndian.PutUint32(rh[12:], uint32(f.wireLen))
			buf.Write(rh[:])
			buf.Write(f.data)
			packets++
		}
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, hash := range []bool{false, true} {
		name := "plain"
		if hash {
			name = "hash"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(buf.Len()))
			b.ReportAllocs()
			for b.Loop() {
				st, err := ReadFiles(context.Background(), []string{path}, Options{Flow: flow.DefaultConfig(), Hash: hash},
					func(*schema.Record) error { return nil })
				if err != nil || st.Packets != packets || st.PerFile[0].Hashed != hash {
					b.Fatalf("%d packets, %v", st.Packets, err)
				}
			}
			b.ReportMetric(float64(packets)*float64(b.N)/b.Elapsed().Seconds(), "packets/s")
		})
	}
}
