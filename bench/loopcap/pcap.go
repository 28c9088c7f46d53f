package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
)

// packet is one captured frame of the input.
type packet struct {
	nanos   int64 // capture time, Unix nanoseconds
	origLen uint32
	data    []byte
}

// capture is a whole classic pcap file held in memory.
type capture struct {
	linkType uint32
	snaplen  uint32
	packets  []packet // in time order
}

// readPcap reads a classic pcap (either byte order, micro- or nanosecond
// timestamps) into memory and sorts its packets by time, keeping the file
// order of equal times.
func readPcap(path string) (*capture, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parsePcap(path, bufio.NewReaderSize(f, 1<<20))
}

// parsePcap reads a classic pcap from r; path names it in errors.
func parsePcap(path string, r io.Reader) (*capture, error) {
	var hdr [24]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, fmt.Errorf("%s: pcap header: %w", path, err)
	}
	var (
		bo    binary.ByteOrder
		nanos bool
	)
	switch binary.LittleEndian.Uint32(hdr[0:4]) {
	case 0xa1b2c3d4:
		bo = binary.LittleEndian
	case 0xa1b23c4d:
		bo, nanos = binary.LittleEndian, true
	case 0xd4c3b2a1:
		bo = binary.BigEndian
	case 0x4d3cb2a1:
		bo, nanos = binary.BigEndian, true
	default:
		return nil, fmt.Errorf("%s: not a classic pcap file (magic %x)", path, hdr[0:4])
	}
	c := &capture{snaplen: bo.Uint32(hdr[16:20]), linkType: bo.Uint32(hdr[20:24]) & 0x0fffffff}
	for n := 1; ; n++ {
		var rh [16]byte
		if _, err := io.ReadFull(r, rh[:]); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("%s: packet %d header: %w", path, n, err)
		}
		capLen := bo.Uint32(rh[8:12])
		if capLen > 1<<18 {
			return nil, fmt.Errorf("%s: packet %d: captured length %d too large", path, n, capLen)
		}
		p := packet{origLen: bo.Uint32(rh[12:16]), data: make([]byte, capLen)}
		if _, err := io.ReadFull(r, p.data); err != nil {
			return nil, fmt.Errorf("%s: packet %d data: %w", path, n, err)
		}
		frac := int64(bo.Uint32(rh[4:8]))
		if !nanos {
			frac *= 1000
		}
		p.nanos = int64(bo.Uint32(rh[0:4]))*1e9 + frac
		c.packets = append(c.packets, p)
	}
	sort.SliceStable(c.packets, func(i, j int) bool { return c.packets[i].nanos < c.packets[j].nanos })
	return c, nil
}

// pcapWriter writes a little-endian, microsecond classic pcap.
type pcapWriter struct {
	w   *bufio.Writer
	hdr [16]byte
}

func newPcapWriter(w io.Writer, linkType, snaplen uint32) (*pcapWriter, error) {
	bw := bufio.NewWriterSize(w, 4<<20)
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:4], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:6], 2)
	binary.LittleEndian.PutUint16(h[6:8], 4)
	binary.LittleEndian.PutUint32(h[16:20], snaplen)
	binary.LittleEndian.PutUint32(h[20:24], linkType)
	if _, err := bw.Write(h[:]); err != nil {
		return nil, err
	}
	return &pcapWriter{w: bw}, nil
}

func (pw *pcapWriter) write(nanos int64, origLen uint32, data []byte) error {
	binary.LittleEndian.PutUint32(pw.hdr[0:4], uint32(nanos/1e9))
	binary.LittleEndian.PutUint32(pw.hdr[4:8], uint32(nanos%1e9/1000))
	binary.LittleEndian.PutUint32(pw.hdr[8:12], uint32(len(data)))
	binary.LittleEndian.PutUint32(pw.hdr[12:16], origLen)
	if _, err := pw.w.Write(pw.hdr[:]); err != nil {
		return err
	}
	_, err := pw.w.Write(data)
	return err
}

func (pw *pcapWriter) flush() error { return pw.w.Flush() }
