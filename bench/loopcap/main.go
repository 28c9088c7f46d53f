package main

import (
	"container/heap"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	var (
		in     = flag.String("in", "", "input capture (classic pcap, Ethernet)")
		out    = flag.String("out", "", "output pcap")
		copies = flag.Int("copies", 1500, "number of copies of the input")
		shift  = flag.Duration("shift", time.Second, "time between the starts of consecutive copies")
	)
	flag.Parse()
	if err := run(*in, *out, *copies, *shift); err != nil {
		fmt.Fprintln(os.Stderr, "loopcap:", err)
		os.Exit(1)
	}
}

func run(in, out string, copies int, shift time.Duration) error {
	if in == "" || out == "" {
		return errors.New("-in and -out are required")
	}
	if copies < 1 || shift < 0 {
		return errors.New("-copies must be at least 1 and -shift not negative")
	}
	c, err := readPcap(in)
	if err != nil {
		return err
	}
	if len(c.packets) == 0 {
		return fmt.Errorf("%s: no packets", in)
	}
	if c.linkType != 1 {
		return fmt.Errorf("%s: link type %d: only Ethernet (1) captures are rewritten", in, c.linkType)
	}
	rw, err := newRewriter(c, copies)
	if err != nil {
		return err
	}

	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w, err := newPcapWriter(f, c.linkType, c.snaplen)
	if err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", out, err)
	}
	n, err := writeCopies(w, c, rw, copies, int64(shift))
	if err == nil {
		err = w.flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	span := time.Duration(c.packets[len(c.packets)-1].nanos - c.packets[0].nanos)
	overlap := copies
	if shift > 0 {
		overlap = min(copies, int(span/shift)+1)
	}
	fmt.Printf("%d packets = %d copies of %d, %d IPv4 and %d IPv6 addresses per copy, copies %v apart, up to %d copies overlapping (input spans %v)\n",
		n, copies, len(c.packets), len(rw.v4), len(rw.v6), shift, overlap, span.Round(time.Millisecond))
	return nil
}

// writeCopies merges the shifted copies in time order.
func writeCopies(w *pcapWriter, c *capture, rw *rewriter, copies int, shift int64) (int64, error) {
	h := make(cursorHeap, copies)
	for i := range h {
		h[i] = cursor{copy: i, nanos: c.packets[0].nanos + int64(i)*shift}
	}
	heap.Init(&h)
	buf := make([]byte, 0, 1<<16)
	var n int64
	for len(h) > 0 {
		cur := &h[0]
		p := &c.packets[cur.next]
		buf = append(buf[:0], p.data...)
		rw.rewrite(buf, cur.copy)
		if err := w.write(cur.nanos, p.origLen, buf); err != nil {
			return n, err
		}
		n++
		cur.next++
		if cur.next == len(c.packets) {
			heap.Pop(&h)
			continue
		}
		cur.nanos = c.packets[cur.next].nanos + int64(cur.copy)*shift
		heap.Fix(&h, 0)
	}
	return n, nil
}

// cursor is the next packet of one copy.
type cursor struct {
	copy  int
	next  int   // index into the input's packets
	nanos int64 // its shifted time
}

// cursorHeap orders copies by their next packet's time, then copy number.
type cursorHeap []cursor

func (h cursorHeap) Len() int { return len(h) }
func (h cursorHeap) Less(i, j int) bool {
	if h[i].nanos != h[j].nanos {
		return h[i].nanos < h[j].nanos
	}
	return h[i].copy < h[j].copy
}
func (h cursorHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)   { *h = append(*h, x.(cursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
