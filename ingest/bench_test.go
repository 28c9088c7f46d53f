package ingest

import (
	"io"
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
