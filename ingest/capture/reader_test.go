package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readAll reads every frame of r, copying the data, until the first error.
func readAll(t testing.TB, r Reader) ([]Frame, error) {
	t.Helper()
	var frames []Frame
	for {
		var f Frame
		err := r.Next(&f)
		if err != nil {
			return frames, err
		}
		f.Data = append([]byte(nil), f.Data...)
		frames = append(frames, f)
	}
}

func openAll(t *testing.T, path string) ([]Frame, uint32, error) {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	defer r.Close()
	frames, err := readAll(t, r)
	return frames, r.LinkType(), err
}

// Expected counts and times are from tshark/capinfos on the same files
// (see testdata/README.md).
func TestReadWholeFiles(t *testing.T) {
	tests := []struct {
		file       string
		packets    int
		link       uint32
		firstNanos int64
		lastNanos  int64
		lastWire   int
	}{
		{"tcpdump-empty-header-only.pcap", 0, LinkEthernet, 0, 0, 0},
		{"zeek-icmp-5-pings.pcap", 10, LinkEthernet, 1607454603986596000, 1607454608018993000, 98},
		{"zeek-icmp-5-pings.pcap.gz", 10, LinkEthernet, 1607454603986596000, 1607454608018993000, 98},
		{"tcpdump-tcp-handshake-nanosec-sll.pcap", 3, LinkLinuxSLL, 1418145369924505488, 1418145370052115157, 68},
		{"zeek-linux-sll2.pcap", 6, LinkSLL2, 1660534249872259000, 1660535793578961000, 0},
		{"pcapplusplus-many-interfaces.pcapng", 64, LinkEthernet, 1439753725701607000, 1439753728292345000, 195},
		{"many-interfaces-gzip.bin", 64, LinkEthernet, 1439753725701607000, 1439753728292345000, 195},
		{"gopacket-pcapng-bigendian-test202.pcapng", 8, LinkEthernet, 1340954905298858000, 1340954905301858000, 168},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			frames, link, err := openAll(t, filepath.Join("testdata", tc.file))
			if err != io.EOF {
				t.Fatalf("after %d frames: err = %v, want io.EOF", len(frames), err)
			}
			if len(frames) != tc.packets {
				t.Fatalf("read %d packets, want %d", len(frames), tc.packets)
			}
			if link != tc.link {
				t.Errorf("LinkType = %d, want %d", link, tc.link)
			}
			if tc.packets == 0 {
				return
			}
			first, last := frames[0], frames[len(frames)-1]
			if first.TimeNanos != tc.firstNanos || last.TimeNanos != tc.lastNanos {
				t.Errorf("times %d..%d, want %d..%d", first.TimeNanos, last.TimeNanos, tc.firstNanos, tc.lastNanos)
			}
			if tc.lastWire != 0 && last.WireLen != tc.lastWire {
				t.Errorf("last WireLen = %d, want %d", last.WireLen, tc.lastWire)
			}
			for i, f := range frames {
				if f.Number != i+1 {
					t.Fatalf("frame %d has Number %d", i+1, f.Number)
				}
				if len(f.Data) > f.WireLen {
					t.Errorf("frame %d: %d captured bytes > wire length %d", f.Number, len(f.Data), f.WireLen)
				}
			}
		})
	}
}

func TestDamagedFiles(t *testing.T) {
	tests := []struct {
		file      string
		whole     int   // whole packets before the damage
		errPacket int   // packet number in the FormatError
		errOffset int64 // offset in the FormatError
		msg       string
		link      uint32
	}{
		// Record 1 claims caplen 524501 (tshark shows a 197-byte partial
		// frame; we refuse it whole).
		{"ndpi-fuzz-cut-short.pcap", 0, 1, 24, "exceeds the maximum", LinkNull},
		// 92 whole packets end at byte 19932; the 93rd record is cut.
		{"zeek-wikipedia-mixed-truncated.pcap", 92, 93, 19932, "truncated packet data", LinkEthernet},
		// head -c 10001: 45 whole packets, then an EPB of 144 bytes at 9872.
		{"many-interfaces-truncated.pcapng", 45, 46, 9872, "truncated block", LinkEthernet},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			frames, link, err := openAll(t, filepath.Join("testdata", tc.file))
			if len(frames) != tc.whole {
				t.Errorf("read %d whole packets, want %d", len(frames), tc.whole)
			}
			if link != tc.link {
				t.Errorf("LinkType = %d, want %d", link, tc.link)
			}
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want *FormatError", err)
			}
			if fe.Packet != tc.errPacket || fe.Offset != tc.errOffset || !strings.Contains(fe.Msg, tc.msg) {
				t.Errorf("error %q: packet %d offset %d, want packet %d offset %d with %q", fe, fe.Packet, fe.Offset, tc.errPacket, tc.errOffset, tc.msg)
			}
			if !strings.Contains(fe.Error(), tc.file) {
				t.Errorf("error %q does not name the file", fe)
			}
		})
	}
}

// Without a known size (gzip, pipes) truncation is found by the short read.
func TestDamagedStream(t *testing.T) {
	for _, tc := range []struct {
		file   string
		whole  int
		offset int64
	}{
		{"zeek-wikipedia-mixed-truncated.pcap", 92, 19932},
		{"many-interfaces-truncated.pcapng", 45, 9872},
	} {
		data, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		r, err := NewReader(tc.file, struct{ io.Reader }{bytes.NewReader(data)})
		if err != nil {
			t.Fatal(err)
		}
		frames, err := readAll(t, r)
		var fe *FormatError
		if len(frames) != tc.whole || !errors.As(err, &fe) || fe.Offset != tc.offset || !strings.Contains(fe.Msg, "truncated") {
			t.Errorf("%s: %d frames, err %v; want %d frames, truncation at %d", tc.file, len(frames), err, tc.whole, tc.offset)
		}
		// The error is sticky.
		var f Frame
		if err2 := r.Next(&f); err2 != err {
			t.Errorf("%s: second Next returned %v, want the same error", tc.file, err2)
		}
	}
}

func TestRefusedFiles(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		data []byte
		msg  string
	}{
		{"empty", nil, "empty file"},
		{"short", []byte{0xd4, 0xc3}, "too short"},
		{"garbage", []byte("hello, this is not a capture file\n"), "unknown file format"},
		{"empty-gzip", gzipBytes(t, nil), "empty gzip"},
		{"gzip-garbage", gzipBytes(t, []byte("GET / HTTP/1.1\r\n")), "unknown file format"},
		{"bad-gzip", []byte{0x1f, 0x8b, 0xff, 0xff, 0, 0, 0, 0}, "gzip"},
		{"pcap-short-header", []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0}, "truncated pcap file header"},
		{"pcap-version", append([]byte{0xd4, 0xc3, 0xb2, 0xa1, 7, 0, 4, 0}, make([]byte, 16)...), "version"},
		{"pcapng-bad-bom", append([]byte{0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 1, 2, 3, 4}, make([]byte, 16)...), "byte-order"},
	}
	for _, tc := range tests {
		path := filepath.Join(dir, tc.name)
		if err := os.WriteFile(path, tc.data, 0o600); err != nil {
			t.Fatal(err)
		}
		r, err := Open(path)
		var fe *FormatError
		if !errors.As(err, &fe) {
			if r != nil {
				r.Close()
			}
			t.Errorf("%s: err = %v, want *FormatError", tc.name, err)
			continue
		}
		if fe.Packet != 0 || !strings.Contains(fe.Msg, tc.msg) || fe.File != path {
			t.Errorf("%s: %q, want file header error containing %q", tc.name, fe, tc.msg)
		}
	}
	if _, err := Open(filepath.Join(dir, "missing")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v", err)
	}
}

func gzipBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := newGzipWriter(&b)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// swapPcap rewrites a little-endian pcap as big-endian, field by field.
func swapPcap(t *testing.T, le []byte) []byte {
	t.Helper()
	be := append([]byte(nil), le...)
	swap32 := func(b []byte) { binary.BigEndian.PutUint32(b, binary.LittleEndian.Uint32(b)) }
	swap16 := func(b []byte) { binary.BigEndian.PutUint16(b, binary.LittleEndian.Uint16(b)) }
	swap32(be[0:4])
	swap16(be[4:6])
	swap16(be[6:8])
	for i := 8; i < 24; i += 4 {
		swap32(be[i : i+4])
	}
	for off := 24; off < len(be); {
		caplen := int(binary.LittleEndian.Uint32(le[off+8 : off+12]))
		for i := 0; i < 16; i += 4 {
			swap32(be[off+i : off+i+4])
		}
		off += 16 + caplen
	}
	return be
}

func TestBigEndianPcap(t *testing.T) {
	for _, file := range []string{"zeek-icmp-5-pings.pcap", "tcpdump-tcp-handshake-nanosec-sll.pcap"} {
		le, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		want, wantLink, _ := openAll(t, filepath.Join("testdata", file))
		r, err := NewReader(file+"-be", bytes.NewReader(swapPcap(t, le)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := readAll(t, r)
		if err != io.EOF || len(got) != len(want) || r.LinkType() != wantLink {
			t.Fatalf("%s: %d frames link %d err %v, want %d frames link %d", file, len(got), r.LinkType(), err, len(want), wantLink)
		}
		for i := range want {
			if got[i].TimeNanos != want[i].TimeNanos || got[i].WireLen != want[i].WireLen || !bytes.Equal(got[i].Data, want[i].Data) {
				t.Errorf("%s: frame %d differs between byte orders", file, i+1)
			}
		}
	}
}

// The FCS-length bits in the link-type field (here 0x40000000) are masked.
func TestLinkTypeFCSBits(t *testing.T) {
	le, err := os.ReadFile(filepath.Join("testdata", "zeek-icmp-5-pings.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	le = append([]byte(nil), le...)
	binary.LittleEndian.PutUint32(le[20:24], 0x4000_0000|LinkEthernet)
	r, err := NewReader("fcs", bytes.NewReader(le))
	if err != nil {
		t.Fatal(err)
	}
	var f Frame
	if err := r.Next(&f); err != nil || r.LinkType() != LinkEthernet || f.LinkType != LinkEthernet {
		t.Errorf("LinkType %d frame link %d err %v, want %d", r.LinkType(), f.LinkType, err, LinkEthernet)
	}
}

func TestPcapngInterfaces(t *testing.T) {
	tests := []struct {
		file  string
		links []uint32 // per packet, from tshark frame.interface_id / encap
	}{
		{"pcapplusplus-many-interfaces.pcapng", func() []uint32 {
			l := make([]uint32, 64)
			for i := range l {
				l[i] = LinkEthernet
			}
			l[2], l[3] = LinkNull, LinkNull // frames 3 and 4 are on lo0
			return l
		}()},
		{"gopacket-pcapng-bigendian-test202.pcapng", []uint32{1, 1, 0, 1, 1, 1, 1, 0}},
	}
	for _, tc := range tests {
		frames, _, err := openAll(t, filepath.Join("testdata", tc.file))
		if err != io.EOF || len(frames) != len(tc.links) {
			t.Fatalf("%s: %d frames, err %v", tc.file, len(frames), err)
		}
		for i, f := range frames {
			if f.LinkType != tc.links[i] {
				t.Errorf("%s: frame %d link %d, want %d", tc.file, i+1, f.LinkType, tc.links[i])
			}
		}
	}
	// test202: frame 4 is a Simple Packet Block (no timestamp): it gets the
	// previous packet's time; caplen 128 of 314.
	frames, _, _ := openAll(t, filepath.Join("testdata", "gopacket-pcapng-bigendian-test202.pcapng"))
	if f := frames[3]; f.TimeNanos != 1340954905301858000 || len(f.Data) != 128 || f.WireLen != 314 {
		t.Errorf("SPB frame: time %d, %d of %d bytes", f.TimeNanos, len(f.Data), f.WireLen)
	}
}
