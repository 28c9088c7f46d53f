package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

func newGzipWriter(w io.Writer) *gzip.Writer { return gzip.NewWriter(w) }

// ngBuilder writes pcapng blocks in one byte order, for synthetic tests.
type ngBuilder struct {
	order interface {
		binary.ByteOrder
		binary.AppendByteOrder
	}
	b bytes.Buffer
}

func (w *ngBuilder) block(typ uint32, body []byte) {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	n := uint32(12 + len(body))
	w.b.Write(w.order.AppendUint32(nil, typ))
	w.b.Write(w.order.AppendUint32(nil, n))
	w.b.Write(body)
	w.b.Write(w.order.AppendUint32(nil, n))
}

func (w *ngBuilder) shb() {
	body := w.order.AppendUint32(nil, byteOrderMagic)
	body = w.order.AppendUint16(body, 1)
	body = w.order.AppendUint16(body, 0)
	body = w.order.AppendUint64(body, ^uint64(0))
	w.block(blockSHB, body)
}

// idb adds an interface; tsresol < 0 means no option; tsoffset 0 none.
func (w *ngBuilder) idb(link uint16, tsresol int, tsoffset uint64) {
	body := w.order.AppendUint16(nil, link)
	body = w.order.AppendUint16(body, 0)
	body = w.order.AppendUint32(body, 0)
	if tsresol >= 0 {
		body = w.order.AppendUint16(body, optIfTsresol)
		body = w.order.AppendUint16(body, 1)
		body = append(body, byte(tsresol), 0, 0, 0)
	}
	if tsoffset != 0 {
		body = w.order.AppendUint16(body, optIfTsoffset)
		body = w.order.AppendUint16(body, 8)
		body = w.order.AppendUint64(body, tsoffset)
	}
	body = append(body, 0, 0, 0, 0) // opt_endofopt
	w.block(blockIDB, body)
}

func (w *ngBuilder) epb(ifID uint32, ts uint64, data []byte, wire uint32) {
	body := w.order.AppendUint32(nil, ifID)
	body = w.order.AppendUint32(body, uint32(ts>>32))
	body = w.order.AppendUint32(body, uint32(ts))
	body = w.order.AppendUint32(body, uint32(len(data)))
	body = w.order.AppendUint32(body, wire)
	w.block(blockEPB, append(body, data...))
}

func (w *ngBuilder) opb(ifID uint16, ts uint64, data []byte) {
	body := w.order.AppendUint16(nil, ifID)
	body = w.order.AppendUint16(body, 0)
	body = w.order.AppendUint32(body, uint32(ts>>32))
	body = w.order.AppendUint32(body, uint32(ts))
	body = w.order.AppendUint32(body, uint32(len(data)))
	body = w.order.AppendUint32(body, uint32(len(data)))
	w.block(blockOPB, append(body, data...))
}

func (w *ngBuilder) spb(data []byte) {
	w.block(blockSPB, append(w.order.AppendUint32(nil, uint32(len(data))), data...))
}

func TestPcapngSynthetic(t *testing.T) {
	le := &ngBuilder{order: binary.LittleEndian}
	le.shb()
	le.idb(uint16(LinkEthernet), 9, 0)      // nanoseconds
	le.idb(uint16(LinkRaw), 0x80|20, 1000)  // 2^-20 s, offset 1000 s
	le.block(5, make([]byte, 8))            // interface statistics: skipped
	le.block(0x40000bad, []byte("custom"))  // custom block: skipped
	le.block(0x0bad_f00d, []byte("future")) // unknown block: skipped
	le.epb(0, 1_500_000_000_123456789, []byte{1, 2, 3}, 60)
	le.epb(1, 3<<20|1<<19, []byte{0x45}, 1) // 3.5 s
	le.spb([]byte{9, 9})                    // no timestamp
	le.opb(0, 42, []byte{7})
	// A second section, big-endian, with its own interfaces (microseconds).
	be := &ngBuilder{order: binary.BigEndian}
	be.shb()
	be.idb(uint16(LinkNull), -1, 0)
	be.epb(0, 2_000_000, []byte{2, 0, 0, 0}, 4)
	data := append(le.b.Bytes(), be.b.Bytes()...)

	r, err := NewReader("synthetic", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if r.LinkType() != LinkEthernet {
		t.Errorf("LinkType = %d", r.LinkType())
	}
	got, err := readAll(t, r)
	if err != io.EOF {
		t.Fatalf("err = %v", err)
	}
	want := []Frame{
		{TimeNanos: 1_500_000_000_123456789, LinkType: LinkEthernet, Data: []byte{1, 2, 3}, WireLen: 60},
		{TimeNanos: 1003_500_000_000, LinkType: LinkRaw, Data: []byte{0x45}, WireLen: 1},
		{TimeNanos: 1003_500_000_000, LinkType: LinkEthernet, Data: []byte{9, 9}, WireLen: 2},
		{TimeNanos: 42, LinkType: LinkEthernet, Data: []byte{7}, WireLen: 1},
		{TimeNanos: 2_000_000_000, LinkType: LinkNull, Data: []byte{2, 0, 0, 0}, WireLen: 4},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d frames, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.TimeNanos != w.TimeNanos || g.LinkType != w.LinkType || !bytes.Equal(g.Data, w.Data) || g.WireLen != w.WireLen || g.Number != i+1 {
			t.Errorf("frame %d = %+v, want %+v", i+1, g, w)
		}
	}
}

func TestPcapngDamage(t *testing.T) {
	base := func() *ngBuilder {
		w := &ngBuilder{order: binary.LittleEndian}
		w.shb()
		w.idb(uint16(LinkEthernet), -1, 0)
		w.epb(0, 1, []byte{1, 2, 3, 4}, 4)
		return w
	}
	goodLen := base().b.Len()
	tests := []struct {
		name   string
		mutate func(w *ngBuilder) []byte
		msg    string
	}{
		{"bad length", func(w *ngBuilder) []byte {
			return append(w.b.Bytes(), 6, 0, 0, 0, 8, 0, 0, 0)
		}, "bad length 8"},
		{"unaligned length", func(w *ngBuilder) []byte {
			return append(w.b.Bytes(), 6, 0, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 0)
		}, "not a multiple of 4"},
		{"trailer mismatch", func(w *ngBuilder) []byte {
			w.epb(0, 2, []byte{5}, 1)
			b := w.b.Bytes()
			b[len(b)-4]++
			return b
		}, "trailing length"},
		{"skipped block trailer mismatch", func(w *ngBuilder) []byte {
			w.block(5, make([]byte, 8))
			b := w.b.Bytes()
			b[len(b)-4]++
			return b
		}, "trailing length"},
		{"caplen past block", func(w *ngBuilder) []byte {
			w.epb(0, 2, []byte{5}, 1)
			b := w.b.Bytes()
			binary.LittleEndian.PutUint32(b[len(b)-16:], 200) // caplen
			return b
		}, "runs past the end"},
		{"undefined interface", func(w *ngBuilder) []byte {
			w.epb(3, 2, []byte{5}, 1)
			return w.b.Bytes()
		}, "interface 3"},
		{"truncated header", func(w *ngBuilder) []byte {
			return append(w.b.Bytes(), 6, 0, 0)
		}, "truncated block header"},
		{"huge block", func(w *ngBuilder) []byte {
			return append(w.b.Bytes(), 6, 0, 0, 0, 0, 0, 0, 0x40)
		}, "truncated block"},
	}
	for _, tc := range tests {
		data := tc.mutate(base())
		// Once with a known size, once as a stream.
		for _, src := range []io.Reader{bytes.NewReader(data), struct{ io.Reader }{bytes.NewReader(data)}} {
			r, err := NewReader(tc.name, src)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			frames, err := readAll(t, r)
			var fe *FormatError
			if len(frames) != 1 || !errors.As(err, &fe) || fe.Packet != 2 || fe.Offset != int64(goodLen) {
				t.Errorf("%s: %d frames, err %v; want 1 frame then a FormatError for packet 2 at %d", tc.name, len(frames), err, goodLen)
				continue
			}
			if !strings.Contains(fe.Msg, tc.msg) && !(tc.name == "huge block" && strings.Contains(fe.Msg, "exceeds the maximum")) {
				t.Errorf("%s: %q does not mention %q", tc.name, fe.Msg, tc.msg)
			}
		}
	}
}
