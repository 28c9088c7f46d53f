package capture

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"
)

// MaxCaptureLen is the largest captured length of one packet a reader
// accepts. Real snap lengths are at most 256 KiB (libpcap's maximum); a
// larger captured length means the file is damaged.
const MaxCaptureLen = 256 << 10

// Reader reads the packets of one capture file in order.
type Reader interface {
	// Next fills f with the next packet. It returns io.EOF at the clean end
	// of the file and a *FormatError when the file is damaged. f.Data is
	// valid only until the next call.
	Next(f *Frame) error
	// LinkType is the link type of the pcap file header or of the first
	// pcapng interface (0 if no interface has been seen).
	LinkType() uint32
	// Close releases the file (standard input is left open).
	Close() error
}

// Magic numbers of the formats Open recognises.
const (
	magicGzip0     byte   = 0x1f
	magicGzip1     byte   = 0x8b
	magicMicro     uint32 = 0xa1b2c3d4
	magicNano      uint32 = 0xa1b23c4d
	magicKuznetzov uint32 = 0xa1b2cd34
	magicPcapngSHB uint32 = 0x0a0d0d0a
)

// Format is a capture file format, as Detect tells it from a file's first
// bytes.
type Format uint8

const (
	FormatUnknown   Format = iota // not a capture, or too short to tell
	FormatPcap                    // classic pcap: micro- or nanosecond timestamps, either byte order
	FormatPcapng                  // pcapng (its section header type reads the same in both orders)
	FormatGzip                    // gzip: a compressed capture is expected inside
	FormatKuznetzov               // modified (Kuznetzov) pcap: recognised, and refused by Open
)

func (f Format) String() string {
	switch f {
	case FormatPcap:
		return "pcap"
	case FormatPcapng:
		return "pcapng"
	case FormatGzip:
		return "gzip"
	case FormatKuznetzov:
		return "Kuznetzov pcap"
	}
	return "unknown"
}

// MagicLen is how many first bytes of a file Detect needs.
const MagicLen = 4

// Detect tells a capture file's format from its first bytes: the magic
// numbers of pcap (micro- and nanosecond, both byte orders), pcapng, gzip
// (two bytes suffice) and Kuznetzov's pcap. Open and ra -r both decide
// with it whether a file is a capture.
func Detect(head []byte) Format {
	if len(head) >= 2 && head[0] == magicGzip0 && head[1] == magicGzip1 {
		return FormatGzip
	}
	if len(head) < MagicLen {
		return FormatUnknown
	}
	le := binary.LittleEndian.Uint32(head)
	be := binary.BigEndian.Uint32(head)
	switch {
	case le == magicMicro || le == magicNano || be == magicMicro || be == magicNano:
		return FormatPcap
	case le == magicPcapngSHB:
		return FormatPcapng
	case le == magicKuznetzov || be == magicKuznetzov:
		return FormatKuznetzov
	}
	return FormatUnknown
}

// DetectFile tells the format of the file at path from its first bytes
// (see Detect). A file shorter than MagicLen bytes is an error: it is
// neither a capture nor anything else tapdb reads.
func DetectFile(path string) (Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return FormatUnknown, fmt.Errorf("detect capture format: %w", err)
	}
	defer f.Close()
	var head [MagicLen]byte
	if n, err := io.ReadFull(f, head[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return FormatUnknown, fmt.Errorf("detect capture format of %s: file of %d bytes is too short", path, n)
		}
		return FormatUnknown, fmt.Errorf("detect capture format of %s: %w", path, err)
	}
	return Detect(head[:]), nil
}

// bufferedReadLen is the size of the read buffer over the file.
const bufferedReadLen = 64 << 10

// Open opens a capture file ("-" is standard input), detects its format from
// its first bytes and reads its file header. An empty file, or one that is
// neither pcap, pcapng nor gzip, is refused with a *FormatError.
func Open(path string) (Reader, error) {
	return open(path, false)
}

// open is Open, hashing the file's bytes as they are read when hash is
// set (see identify).
func open(path string, hash bool) (Reader, error) {
	f, name, err := OpenInput(path)
	if err != nil {
		return nil, fmt.Errorf("opening capture: %w", err)
	}
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	var closer io.Closer = f
	if f == os.Stdin {
		closer = nil
	}
	var in io.Reader = f
	var hr *HashReader
	if hash {
		hr = NewHashReader(f)
		in = hr
	}
	r, err := newReader(name, in, size, closer)
	if err != nil {
		if closer != nil {
			f.Close()
		}
		return nil, err
	}
	if hr != nil {
		s := r.(framer).source()
		s.hash, s.regular = hr, size >= 0
	}
	return r, nil
}

// OpenInput opens the input file at path for the loading commands'
// readers: "-" is standard input (named "stdin", which the caller must not
// close), anything else the file, named by its path.
func OpenInput(path string) (f *os.File, name string, err error) {
	if path == "-" {
		return os.Stdin, "stdin", nil
	}
	f, err = os.Open(path)
	return f, path, err
}

// framer is what both readers are: a Reader over a source.
type framer interface {
	Reader
	source() *source
}

func (r *pcapReader) source() *source   { return r.src }
func (r *pcapngReader) source() *source { return r.src }

// identify ends the hashing of a reader opened with hash set and returns
// the identity of its file: of every byte of a regular file (the bytes
// after a damaged part are read too), of the bytes read from a pipe or
// standard input. ok is false for a reader opened without hash.
func identify(r Reader) (id Identity, ok bool, err error) {
	f, isFramer := r.(framer)
	if !isFramer || f.source().hash == nil {
		return Identity{}, false, nil
	}
	s := f.source()
	id, err = s.hash.Sum(s.regular)
	if err != nil {
		return Identity{}, false, fmt.Errorf("identify %s: %w", s.name, err)
	}
	return id, true, nil
}

// NewReader reads a capture from r, which need not be a file; name is used in
// errors. If r has a Size method (bytes.Reader, strings.Reader) captured
// lengths are checked against the bytes left before they are read.
func NewReader(name string, r io.Reader) (Reader, error) {
	size := int64(-1)
	if s, ok := r.(interface{ Size() int64 }); ok {
		size = s.Size()
	}
	return newReader(name, r, size, nil)
}

func newReader(name string, r io.Reader, size int64, closer io.Closer) (Reader, error) {
	src := &source{name: name, r: bufio.NewReaderSize(r, bufferedReadLen), size: size, closer: closer}
	head, err := src.r.Peek(4)
	if len(head) == 0 {
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("reading capture %s: %w", name, err)
		}
		return nil, src.formatError(0, 0, "empty file: not a capture")
	}
	if Detect(head) == FormatGzip {
		gz, err := gzip.NewReader(src.r)
		if err != nil {
			return nil, src.formatError(0, 0, "bad gzip header: "+err.Error())
		}
		src.gz = gz
		src.r = bufio.NewReaderSize(gz, bufferedReadLen)
		src.size = -1
		head, err = src.r.Peek(4)
		if len(head) == 0 {
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, src.formatError(0, 0, "reading gzip stream: "+err.Error())
			}
			return nil, src.formatError(0, 0, "empty gzip stream: not a capture")
		}
	}
	if len(head) < MagicLen {
		return nil, src.formatError(0, 0, fmt.Sprintf("file of %d bytes is too short for a capture header", len(head)))
	}
	switch Detect(head) {
	case FormatPcap:
		return newPcapReader(src)
	case FormatPcapng:
		return newPcapngReader(src)
	case FormatKuznetzov:
		return nil, src.formatError(0, 0, "modified (Kuznetzov) pcap format is not supported")
	}
	return nil, src.formatError(0, 0, fmt.Sprintf("unknown file format (first bytes % x): not pcap, pcapng or gzip", head))
}

// source is the byte stream under a reader: it counts the offset and knows,
// when it can, how many bytes are left.
type source struct {
	name   string
	r      *bufio.Reader
	off    int64 // bytes consumed so far (decompressed)
	size   int64 // total bytes, -1 if unknown (pipes, gzip)
	gz     *gzip.Reader
	closer io.Closer
	// hash, when set, hashes the file's bytes (under gzip) as they are
	// read; regular says the file is a regular file (not a pipe).
	hash    *HashReader
	regular bool
}

// readFull reads len(b) bytes. It returns the count read and io.EOF only if
// nothing was read, io.ErrUnexpectedEOF on a short read.
func (s *source) readFull(b []byte) (int, error) {
	n, err := io.ReadFull(s.r, b)
	s.off += int64(n)
	return n, err
}

func (s *source) discard(n int64) (int64, error) {
	var done int64
	for n > 0 {
		step := n
		if step > 1<<30 {
			step = 1 << 30
		}
		d, err := s.r.Discard(int(step))
		done += int64(d)
		s.off += int64(d)
		n -= int64(d)
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// remaining is the number of bytes left, or -1 if unknown.
func (s *source) remaining() int64 {
	if s.size < 0 {
		return -1
	}
	if s.off > s.size {
		return 0
	}
	return s.size - s.off
}

func (s *source) formatError(packet int, off int64, msg string) *FormatError {
	return &FormatError{File: s.name, Packet: packet, Offset: off, Msg: msg}
}

// readError turns an error from readFull or discard into a *FormatError for
// truncation and damaged compressed data, and wraps other I/O errors.
func (s *source) readError(packet int, off int64, what string, got, want int64, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return s.formatError(packet, off, fmt.Sprintf("truncated %s: %d of %d bytes before end of file", what, got, want))
	}
	if s.gz != nil {
		return s.formatError(packet, off, fmt.Sprintf("reading %s: damaged gzip stream: %v", what, err))
	}
	return fmt.Errorf("reading %s of %s packet %d at offset %d: %w", what, s.name, packet, off, err)
}

func (s *source) close() error {
	if s.hash != nil {
		s.hash.Close()
	}
	var err error
	if s.gz != nil {
		err = s.gz.Close()
	}
	if s.closer != nil {
		if cerr := s.closer.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	return err
}

// grow returns buf resliced to n bytes, reallocating only when it is too small.
func grow(buf []byte, n int) []byte {
	if cap(buf) >= n {
		return buf[:n]
	}
	c := 2 * cap(buf)
	if c < n {
		c = n
	}
	if c < 2048 {
		c = 2048
	}
	return make([]byte, n, c)
}

// OpenAll opens every capture before any is read, so that a file that is
// not a capture is refused before anything is done with the others. On an
// error the readers already opened are closed.
func OpenAll(paths []string) ([]Reader, error) {
	return openReaders(paths, false)
}

func openReaders(paths []string, hash bool) ([]Reader, error) {
	readers := make([]Reader, 0, len(paths))
	for _, p := range paths {
		r, err := open(p, hash)
		if err != nil {
			CloseAll(readers)
			return nil, fmt.Errorf("open capture: %w", err)
		}
		readers = append(readers, r)
	}
	return readers, nil
}

// CloseAll closes every reader.
func CloseAll(readers []Reader) {
	for _, r := range readers {
		r.Close()
	}
}

// ReadError is the error Next returned for the capture at path, ready to
// report: a *FormatError already names the file, packet and offset; any
// other error gets the file's name.
func ReadError(path string, err error) error {
	var fe *FormatError
	if errors.As(err, &fe) {
		return err
	}
	return fmt.Errorf("read %s: %w", path, err)
}
