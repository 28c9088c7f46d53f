package netflowtest

import (
	"encoding/binary"
	"math/rand/v2"
	"time"
)

// V5Datagrams makes n NetFlow v5 datagrams of 30 UDP records each, with
// pseudo-random addresses and counts (seeded, so runs repeat), flow times
// around export time at. Tests and benchmarks use them to send volume.
func V5Datagrams(n int, at time.Time, seed uint64) []Datagram {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]Datagram, n)
	uptime := uint32(100000)
	for d := range out {
		b := make([]byte, 24+30*48)
		binary.BigEndian.PutUint16(b[0:], 5)
		binary.BigEndian.PutUint16(b[2:], 30)
		binary.BigEndian.PutUint32(b[4:], uptime)
		binary.BigEndian.PutUint32(b[8:], uint32(at.Unix()))
		binary.BigEndian.PutUint32(b[16:], uint32(d*30))
		for i := 0; i < 30; i++ {
			rec := b[24+48*i:]
			binary.BigEndian.PutUint32(rec[0:], r.Uint32())            // srcaddr
			binary.BigEndian.PutUint32(rec[4:], r.Uint32())            // dstaddr
			binary.BigEndian.PutUint32(rec[16:], 1+r.Uint32N(100))     // packets
			binary.BigEndian.PutUint32(rec[20:], 64+r.Uint32N(100000)) // octets
			binary.BigEndian.PutUint32(rec[24:], uptime-2000)          // first
			binary.BigEndian.PutUint32(rec[28:], uptime-1000)          // last
			binary.BigEndian.PutUint16(rec[32:], uint16(1+r.Uint32N(65535)))
			binary.BigEndian.PutUint16(rec[34:], 443)
			rec[38] = 17 // UDP
			rec[44], rec[45] = 24, 24
		}
		out[d] = Datagram{Payload: b}
	}
	return out
}
