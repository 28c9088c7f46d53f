package main

import (
	"encoding/binary"
	"fmt"
)

const (
	etherIPv4 = 0x0800
	etherIPv6 = 0x86dd
	etherARP  = 0x0806
	etherVLAN = 0x8100
	etherQinQ = 0x88a8
)

// rewriter gives each copy of the capture its own unicast addresses.
type rewriter struct {
	v4 map[[4]byte]uint32 // distinct unicast IPv4 address → its index k
	v6 map[[16]byte]uint64
}

// newRewriter indexes the capture's unicast addresses and checks that the
// copies' addresses fit: IPv4 copies live in 10.0.0.0/8.
func newRewriter(c *capture, copies int) (*rewriter, error) {
	rw := &rewriter{v4: make(map[[4]byte]uint32), v6: make(map[[16]byte]uint64)}
	for i := range c.packets {
		rw.visit(c.packets[i].data,
			func(a []byte) {
				k := [4]byte(a)
				if _, ok := rw.v4[k]; !ok && unicast4(a) {
					rw.v4[k] = uint32(len(rw.v4))
				}
			},
			func(a []byte) {
				k := [16]byte(a)
				if _, ok := rw.v6[k]; !ok && unicast6(a) {
					rw.v6[k] = uint64(len(rw.v6))
				}
			})
	}
	if n := uint64(copies) * uint64(len(rw.v4)); n > 1<<24 {
		return nil, fmt.Errorf("%d copies of %d IPv4 addresses do not fit in 10.0.0.0/8", copies, len(rw.v4))
	}
	return rw, nil
}

func unicast4(a []byte) bool {
	if a[0] >= 224 {
		return false // multicast, reserved, broadcast
	}
	return a[0]|a[1]|a[2]|a[3] != 0
}

func unicast6(a []byte) bool {
	if a[0] == 0xff {
		return false
	}
	for _, b := range a {
		if b != 0 {
			return true
		}
	}
	return false
}

// visit finds the network-layer addresses of an Ethernet frame and calls v4
// or v6 on each (source first). The slices alias the frame.
func (rw *rewriter) visit(frame []byte, v4, v6 func(a []byte)) {
	l3, etype, ok := network(frame)
	if !ok {
		return
	}
	p := frame[l3:]
	switch etype {
	case etherIPv4:
		if len(p) >= 20 && p[0]>>4 == 4 {
			v4(p[12:16])
			v4(p[16:20])
		}
	case etherIPv6:
		if len(p) >= 40 && p[0]>>4 == 6 {
			v6(p[8:24])
			v6(p[24:40])
		}
	case etherARP:
		if len(p) >= 28 && binary.BigEndian.Uint16(p[2:4]) == etherIPv4 && p[4] == 6 && p[5] == 4 {
			v4(p[14:18])
			v4(p[24:28])
		}
	}
}

// network returns the offset and EtherType of an Ethernet frame's network
// layer, skipping 802.1Q / 802.1ad tags.
func network(frame []byte) (int, uint16, bool) {
	off := 12
	for {
		if len(frame) < off+2 {
			return 0, 0, false
		}
		et := binary.BigEndian.Uint16(frame[off : off+2])
		if et == etherVLAN || et == etherQinQ {
			off += 4
			continue
		}
		return off + 2, et, true
	}
}

// rewrite gives frame (a private copy) the addresses of copy n and fixes
// the checksums that cover them.
func (rw *rewriter) rewrite(frame []byte, n int) {
	l3, etype, ok := network(frame)
	if !ok {
		return
	}
	p := frame[l3:]
	switch etype {
	case etherIPv4:
		if len(p) < 20 || p[0]>>4 != 4 {
			return
		}
		var old [8]byte
		copy(old[:], p[12:20])
		rw.map4(p[12:16], n)
		rw.map4(p[16:20], n)
		fixSum(p[10:12], old[:], p[12:20])
		ihl := int(p[0]&0x0f) * 4
		fragOff := binary.BigEndian.Uint16(p[6:8]) & 0x1fff
		if fragOff != 0 || ihl < 20 || len(p) < ihl {
			return
		}
		fixL4(p[9], p[ihl:], old[:], p[12:20])
	case etherIPv6:
		if len(p) < 40 || p[0]>>4 != 6 {
			return
		}
		var old [32]byte
		copy(old[:], p[8:40])
		rw.map6(p[8:24], n)
		rw.map6(p[24:40], n)
		fixL4(p[6], p[40:], old[:], p[8:40])
	case etherARP:
		if len(p) >= 28 && binary.BigEndian.Uint16(p[2:4]) == etherIPv4 && p[4] == 6 && p[5] == 4 {
			rw.map4(p[14:18], n)
			rw.map4(p[24:28], n)
		}
	}
}

// map4 replaces a unicast IPv4 address by 10.0.0.0 + n*K + k.
func (rw *rewriter) map4(a []byte, n int) {
	k, ok := rw.v4[[4]byte(a)]
	if !ok {
		return
	}
	binary.BigEndian.PutUint32(a, 0x0a000000+uint32(n)*uint32(len(rw.v4))+k)
}

// map6 replaces a unicast IPv6 address by fd00::(n*K + k).
func (rw *rewriter) map6(a []byte, n int) {
	k, ok := rw.v6[[16]byte(a)]
	if !ok {
		return
	}
	clear(a)
	a[0] = 0xfd
	binary.BigEndian.PutUint64(a[8:], uint64(n)*uint64(len(rw.v6))+k)
}

// fixL4 updates the TCP, UDP or ICMPv6 checksum of a transport header whose
// pseudo-header addresses changed from old to new.
func fixL4(proto byte, l4, old, new []byte) {
	switch proto {
	case 6:
		if len(l4) >= 18 {
			fixSum(l4[16:18], old, new)
		}
	case 17:
		if len(l4) >= 8 && (l4[6]|l4[7]) != 0 { // 0: no checksum (IPv4)
			fixSum(l4[6:8], old, new)
			if l4[6]|l4[7] == 0 {
				l4[6], l4[7] = 0xff, 0xff
			}
		}
	case 58:
		if len(l4) >= 4 {
			fixSum(l4[2:4], old, new)
		}
	}
}

// fixSum updates the 16-bit one's-complement checksum at sum for 16-bit
// words changed from old to new (RFC 1624: HC' = ~(~HC + ~m + m')).
func fixSum(sum, old, new []byte) {
	s := uint32(^binary.BigEndian.Uint16(sum))
	for i := 0; i+1 < len(old); i += 2 {
		s += uint32(^binary.BigEndian.Uint16(old[i:]))
		s += uint32(binary.BigEndian.Uint16(new[i:]))
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	binary.BigEndian.PutUint16(sum, ^uint16(s))
}
