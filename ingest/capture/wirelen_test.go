package capture

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pcapRecords returns the offsets of the record headers of a little-endian
// microsecond pcap.
func pcapRecords(t testing.TB, data []byte) []int {
	t.Helper()
	var offs []int
	for off := pcapFileHeaderLen; off+pcapRecordHeaderLen <= len(data); {
		offs = append(offs, off)
		off += pcapRecordHeaderLen + int(binary.LittleEndian.Uint32(data[off+8:]))
	}
	return offs
}

// readTotals reads one capture file through ReadFrames and sums the
// captured and wire bytes of its frames.
func readTotals(t testing.TB, path string) (captured, wire int64, frames int, rd FilesRead, logged string, err error) {
	t.Helper()
	var buf bytes.Buffer
	opts := FilesOptions{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	rd, err = ReadFrames(context.Background(), []string{path}, opts, func(_ string, f *Frame) error {
		captured += int64(len(f.Data))
		wire += int64(f.WireLen)
		frames++
		return nil
	})
	return captured, wire, frames, rd, buf.String(), err
}

// TestDamagedOriginalLength flips bytes of a record's original length:
// an impossible length counts the captured bytes, is logged with the file,
// packet number and offset, and makes the file damaged; the other packets
// are read as usual.
func TestDamagedOriginalLength(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join("testdata", "zeek-icmp-5-pings.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	recs := pcapRecords(t, orig)
	const pkt = 3 // 1-based packet whose header is damaged
	hdr := recs[pkt-1]
	caplen := binary.LittleEndian.Uint32(orig[hdr+8:])
	tests := []struct {
		name    string
		origLen uint32
		damaged bool
	}{
		{"as recorded", caplen, false},
		{"longer than captured (snapped)", caplen + 1000, false},
		{"libpcap's maximum", MaxWireLen, false},
		{"top byte flipped", caplen | 0xff000000, true},
		{"one over the maximum", MaxWireLen + 1, true},
		{"below the captured length", caplen - 1, true},
		{"zero", 0, true},
	}
	dir := t.TempDir()
	_, cleanWire, _, _, _, err := readTotals(t, filepath.Join("testdata", "zeek-icmp-5-pings.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := bytes.Clone(orig)
			binary.LittleEndian.PutUint32(data[hdr+12:], tc.origLen)
			path := filepath.Join(dir, "mutated.pcap")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			captured, wire, frames, rd, logged, err := readTotals(t, path)
			if err != nil {
				t.Fatal(err)
			}
			if frames != len(recs) {
				t.Errorf("read %d frames, want %d", frames, len(recs))
			}
			wantWire := cleanWire - int64(caplen) + int64(tc.origLen)
			if tc.damaged {
				wantWire = cleanWire
			}
			if wire != wantWire || wire < captured {
				t.Errorf("wire bytes %d (captured %d), want %d", wire, captured, wantWire)
			}
			if !tc.damaged {
				if rd.Damage != nil || logged != "" {
					t.Errorf("sound length reported: %v %s", rd.Damage, logged)
				}
				return
			}
			var fe *FormatError
			if !errors.As(rd.Damage, &fe) || fe.File != path || fe.Packet != pkt || fe.Offset != int64(hdr) {
				t.Fatalf("damage %v, want file %s packet %d offset %d", rd.Damage, path, pkt, hdr)
			}
			if !strings.Contains(logged, "level=WARN") || !strings.Contains(logged, "packet 3 at offset") {
				t.Errorf("no warning naming the packet: %q", logged)
			}
		})
	}
}

// FuzzPcapRecordHeader replaces one record header of a capture with fuzzed
// bytes: whatever the header says, no frame is longer on the wire than
// MaxWireLen (or its captured length), and an impossible original length
// is reported as damage.
func FuzzPcapRecordHeader(f *testing.F) {
	orig, err := os.ReadFile(filepath.Join("testdata", "zeek-icmp-5-pings.pcap"))
	if err != nil {
		f.Fatal(err)
	}
	recs := pcapRecords(f, orig)
	for i, off := range recs {
		f.Add(uint8(i), orig[off:off+pcapRecordHeaderLen])
	}
	f.Add(uint8(2), []byte{0x8b, 0xd5, 0xcf, 0x5f, 0, 0, 0, 0, 98, 0, 0, 0, 98, 0, 0, 0xff})
	f.Fuzz(func(t *testing.T, which uint8, hdr []byte) {
		if len(hdr) != pcapRecordHeaderLen {
			return
		}
		data := bytes.Clone(orig)
		copy(data[recs[int(which)%len(recs)]:], hdr)
		r, err := NewReader("fuzz.pcap", bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var fr Frame
		for {
			if err := r.Next(&fr); err != nil {
				break
			}
			if fr.WireLen < len(fr.Data) || fr.WireLen > max(len(fr.Data), MaxWireLen) {
				t.Fatalf("packet %d: wire length %d with %d bytes captured", fr.Number, fr.WireLen, len(fr.Data))
			}
			bad := int64(fr.RecordedLen) < int64(len(fr.Data)) || fr.RecordedLen > MaxWireLen
			if fr.BadWireLen != bad {
				t.Fatalf("packet %d: recorded length %d, %d captured: BadWireLen %v", fr.Number, fr.RecordedLen, len(fr.Data), fr.BadWireLen)
			}
		}
	})
}
