package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
)

// pcapng block types.
const (
	blockSHB uint32 = 0x0a0d0d0a // section header
	blockIDB uint32 = 0x00000001 // interface description
	blockOPB uint32 = 0x00000002 // packet (obsolete)
	blockSPB uint32 = 0x00000003 // simple packet
	blockEPB uint32 = 0x00000006 // enhanced packet
)

const (
	byteOrderMagic = 0x1a2b3c4d
	// maxBufferedBlock bounds the blocks read into memory (headers and
	// packets with their options); other blocks are skipped unbuffered.
	maxBufferedBlock = MaxCaptureLen + 1<<20
	minBlockLen      = 12
	optEndOfOpt      = 0
	optIfTsresol     = 9
	optIfTsoffset    = 14
)

// iface is what a pcapng Interface Description Block says about the
// packets of one interface.
type iface struct {
	link   uint32
	snap   uint32
	shift  uint   // binary resolution 2^-shift (when pow2)
	mul    uint64 // decimal resolution: ns = ts*mul/div
	div    uint64
	pow2   bool
	offset int64 // if_tsoffset, nanoseconds
}

// nanos converts a timestamp in interface units to Unix nanoseconds.
func (ifc *iface) nanos(ts uint64) int64 {
	if ifc.pow2 {
		sec := ts >> ifc.shift
		frac := ts & (1<<ifc.shift - 1)
		hi, lo := bits.Mul64(frac, 1e9)
		var ns uint64
		if ifc.shift == 0 {
			ns = 0
		} else {
			ns = lo>>ifc.shift | hi<<(64-ifc.shift)
		}
		return int64(sec*1e9+ns) + ifc.offset
	}
	return int64(ts*ifc.mul/ifc.div) + ifc.offset
}

// pcapngReader reads pcapng files.
type pcapngReader struct {
	src      *source
	be       bool // byte order of the current section
	ifaces   []iface
	link     uint32 // link type of the first interface of the file
	haveLink bool
	hdr      [12]byte
	buf      []byte
	n        int   // packets returned so far
	lastTime int64 // time of the previous packet, for Simple Packet Blocks
	err      error // sticky
}

func newPcapngReader(src *source) (*pcapngReader, error) {
	r := &pcapngReader{src: src}
	var f Frame
	got, err := r.readBlock(&f)
	if err != nil {
		return nil, headerError(err)
	}
	if got {
		// Cannot happen: the first block is a section header.
		return nil, src.formatError(0, 0, "pcapng file does not start with a section header")
	}
	// Read the interface descriptions that follow the section header so
	// LinkType is known before the first packet.
	for {
		h, err := src.r.Peek(8)
		if err != nil || r.u32(h[0:4]) != blockIDB {
			break
		}
		if _, err := r.readBlock(&f); err != nil {
			return nil, headerError(err)
		}
	}
	return r, nil
}

// headerError marks an error found while Open reads the blocks before the
// first packet as a file header error (packet 0).
func headerError(err error) error {
	var fe *FormatError
	if errors.As(err, &fe) {
		fe.Packet = 0
	}
	return err
}

func (r *pcapngReader) u16(b []byte) uint16 {
	if r.be {
		return binary.BigEndian.Uint16(b)
	}
	return binary.LittleEndian.Uint16(b)
}

func (r *pcapngReader) u32(b []byte) uint32 {
	if r.be {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

func (r *pcapngReader) LinkType() uint32 { return r.link }

func (r *pcapngReader) Close() error { return r.src.close() }

func (r *pcapngReader) Next(f *Frame) error {
	if r.err != nil {
		return r.err
	}
	for {
		got, err := r.readBlock(f)
		if err != nil {
			r.err = err
			return err
		}
		if got {
			return nil
		}
	}
}

// readBlock reads one block. It reports whether the block was a packet (then
// f is filled).
func (r *pcapngReader) readBlock(f *Frame) (bool, error) {
	src := r.src
	num := r.n + 1
	off := src.off
	n, err := src.readFull(r.hdr[:8])
	if err != nil {
		if n == 0 && errors.Is(err, io.EOF) {
			return false, io.EOF
		}
		return false, src.readError(num, off, "block header", int64(n), 8, err)
	}
	typ := r.u32(r.hdr[0:4])
	if typ == blockSHB {
		// The byte-order magic decides how to read the length.
		if n, err := src.readFull(r.hdr[8:12]); err != nil {
			return false, src.readError(num, off, "section header", int64(8+n), 12, err)
		}
		switch {
		case binary.LittleEndian.Uint32(r.hdr[8:12]) == byteOrderMagic:
			r.be = false
		case binary.BigEndian.Uint32(r.hdr[8:12]) == byteOrderMagic:
			r.be = true
		default:
			return false, src.formatError(num, off, fmt.Sprintf("section header has a bad byte-order magic % x", r.hdr[8:12]))
		}
	} else if off == 0 {
		return false, src.formatError(0, 0, "pcapng file does not start with a section header")
	}
	blen := r.u32(r.hdr[4:8])
	if blen < minBlockLen || (typ == blockSHB && blen < 28) {
		return false, src.formatError(num, off, fmt.Sprintf("block type 0x%08x has a bad length %d", typ, blen))
	}
	if blen%4 != 0 {
		return false, src.formatError(num, off, fmt.Sprintf("block type 0x%08x has length %d, not a multiple of 4", typ, blen))
	}
	consumed := src.off - off
	if rem := src.remaining(); rem >= 0 && int64(blen)-consumed > rem {
		return false, src.formatError(num, off, fmt.Sprintf("truncated block: type 0x%08x of %d bytes but only %d bytes left in the file", typ, blen, rem+consumed))
	}
	switch typ {
	case blockSHB, blockIDB, blockEPB, blockSPB, blockOPB:
	default:
		// Statistics, name resolution, custom, decryption secrets and
		// unknown blocks: skip, then check the trailing length.
		skip := int64(blen) - consumed - 4
		if d, err := src.discard(skip); err != nil {
			return false, src.readError(num, off, "block", consumed+d, int64(blen), err)
		}
		if n, err := src.readFull(r.hdr[8:12]); err != nil {
			return false, src.readError(num, off, "block", int64(blen)-4+int64(n), int64(blen), err)
		}
		if t := r.u32(r.hdr[8:12]); t != blen {
			return false, src.formatError(num, off, fmt.Sprintf("block type 0x%08x: trailing length %d differs from leading length %d", typ, t, blen))
		}
		return false, nil
	}
	if blen > maxBufferedBlock {
		return false, src.formatError(num, off, fmt.Sprintf("block type 0x%08x of %d bytes exceeds the maximum of %d", typ, blen, maxBufferedBlock))
	}
	// body: the block after what was consumed, trailing length included.
	r.buf = grow(r.buf, int(int64(blen)-consumed))
	if n, err := src.readFull(r.buf); err != nil {
		return false, src.readError(num, off, "block", consumed+int64(n), int64(blen), err)
	}
	body := r.buf[:len(r.buf)-4]
	if t := r.u32(r.buf[len(r.buf)-4:]); t != blen {
		return false, src.formatError(num, off, fmt.Sprintf("block type 0x%08x: trailing length %d differs from leading length %d", typ, t, blen))
	}
	switch typ {
	case blockSHB:
		return false, r.sectionHeader(body, num, off)
	case blockIDB:
		return false, r.interfaceDescription(body, num, off)
	}
	return true, r.packet(typ, body, f, num, off)
}

// sectionHeader handles a Section Header Block (body after the byte-order
// magic): a new section forgets the interfaces of the previous one.
func (r *pcapngReader) sectionHeader(body []byte, num int, off int64) error {
	major, minor := r.u16(body[0:2]), r.u16(body[2:4])
	if major != 1 {
		return r.src.formatError(num, off, fmt.Sprintf("unsupported pcapng version %d.%d", major, minor))
	}
	r.ifaces = r.ifaces[:0]
	return nil
}

func (r *pcapngReader) interfaceDescription(body []byte, num int, off int64) error {
	if len(body) < 8 {
		return r.src.formatError(num, off, fmt.Sprintf("interface description block too short (%d bytes)", len(body)+12))
	}
	ifc := iface{link: uint32(r.u16(body[0:2])), snap: r.u32(body[4:8]), mul: 1000, div: 1}
	opts := body[8:]
	for len(opts) >= 4 {
		code, olen := r.u16(opts[0:2]), int(r.u16(opts[2:4]))
		if code == optEndOfOpt {
			break
		}
		padded := (olen + 3) &^ 3
		if 4+padded > len(opts) {
			return r.src.formatError(num, off, fmt.Sprintf("interface description option %d of length %d runs past the block", code, olen))
		}
		val := opts[4 : 4+olen]
		switch {
		case code == optIfTsresol && olen == 1:
			v := val[0]
			if v&0x80 != 0 {
				ifc.pow2, ifc.shift = true, uint(v&0x7f)
				if ifc.shift > 63 {
					return r.src.formatError(num, off, fmt.Sprintf("unsupported timestamp resolution 2^-%d", ifc.shift))
				}
			} else {
				exp := int(v)
				ifc.mul, ifc.div = 1, 1
				switch {
				case exp <= 9:
					for i := exp; i < 9; i++ {
						ifc.mul *= 10
					}
				case exp <= 28:
					for i := 9; i < exp; i++ {
						ifc.div *= 10
					}
				default:
					return r.src.formatError(num, off, fmt.Sprintf("unsupported timestamp resolution 10^-%d", exp))
				}
			}
		case code == optIfTsoffset && olen == 8:
			var sec uint64
			if r.be {
				sec = binary.BigEndian.Uint64(val)
			} else {
				sec = binary.LittleEndian.Uint64(val)
			}
			ifc.offset = int64(sec) * 1e9
		}
		opts = opts[4+padded:]
	}
	if !r.haveLink {
		r.link, r.haveLink = ifc.link, true
	}
	r.ifaces = append(r.ifaces, ifc)
	return nil
}

// packet fills f from an Enhanced, Simple or obsolete Packet Block body.
func (r *pcapngReader) packet(typ uint32, body []byte, f *Frame, num int, off int64) error {
	var (
		ifID            uint32
		ts              uint64
		caplen, wirelen uint32
		data            []byte
		hasTime         = true
	)
	switch typ {
	case blockEPB, blockOPB:
		if len(body) < 20 {
			return r.src.formatError(num, off, fmt.Sprintf("packet block too short (%d bytes)", len(body)+12))
		}
		if typ == blockEPB {
			ifID = r.u32(body[0:4])
		} else {
			ifID = uint32(r.u16(body[0:2]))
		}
		ts = uint64(r.u32(body[4:8]))<<32 | uint64(r.u32(body[8:12]))
		caplen, wirelen = r.u32(body[12:16]), r.u32(body[16:20])
		if caplen > MaxCaptureLen {
			return r.src.formatError(num, off, fmt.Sprintf("captured length %d exceeds the maximum of %d bytes", caplen, MaxCaptureLen))
		}
		if int(caplen) > len(body)-20 {
			return r.src.formatError(num, off, fmt.Sprintf("captured length %d runs past the end of the %d-byte block", caplen, len(body)+12))
		}
		data = body[20 : 20+caplen]
	case blockSPB:
		if len(body) < 4 {
			return r.src.formatError(num, off, fmt.Sprintf("simple packet block too short (%d bytes)", len(body)+12))
		}
		hasTime = false
		wirelen = r.u32(body[0:4])
		caplen = uint32(len(body) - 4)
		if wirelen < caplen {
			caplen = wirelen // the rest is padding
		}
		data = body[4 : 4+caplen]
	}
	if int(ifID) >= len(r.ifaces) {
		return r.src.formatError(num, off, fmt.Sprintf("packet on interface %d, but the section describes %d interfaces", ifID, len(r.ifaces)))
	}
	ifc := &r.ifaces[ifID]
	if typ == blockSPB && ifc.snap != 0 && caplen > ifc.snap {
		data = data[:ifc.snap]
	}
	if hasTime {
		r.lastTime = ifc.nanos(ts)
	}
	r.n = num
	f.TimeNanos = r.lastTime
	f.LinkType = ifc.link
	f.Data = data
	f.setWireLen(wirelen)
	f.Number = num
	f.Offset = off
	return nil
}
