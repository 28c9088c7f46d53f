package netflow

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"testing"
	"time"

	"tapdb/schema"
)

// exportPacket is one UDP datagram read from a capture.
type exportPacket struct {
	from    netip.AddrPort
	payload []byte
	time    time.Time
}

// readExports returns the UDP payloads of a little-endian microsecond pcap
// of Ethernet/IPv4/UDP frames (all the export captures in testdata are).
func readExports(t testing.TB, path string) []exportPacket {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 24 || binary.LittleEndian.Uint32(b) != 0xa1b2c3d4 || binary.LittleEndian.Uint32(b[20:]) != 1 {
		t.Fatalf("%s: not a little-endian microsecond Ethernet pcap", path)
	}
	var out []exportPacket
	for off := 24; off+16 <= len(b); {
		sec, usec := binary.LittleEndian.Uint32(b[off:]), binary.LittleEndian.Uint32(b[off+4:])
		n := int(binary.LittleEndian.Uint32(b[off+8:]))
		off += 16
		if n > len(b)-off {
			t.Fatalf("%s: truncated packet at offset %d", path, off)
		}
		f := b[off : off+n]
		off += n
		if len(f) < 14+20+8 || binary.BigEndian.Uint16(f[12:]) != 0x0800 {
			continue
		}
		ip := f[14:]
		ihl := int(ip[0]&0x0f) * 4
		if ip[9] != 17 || len(ip) < ihl+8 {
			continue
		}
		udp := ip[ihl:]
		ulen := int(binary.BigEndian.Uint16(udp[4:]))
		if ulen < 8 || ulen > len(udp) {
			t.Fatalf("%s: bad UDP length %d", path, ulen)
		}
		src := netip.AddrFrom4([4]byte(ip[12:16]))
		out = append(out, exportPacket{
			from:    netip.AddrPortFrom(src, binary.BigEndian.Uint16(udp)),
			payload: udp[8:ulen],
			time:    time.Unix(int64(sec), int64(usec)*1000).UTC(),
		})
	}
	return out
}

// decodeFiles decodes the export datagrams of the given testdata captures,
// in order, with one Decoder, then flushes it.
func decodeFiles(t testing.TB, cfg Config, names ...string) ([]*schema.Record, *Decoder, []error) {
	t.Helper()
	d := NewDecoder(cfg)
	var recs []*schema.Record
	var errs []error
	emit := func(r *schema.Record) error { recs = append(recs, r); return nil }
	for _, name := range names {
		for _, p := range readExports(t, "testdata/"+name) {
			if err := d.Decode(p.from, p.payload, p.time, emit); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
		}
	}
	if err := d.Flush(emit); err != nil {
		t.Fatal(err)
	}
	return recs, d, errs
}
