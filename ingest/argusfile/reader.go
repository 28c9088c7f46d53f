package argusfile

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"tapdb/ingest/capture"
	"tapdb/schema"
)

// Record types (the high nibble of a record header's first byte) and the
// one version read (its low nibble).
const (
	typeMAR     = 0x80
	typeFAR     = 0x10
	typeIndex   = 0x20
	typeNetflow = 0x30
	typeEvent   = 0x40
	typeAFlow   = 0x50
	typeDataSup = 0x60
	typeArchive = 0x70
	version3    = 0x03
)

// headerLen is the size of a record header and of a DSR header.
const headerLen = 4

// FormatError is damage found in an Argus file: the file, the byte offset
// (of the decompressed stream) of the record that is bad, and what is
// wrong with it.
type FormatError struct {
	File   string
	Record int64 // 1-based number of the bad record (management records included)
	Offset int64
	Msg    string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("%s: record %d at offset %d: %s", e.File, e.Record, e.Offset, e.Msg)
}

// Detect tells whether head, the first bytes of a (decompressed) stream,
// begins an Argus 3 file: a version-3 management record of a plausible
// length. It needs headerLen bytes.
func Detect(head []byte) bool {
	if len(head) < headerLen {
		return false
	}
	if head[0] != typeMAR|version3 {
		return false
	}
	// A MAR of argus 3.0.8 is 32 words; accept any size that holds the
	// fixed part of a MAR and no more than one record can hold.
	n := binary.BigEndian.Uint16(head[2:4])
	return n >= 8
}

// DetectFile tells whether the file at path is an Argus 3 file, looking
// inside gzip. A file that cannot be opened is an error; one too short to
// tell is not an Argus file.
func DetectFile(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, fmt.Errorf("detect argus file: %w", err)
	}
	defer f.Close()
	r, err := NewReader(path, f)
	if err != nil {
		return false, nil
	}
	r.Close()
	return true, nil
}

// Stats counts what a Reader has read.
type Stats struct {
	Records    int64 // all records, management ones included
	Flows      int64 // flow records returned
	Management int64 // management records skipped
	Skipped    int64 // other records (events, index, supplemental) skipped
}

// Reader reads the flow records of one Argus file.
type Reader struct {
	name   string
	br     *bufio.Reader
	gz     *gzip.Reader
	closer io.Closer
	off    int64 // bytes of the (decompressed) stream consumed
	buf    []byte
	stats  Stats
	err    error // sticky: damage or EOF
}

// Open opens an Argus file ("-" is standard input), plain or gzip'd, and
// checks that it begins with an Argus 3 management record.
func Open(path string) (*Reader, error) {
	f, name, err := capture.OpenInput(path)
	if err != nil {
		return nil, fmt.Errorf("open argus file: %w", err)
	}
	r, err := NewReader(name, f)
	if err != nil {
		if f != os.Stdin {
			f.Close()
		}
		return nil, err
	}
	if f != os.Stdin {
		r.closer = f
	}
	return r, nil
}

// NewReader reads an Argus file from in; name is used in errors.
func NewReader(name string, in io.Reader) (*Reader, error) {
	r := &Reader{name: name, br: bufio.NewReaderSize(in, 64<<10)}
	head, err := r.br.Peek(headerLen)
	if capture.Detect(head) == capture.FormatGzip {
		gz, err := gzip.NewReader(r.br)
		if err != nil {
			return nil, r.errorf(0, "bad gzip header: %v", err)
		}
		r.gz = gz
		r.br = bufio.NewReaderSize(gz, 64<<10)
		head, err = r.br.Peek(headerLen)
		if len(head) < headerLen && err != nil && !errors.Is(err, io.EOF) {
			return nil, r.errorf(0, "reading gzip stream: %v", err)
		}
	} else if len(head) < headerLen && err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read argus file %s: %w", name, err)
	}
	if len(head) == 0 {
		return nil, r.errorf(0, "empty file: not an Argus file")
	}
	if !Detect(head) {
		return nil, r.errorf(0, "not an Argus 3 file (first bytes % x)", head)
	}
	return r, nil
}

// Name is the file name used in errors.
func (r *Reader) Name() string { return r.name }

// Offset is the number of bytes of the (decompressed) stream read so far.
func (r *Reader) Offset() int64 { return r.off }

// Stats is what has been read so far.
func (r *Reader) Stats() Stats { return r.stats }

// Close closes the file opened by Open.
func (r *Reader) Close() error {
	var errs []error
	if r.gz != nil {
		errs = append(errs, r.gz.Close())
	}
	if r.closer != nil {
		errs = append(errs, r.closer.Close())
	}
	return errors.Join(errs...)
}

func (r *Reader) errorf(off int64, format string, args ...any) *FormatError {
	return &FormatError{File: r.name, Record: r.stats.Records + 1, Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// Next reads the next flow record into rec, skipping management and other
// non-flow records. It returns io.EOF at the clean end of the file and a
// *FormatError at damage; after either it keeps returning the same error.
func (r *Reader) Next(rec *schema.Record) error {
	if r.err != nil {
		return r.err
	}
	for {
		body, typ, cause, start, err := r.readRecord()
		if err != nil {
			r.err = err
			return err
		}
		r.stats.Records++
		switch typ {
		case typeMAR:
			r.stats.Management++
			continue
		case typeFAR:
		default:
			r.stats.Skipped++
			continue
		}
		if err := decodeFAR(body, cause, rec); err != nil {
			r.stats.Records--
			r.err = r.errorf(start, "%v", err)
			return r.err
		}
		r.stats.Flows++
		return nil
	}
}

// readRecord reads one whole record; body excludes the header.
func (r *Reader) readRecord() (body []byte, typ, cause byte, start int64, err error) {
	start = r.off
	var h [headerLen]byte
	n, err := io.ReadFull(r.br, h[:])
	r.off += int64(n)
	switch {
	case err == io.EOF:
		return nil, 0, 0, start, io.EOF
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, 0, 0, start, r.errorf(start, "truncated record header (%d of %d bytes)", n, headerLen)
	case err != nil:
		return nil, 0, 0, start, r.errorf(start, "read: %v", err)
	}
	typ, cause = h[0]&0xf0, h[1]
	if v := h[0] & 0x0f; v != version3 {
		return nil, 0, 0, start, r.errorf(start, "record version %d, not 3 (header % x)", v, h)
	}
	words := int(binary.BigEndian.Uint16(h[2:4]))
	if words < 1 {
		return nil, 0, 0, start, r.errorf(start, "record length 0")
	}
	size := words*4 - headerLen
	if cap(r.buf) < size {
		r.buf = make([]byte, size)
	}
	body = r.buf[:size]
	n, err = io.ReadFull(r.br, body)
	r.off += int64(n)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, 0, 0, start, r.errorf(start, "truncated record: %d of %d bytes", n+headerLen, size+headerLen)
		}
		return nil, 0, 0, start, r.errorf(start, "read: %v", err)
	}
	return body, typ, cause, start, nil
}
