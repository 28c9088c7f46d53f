package netflow

import (
	"encoding/binary"
	"net/netip"
)

// Builders of export datagrams for tests that need shapes the captures do
// not have.

func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func be64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func ip4(s string) []byte { a := netip.MustParseAddr(s).As4(); return a[:] }
func ip6(s string) []byte { a := netip.MustParseAddr(s).As16(); return a[:] }

// set frames a (flow)set body with its id and length.
func set(id uint16, body ...[]byte) []byte {
	b := cat(body...)
	return cat(be16(id), be16(uint16(len(b)+4)), b)
}

// tmpl is a template record: id, count, then (type, length) pairs.
func tmpl(id uint16, specs ...uint16) []byte {
	b := cat(be16(id), be16(uint16(len(specs)/2)))
	for _, s := range specs {
		b = append(b, be16(s)...)
	}
	return b
}

func v9Packet(uptimeMs, unixSecs, sourceID uint32, sets ...[]byte) []byte {
	return cat(be16(9), be16(uint16(len(sets))), be32(uptimeMs), be32(unixSecs), be32(1), be32(sourceID), cat(sets...))
}

func ipfixPacket(exportSecs, domain uint32, sets ...[]byte) []byte {
	body := cat(sets...)
	return cat(be16(10), be16(uint16(16+len(body))), be32(exportSecs), be32(1), be32(domain), body)
}

// v5Rec is one NetFlow v5 record's interesting fields.
type v5Rec struct {
	src, dst     string
	sport, dport uint16
	proto, flags uint8
	pkts, bytes  uint32
	first, last  uint32 // uptime ms
}

func v5Packet(uptimeMs, unixSecs uint32, rate uint16, recs ...v5Rec) []byte {
	b := cat(be16(5), be16(uint16(len(recs))), be32(uptimeMs), be32(unixSecs), be32(0), be32(7), []byte{0, 0}, be16(rate))
	for _, r := range recs {
		b = append(b, cat(ip4(r.src), ip4(r.dst), ip4("0.0.0.0"), be16(1), be16(2), be32(r.pkts), be32(r.bytes),
			be32(r.first), be32(r.last), be16(r.sport), be16(r.dport), []byte{0, r.flags, r.proto, 0}, be16(0), be16(0), []byte{24, 24}, be16(0))...)
	}
	return b
}
