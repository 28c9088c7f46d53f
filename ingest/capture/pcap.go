package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

const (
	pcapFileHeaderLen   = 24
	pcapRecordHeaderLen = 16
)

// pcapReader reads classic libpcap files.
type pcapReader struct {
	src  *source
	be   bool   // file written big-endian
	mult int64  // nanoseconds per unit of the sub-second field
	link uint32 // link type without the FCS bits
	hdr  [pcapRecordHeaderLen]byte
	buf  []byte
	n    int   // packets returned so far
	err  error // sticky: returned by every Next after the first error
}

func newPcapReader(src *source) (*pcapReader, error) {
	var h [pcapFileHeaderLen]byte
	if n, err := src.readFull(h[:]); err != nil {
		return nil, src.readError(0, 0, "pcap file header", int64(n), pcapFileHeaderLen, err)
	}
	r := &pcapReader{src: src, mult: 1000}
	magic := binary.LittleEndian.Uint32(h[0:4])
	if magic != magicMicro && magic != magicNano {
		r.be = true
		magic = binary.BigEndian.Uint32(h[0:4])
	}
	if magic == magicNano {
		r.mult = 1
	}
	major, minor := r.u16(h[4:6]), r.u16(h[6:8])
	if major != 2 {
		return nil, src.formatError(0, 4, fmt.Sprintf("unsupported pcap version %d.%d", major, minor))
	}
	// The upper 16 bits carry the FCS length and reserved bits.
	r.link = r.u32(h[20:24]) & 0xffff
	return r, nil
}

func (r *pcapReader) u16(b []byte) uint16 {
	if r.be {
		return binary.BigEndian.Uint16(b)
	}
	return binary.LittleEndian.Uint16(b)
}

func (r *pcapReader) u32(b []byte) uint32 {
	if r.be {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

func (r *pcapReader) LinkType() uint32 { return r.link }

func (r *pcapReader) Close() error { return r.src.close() }

func (r *pcapReader) Next(f *Frame) error {
	if r.err != nil {
		return r.err
	}
	r.err = r.next(f)
	return r.err
}

func (r *pcapReader) next(f *Frame) error {
	src := r.src
	num := r.n + 1
	off := src.off
	n, err := src.readFull(r.hdr[:])
	if err != nil {
		if n == 0 && errors.Is(err, io.EOF) {
			return io.EOF
		}
		return src.readError(num, off, "record header", int64(n), pcapRecordHeaderLen, err)
	}
	sec := r.u32(r.hdr[0:4])
	frac := r.u32(r.hdr[4:8])
	caplen := r.u32(r.hdr[8:12])
	wirelen := r.u32(r.hdr[12:16])
	if caplen > MaxCaptureLen {
		return src.formatError(num, off, fmt.Sprintf("captured length %d exceeds the maximum of %d bytes", caplen, MaxCaptureLen))
	}
	if rem := src.remaining(); rem >= 0 && int64(caplen) > rem {
		return src.formatError(num, off, fmt.Sprintf("truncated packet data: captured length %d but only %d bytes left in the file", caplen, rem))
	}
	r.buf = grow(r.buf, int(caplen))
	if n, err := src.readFull(r.buf); err != nil {
		return src.readError(num, off, "packet data", int64(n), int64(caplen), err)
	}
	r.n = num
	f.TimeNanos = int64(sec)*1e9 + int64(frac)*r.mult
	f.LinkType = r.link
	f.Data = r.buf
	f.setWireLen(wirelen)
	f.Number = num
	f.Offset = off
	return nil
}
