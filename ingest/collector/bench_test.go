package collector

import (
	"context"
	"encoding/binary"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"tapdb/ingest/capture"
	"tapdb/ingest/decode"
	"tapdb/ingest/netflow"
	"tapdb/ingest/netflow/netflowtest"
	"tapdb/internal/testutil"
	"tapdb/schema"
	"tapdb/store"
)

// BenchmarkNetflowToWriter decodes synthetic NetFlow v5 datagrams (30
// records each, random addresses) and writes the records straight into a
// store file through store.Writer, committing every batch records: the
// collector's path without the sockets and without the daemon's sink.
// "locked" takes a mutex around every Write, as the daemon's sink does.
// 65536 was the daemon's default batch (491520 since); 122880 is one DuckDB row group, the
// size from which a commit writes compressed row groups straight to the
// file instead of through the WAL; default is the writer's (491520).
// Reported as records/s and CPU time per record.
func BenchmarkNetflowToWriter(b *testing.B) {
	cases := []struct {
		batch  int
		locked bool
	}{{65536, false}, {65536, true}, {122880, false}, {0, false}}
	for _, c := range cases {
		name := "batch=" + strconv.Itoa(c.batch)
		if c.batch == 0 {
			name = "batch=default"
		}
		if c.locked {
			name += "/locked"
		}
		b.Run(name, func(b *testing.B) { benchNetflowToWriter(b, c.batch, c.locked) })
	}
}

func benchNetflowToWriter(b *testing.B, batch int, locked bool) {
	ctx := context.Background()
	st, err := store.Open(ctx, b.TempDir()+"/flows.duckdb", store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	w, err := st.NewWriter(ctx, store.WriterOptions{BatchSize: batch})
	if err != nil {
		b.Fatal(err)
	}
	emit := w.Write
	if locked {
		var mu sync.Mutex
		emit = func(r *schema.Record) error {
			mu.Lock()
			defer mu.Unlock()
			return w.Write(r)
		}
	}
	dgs := netflowtest.V5Datagrams(4096, time.Now(), 7)
	dec := netflow.NewDecoder(netflow.Config{PairWindow: -1})
	from := netip.MustParseAddrPort("192.0.2.1:2055")
	b.ReportAllocs()
	cpu0 := testutil.ProcessCPU()
	n := 0
	for b.Loop() {
		if err := dec.Decode(from, dgs[n%len(dgs)].Payload, time.Now(), emit); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(n*30)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(testutil.ProcessCPU()-cpu0)/float64(n*30), "cpu-ns/record")
}

// BenchmarkUDPDatagram finds the UDP datagram of real frames of several
// link types (Ethernet, VLAN, Linux cooked, raw IP, pcapng) round robin,
// as ReadCaptures does (one decoder, one scratch packet); one op is one
// frame and must not allocate.
func BenchmarkUDPDatagram(b *testing.B) {
	var frames []capture.Frame
	for _, name := range []string{"pcapplusplus-many-protocols-large.pcap", "pcapplusplus-dns-packets.pcap",
		"pcapplusplus-linux-sll.pcap", "pcapplusplus-raw-ip.pcap", "pcapplusplus-vlan-8021q.pcap",
		"ndpi-ipv6-http-tls-quic.pcap", "pmacct-netflow-v9-cisco.pcap", "pcapplusplus-many-interfaces.pcapng"} {
		frames = append(frames, loadFrames(b, repoCapture(name))...)
	}
	dec := decode.NewDecoder()
	var p decode.Packet
	b.ReportAllocs()
	n, found := 0, 0
	for b.Loop() {
		f := &frames[n%len(frames)]
		if _, why := udpDatagram(dec, f.LinkType, f.Data, &p); why == skipNone {
			found++
		}
		n++
	}
	if found == 0 {
		b.Fatal("no UDP datagram found")
	}
}

// BenchmarkReadCaptures reads a capture of synthetic NetFlow v5 export
// datagrams (Ethernet, IPv4, UDP to 2055; 30 records each) with
// ReadCaptures, without a store. "decode" is the whole path (capture
// reader, frame loop, datagram, NetFlow decoder); "skip" listens to no
// port, so it measures the reader, the loop and the datagram path alone.
// Reported as frames/s.
func BenchmarkReadCaptures(b *testing.B) {
	path := filepath.Join(b.TempDir(), "v5.pcap")
	writeV5Capture(b, path, netflowtest.V5Datagrams(4096, time.Unix(1700000000, 0), 7))
	for _, c := range []struct {
		name string
		opts FileOptions
	}{
		{"decode", FileOptions{Decoder: netflow.Config{PairWindow: -1}}},
		{"skip", FileOptions{Ports: []uint16{}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			emit := func(*schema.Record) error { return nil }
			b.ReportAllocs()
			var frames int64
			for b.Loop() {
				st, err := ReadCaptures(context.Background(), []string{path}, c.opts, emit)
				if err != nil {
					b.Fatal(err)
				}
				frames += st.Frames
			}
			b.ReportMetric(float64(frames)/b.Elapsed().Seconds(), "frames/s")
		})
	}
}

// writeV5Capture writes the datagrams as a little-endian microsecond pcap
// of Ethernet frames from 192.0.2.1:2055 to 192.0.2.2:2055.
func writeV5Capture(tb testing.TB, path string, dgs []netflowtest.Datagram) {
	tb.Helper()
	le := binary.LittleEndian
	out := le.AppendUint32(nil, 0xa1b2c3d4)
	out = le.AppendUint16(out, 2)
	out = le.AppendUint16(out, 4)
	out = append(out, make([]byte, 8)...)
	out = le.AppendUint32(out, 65535)
	out = le.AppendUint32(out, 1) // Ethernet
	for i, d := range dgs {
		frame := make([]byte, 14+20+8, 14+20+8+len(d.Payload))
		frame[12], frame[13] = 0x08, 0x00
		ip := frame[14:34]
		ip[0] = 0x45
		binary.BigEndian.PutUint16(ip[2:], uint16(20+8+len(d.Payload)))
		ip[8], ip[9] = 64, 17
		copy(ip[12:], []byte{192, 0, 2, 1})
		copy(ip[16:], []byte{192, 0, 2, 2})
		u := frame[34:42]
		binary.BigEndian.PutUint16(u[0:], 2055)
		binary.BigEndian.PutUint16(u[2:], 2055)
		binary.BigEndian.PutUint16(u[4:], uint16(8+len(d.Payload)))
		frame = append(frame, d.Payload...)
		out = le.AppendUint32(out, uint32(1700000000+i/1000))
		out = le.AppendUint32(out, uint32(i%1000*1000))
		out = le.AppendUint32(out, uint32(len(frame)))
		out = le.AppendUint32(out, uint32(len(frame)))
		out = append(out, frame...)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		tb.Fatal(err)
	}
}
