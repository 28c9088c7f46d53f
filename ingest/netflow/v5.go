package netflow

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"time"
)

const (
	v5HeaderLen = 24
	v5RecordLen = 48
	v5MaxCount  = 30 // Cisco's limit; larger counts are decoded as far as the datagram goes
)

// decodeV5 decodes a NetFlow v5 datagram: a 24-byte header and count
// 48-byte records.
func (d *Decoder) decodeV5(exporter netip.AddrPort, b []byte, recv time.Time) error {
	st := &d.stats.V5
	st.Datagrams++
	if len(b) < v5HeaderLen {
		st.Malformed++
		return &DecodeError{Exporter: exporter, Version: 5, Offset: len(b), Msg: fmt.Sprintf("header truncated: %d of %d bytes", len(b), v5HeaderLen)}
	}
	count := int(binary.BigEndian.Uint16(b[2:]))
	h := header{
		version:  5,
		uptimeMs: binary.BigEndian.Uint32(b[4:]),
		exportNs: int64(binary.BigEndian.Uint32(b[8:]))*1e9 + int64(binary.BigEndian.Uint32(b[12:])%1e9),
		exporter: exporter,
		recv:     recv,
		rate:     uint64(binary.BigEndian.Uint16(b[22:]) & 0x3fff),
	}
	var derr error
	avail := (len(b) - v5HeaderLen) / v5RecordLen
	if count > avail {
		st.Malformed++
		derr = &DecodeError{Exporter: exporter, Version: 5, Offset: v5HeaderLen + avail*v5RecordLen,
			Msg: fmt.Sprintf("header counts %d records, datagram holds %d", count, avail)}
		count = avail
	}
	var f fields
	for i := range count {
		r := b[v5HeaderLen+i*v5RecordLen:][:v5RecordLen]
		f = fields{have: hSrc4 | hDst4 | hBytes | hPkts | hFirstUptime | hLastUptime | hSport | hDport}
		copy(f.src4[:], r[0:4])
		copy(f.dst4[:], r[4:8])
		f.pkts = uint64(binary.BigEndian.Uint32(r[16:]))
		f.bytes = uint64(binary.BigEndian.Uint32(r[20:]))
		f.firstUp = binary.BigEndian.Uint32(r[24:])
		f.lastUp = binary.BigEndian.Uint32(r[28:])
		f.sport = binary.BigEndian.Uint16(r[32:])
		f.dport = binary.BigEndian.Uint16(r[34:])
		f.flags = r[37]
		f.proto = r[38]
		f.tos = r[39]
		if err := d.record(&f, &h, nil); err != nil {
			return err
		}
	}
	return derr
}
