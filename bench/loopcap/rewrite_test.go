package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"testing"
)

// sum16 is the one's-complement sum of b (odd length padded with zero).
func sum16(b []byte) uint32 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	return s
}

func fold(s uint32) uint16 {
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}

// checksumsOK verifies from scratch the IPv4 header checksum and, for a
// whole unfragmented packet, the TCP/UDP checksum. It reports how many it
// checked and whether all were valid.
func checksumsOK(frame []byte) (checked int, ok bool) {
	l3, et, found := network(frame)
	if !found || et != etherIPv4 {
		return 0, true
	}
	p := frame[l3:]
	if len(p) < 20 || p[0]>>4 != 4 {
		return 0, true
	}
	ihl := int(p[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(p[2:4]))
	if len(p) < ihl || ihl < 20 {
		return 0, true
	}
	checked++
	ok = fold(sum16(p[:ihl])) == 0xffff
	if binary.BigEndian.Uint16(p[6:8])&0x3fff != 0 || len(p) < total || total < ihl {
		return checked, ok
	}
	l4 := p[ihl:total]
	switch {
	case p[9] == 6 && len(l4) >= 20, p[9] == 17 && len(l4) >= 8 && (l4[6]|l4[7]) != 0:
		pseudo := sum16(p[12:20]) + uint32(p[9]) + uint32(len(l4))
		checked++
		ok = ok && fold(pseudo+sum16(l4)) == 0xffff
	}
	return checked, ok
}

func TestRewriteKeepsChecksums(t *testing.T) {
	c, err := readPcap("../../testdata/pcaps/ndpi-gnutella-mixed.pcap")
	if err != nil {
		t.Fatal(err)
	}
	rw, err := newRewriter(c, 2000)
	if err != nil {
		t.Fatal(err)
	}
	var checked int
	for i, p := range c.packets {
		if _, ok := checksumsOK(p.data); !ok {
			continue // already wrong in the input
		}
		frame := append([]byte(nil), p.data...)
		rw.rewrite(frame, 1999)
		n, ok := checksumsOK(frame)
		if !ok {
			t.Fatalf("packet %d: checksum wrong after rewriting", i+1)
		}
		checked += n
	}
	if checked < 3000 {
		t.Errorf("only %d checksums checked", checked)
	}
}

func TestRewriteAddressesDistinct(t *testing.T) {
	c, err := readPcap("../../testdata/pcaps/ndpi-gnutella-mixed.pcap")
	if err != nil {
		t.Fatal(err)
	}
	const copies = 50
	rw, err := newRewriter(c, copies)
	if err != nil {
		t.Fatal(err)
	}
	seen := make(map[[4]byte]bool)
	for orig := range rw.v4 {
		for n := range copies {
			a := orig
			rw.map4(a[:], n)
			if seen[a] {
				t.Fatalf("address %v given twice", a)
			}
			if a[0] != 10 {
				t.Fatalf("address %v outside 10.0.0.0/8", a)
			}
			seen[a] = true
		}
	}
	if len(seen) != copies*len(rw.v4) {
		t.Errorf("%d addresses, want %d", len(seen), copies*len(rw.v4))
	}
	if _, err := newRewriter(c, 1<<24); err == nil {
		t.Error("2^24 copies accepted: IPv4 addresses cannot fit")
	}
}

// FuzzRewrite feeds arbitrary pcap files through the reader and the
// rewriter: neither may panic, and rewriting keeps every frame's length.
func FuzzRewrite(f *testing.F) {
	for _, name := range []string{"ndpi-gnutella-mixed.pcap", "pcapplusplus-vlan-8021q.pcap", "zeek-icmpv6-mixed.pcap", "ipfixprobe-arp.pcap"} {
		b, err := os.ReadFile("../../testdata/pcaps/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 4096)])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := parsePcap("fuzz", bytes.NewReader(b))
		if err != nil {
			return
		}
		rw, err := newRewriter(c, 3)
		if err != nil {
			return
		}
		for _, p := range c.packets {
			frame := append([]byte(nil), p.data...)
			rw.rewrite(frame, 2)
			if len(frame) != len(p.data) {
				t.Fatalf("frame length changed")
			}
		}
	})
}
