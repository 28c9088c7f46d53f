package collector

import "encoding/binary"

// DefaultPorts are the UDP ports exporters commonly send to: 2055 (NetFlow),
// 4739 (IPFIX, IANA), 9995 and 9996 (common NetFlow choices).
var DefaultPorts = []uint16{2055, 4739, 9995, 9996}

// LooksLikeExport reports whether a UDP payload is shaped like a NetFlow v5,
// v9 or IPFIX datagram: its version field is 5, 9 or 10 and its header
// agrees with its length (v5: 24 + 48·count bytes; IPFIX: the message
// length; v9: a first flowset whose id is a template, options template or
// data set id and whose length fits). It is the auto-detection used for
// captures whose export port is not a known one.
func LooksLikeExport(p []byte) bool {
	if len(p) < 16 {
		return false
	}
	switch binary.BigEndian.Uint16(p) {
	case 5:
		n := int(binary.BigEndian.Uint16(p[2:]))
		return n >= 1 && n <= 30 && len(p) == 24+48*n
	case 9:
		if len(p) < 24 {
			return false
		}
		id := binary.BigEndian.Uint16(p[20:])
		l := int(binary.BigEndian.Uint16(p[22:]))
		return (id <= 1 || id >= 256) && l >= 4 && l <= len(p)-20
	case 10:
		if int(binary.BigEndian.Uint16(p[2:])) != len(p) || len(p) < 20 {
			return false
		}
		id := binary.BigEndian.Uint16(p[16:])
		l := int(binary.BigEndian.Uint16(p[18:]))
		return (id == 2 || id == 3 || id >= 256) && l >= 4 && l <= len(p)-16
	}
	return false
}
