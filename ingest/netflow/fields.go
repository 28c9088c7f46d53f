package netflow

import "encoding/binary"

// reversePEN is the private enterprise number of RFC 5103's reverse
// information elements: enterprise 29305 with the forward element's id.
const reversePEN = 29305

// kind is what the decoder does with one template field. Templates are
// compiled to kinds once, so a data record is decoded by a switch on small
// integers.
type kind uint8

const (
	kSkip kind = iota
	kBytes
	kPkts
	kBytesTotal
	kPktsTotal
	kOutBytes
	kOutPkts
	kRevBytes
	kRevPkts
	kRevBytesTotal
	kRevPktsTotal
	kInitBytes
	kRespBytes
	kInitPkts
	kRespPkts
	kProto
	kTOS
	kRevTOS
	kTCPFlags
	kRevTCPFlags
	kSport
	kDport
	kSrc4
	kDst4
	kSrc6
	kDst6
	kICMP4 // type<<8|code, or a one-byte type
	kICMP6
	kICMPType4
	kICMPCode4
	kICMPType6
	kICMPCode6
	kIPVersion
	kSrcVlan
	kDstVlan
	kRevVlan
	kSrcMac
	kDstMac
	kOutDstMac
	kMPLS1
	kMinTTL
	kMaxTTL
	kRevMinTTL
	kRevMaxTTL
	kFirstUptime // ms since the exporter booted
	kLastUptime
	kStartSec
	kEndSec
	kStartMs
	kEndMs
	kStartUs // NTP format
	kEndUs
	kStartNs // NTP format
	kEndNs
	kStartDeltaUs // µs before the export time
	kEndDeltaUs
	kDurMs
	kDurUs
	kSysInitMs
	kSamplingInterval // packets: 1 of N
	kSamplerID
	kSelectorID
	kSamplingPktInterval
	kSamplingPktSpace
)

// kindOf maps an element (enterprise 0 or reversePEN) to its kind.
func kindOf(id uint16, pen uint32) kind {
	if pen == reversePEN {
		switch id {
		case 1:
			return kRevBytes
		case 2:
			return kRevPkts
		case 85:
			return kRevBytesTotal
		case 86:
			return kRevPktsTotal
		case 5:
			return kRevTOS
		case 6:
			return kRevTCPFlags
		case 58, 243:
			return kRevVlan
		case 52:
			return kRevMinTTL
		case 53:
			return kRevMaxTTL
		}
		return kSkip
	}
	if pen != 0 {
		return kSkip
	}
	switch id {
	case 1:
		return kBytes
	case 2:
		return kPkts
	case 4:
		return kProto
	case 5:
		return kTOS
	case 6:
		return kTCPFlags
	case 7:
		return kSport
	case 8:
		return kSrc4
	case 11:
		return kDport
	case 12:
		return kDst4
	case 21:
		return kLastUptime
	case 22:
		return kFirstUptime
	case 23:
		return kOutBytes
	case 24:
		return kOutPkts
	case 27:
		return kSrc6
	case 28:
		return kDst6
	case 32:
		return kICMP4
	case 34:
		return kSamplingInterval
	case 48:
		return kSamplerID
	case 50:
		return kSamplingInterval // samplerRandomInterval
	case 52:
		return kMinTTL
	case 53:
		return kMaxTTL
	case 56:
		return kSrcMac
	case 57:
		return kOutDstMac
	case 58, 243:
		return kSrcVlan
	case 59, 254:
		return kDstVlan
	case 60:
		return kIPVersion
	case 70:
		return kMPLS1
	case 80:
		return kDstMac
	case 85:
		return kBytesTotal
	case 86:
		return kPktsTotal
	case 139:
		return kICMP6
	case 150:
		return kStartSec
	case 151:
		return kEndSec
	case 152:
		return kStartMs
	case 153:
		return kEndMs
	case 154:
		return kStartUs
	case 155:
		return kEndUs
	case 156:
		return kStartNs
	case 157:
		return kEndNs
	case 158:
		return kStartDeltaUs
	case 159:
		return kEndDeltaUs
	case 160:
		return kSysInitMs
	case 161:
		return kDurMs
	case 162:
		return kDurUs
	case 176:
		return kICMPType4
	case 177:
		return kICMPCode4
	case 178:
		return kICMPType6
	case 179:
		return kICMPCode6
	case 231:
		return kInitBytes
	case 232:
		return kRespBytes
	case 298:
		return kInitPkts
	case 299:
		return kRespPkts
	case 302:
		return kSelectorID
	case 305:
		return kSamplingPktInterval
	case 306:
		return kSamplingPktSpace
	}
	return kSkip
}

// Bits of fields.have.
const (
	hBytes uint64 = 1 << iota
	hPkts
	hBytesTotal
	hPktsTotal
	hOutBytes
	hOutPkts
	hRevBytes
	hRevPkts
	hRevBytesTotal
	hRevPktsTotal
	hInitBytes
	hRespBytes
	hInitPkts
	hRespPkts
	hSrc4
	hDst4
	hSrc6
	hDst6
	hICMP
	hICMPType
	hICMPCode
	hIPVersion
	hSrcMac
	hDstMac
	hOutDstMac
	hTTL
	hMaxTTL
	hRevTTL
	hRevMaxTTL
	hRevTOS
	hRevFlags
	hFirstUptime
	hLastUptime
	hStart
	hEnd
	hStartDelta
	hEndDelta
	hDur
	hSysInit
	hSampling
	hSamplerID
	hSelectorID
	hPktInterval
	hPktSpace
	hSport
	hDport
)

// fields is one decoded data record before it becomes a schema.Record.
// Counts are as exported (not yet multiplied by the sampling rate).
type fields struct {
	have uint64

	bytes, pkts           uint64
	bytesTotal, pktsTotal uint64
	outBytes, outPkts     uint64
	revBytes, revPkts     uint64
	revBytesT, revPktsT   uint64
	initBytes, respBytes  uint64
	initPkts, respPkts    uint64

	src4, dst4 [4]byte
	src6, dst6 [16]byte
	ipVersion  uint8

	proto             uint8
	tos, revTOS       uint8
	flags, revFlags   uint8
	sport, dport      uint16
	icmp              uint16 // type<<8 | code
	icmpType, icmpCod uint8

	svlan, dvlan, rvlan uint16
	smac, dmac, odmac   [6]byte
	mpls                uint32
	ttl, maxTTL         uint8
	revTTL, revMaxTTL   uint8

	firstUp, lastUp uint32 // ms of exporter uptime
	startNs, endNs  int64  // Unix ns
	startDeltaUs    uint64
	endDeltaUs      uint64
	durNs           int64
	sysInitMs       uint64

	sampling              uint64
	samplerID, selectorID uint64
	pktInterval, pktSpace uint64
}

// beUint reads a big-endian unsigned integer of 1 to 8 bytes (IPFIX allows
// reduced-size encoding); longer values keep their last 8 bytes.
func beUint(b []byte) uint64 {
	switch len(b) {
	case 0:
		return 0
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(binary.BigEndian.Uint16(b))
	case 4:
		return uint64(binary.BigEndian.Uint32(b))
	case 8:
		return binary.BigEndian.Uint64(b)
	}
	if len(b) > 8 {
		b = b[len(b)-8:]
	}
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// ntpToUnixNs converts a 64-bit NTP timestamp (seconds since 1900, 32-bit
// fraction) to Unix nanoseconds; micro rounds to the microsecond, as
// dateTimeMicroseconds ignores the low 11 bits of the fraction.
func ntpToUnixNs(v uint64, micro bool) int64 {
	const ntpEpochOffset = 2208988800
	sec := int64(v>>32) - ntpEpochOffset
	frac := ((v&0xffffffff)*1_000_000_000 + 1<<31) >> 32 // rounded to the nanosecond
	if micro {
		frac = (frac + 500) / 1000 * 1000
	}
	return sec*1_000_000_000 + int64(frac)
}

// set applies one field's value to f.
func (f *fields) set(k kind, b []byte) {
	switch k {
	case kBytes:
		f.bytes, f.have = beUint(b), f.have|hBytes
	case kPkts:
		f.pkts, f.have = beUint(b), f.have|hPkts
	case kBytesTotal:
		f.bytesTotal, f.have = beUint(b), f.have|hBytesTotal
	case kPktsTotal:
		f.pktsTotal, f.have = beUint(b), f.have|hPktsTotal
	case kOutBytes:
		f.outBytes, f.have = beUint(b), f.have|hOutBytes
	case kOutPkts:
		f.outPkts, f.have = beUint(b), f.have|hOutPkts
	case kRevBytes:
		f.revBytes, f.have = beUint(b), f.have|hRevBytes
	case kRevPkts:
		f.revPkts, f.have = beUint(b), f.have|hRevPkts
	case kRevBytesTotal:
		f.revBytesT, f.have = beUint(b), f.have|hRevBytesTotal
	case kRevPktsTotal:
		f.revPktsT, f.have = beUint(b), f.have|hRevPktsTotal
	case kInitBytes:
		f.initBytes, f.have = beUint(b), f.have|hInitBytes
	case kRespBytes:
		f.respBytes, f.have = beUint(b), f.have|hRespBytes
	case kInitPkts:
		f.initPkts, f.have = beUint(b), f.have|hInitPkts
	case kRespPkts:
		f.respPkts, f.have = beUint(b), f.have|hRespPkts
	case kProto:
		f.proto = uint8(beUint(b))
	case kTOS:
		f.tos = uint8(beUint(b))
	case kRevTOS:
		f.revTOS, f.have = uint8(beUint(b)), f.have|hRevTOS
	case kTCPFlags:
		f.flags = uint8(beUint(b)) // the low byte of the 16-bit tcpControlBits
	case kRevTCPFlags:
		f.revFlags, f.have = uint8(beUint(b)), f.have|hRevFlags
	case kSport:
		f.sport, f.have = uint16(beUint(b)), f.have|hSport
	case kDport:
		f.dport, f.have = uint16(beUint(b)), f.have|hDport
	case kSrc4:
		if len(b) == 4 {
			copy(f.src4[:], b)
			f.have |= hSrc4
		}
	case kDst4:
		if len(b) == 4 {
			copy(f.dst4[:], b)
			f.have |= hDst4
		}
	case kSrc6:
		if len(b) == 16 {
			copy(f.src6[:], b)
			f.have |= hSrc6
		}
	case kDst6:
		if len(b) == 16 {
			copy(f.dst6[:], b)
			f.have |= hDst6
		}
	case kICMP4, kICMP6:
		if len(b) == 1 { // some exporters send only the type
			f.icmp = uint16(b[0]) << 8
		} else {
			f.icmp = uint16(beUint(b))
		}
		f.have |= hICMP
	case kICMPType4, kICMPType6:
		f.icmpType, f.have = uint8(beUint(b)), f.have|hICMPType
	case kICMPCode4, kICMPCode6:
		f.icmpCod, f.have = uint8(beUint(b)), f.have|hICMPCode
	case kIPVersion:
		f.ipVersion, f.have = uint8(beUint(b)), f.have|hIPVersion
	case kSrcVlan:
		if v := uint16(beUint(b)) & 0x0fff; v != 0 {
			f.svlan = v
		}
	case kDstVlan:
		if v := uint16(beUint(b)) & 0x0fff; v != 0 {
			f.dvlan = v
		}
	case kRevVlan:
		if v := uint16(beUint(b)) & 0x0fff; v != 0 {
			f.rvlan = v
		}
	case kSrcMac:
		if len(b) == 6 {
			copy(f.smac[:], b)
			f.have |= hSrcMac
		}
	case kDstMac:
		if len(b) == 6 {
			copy(f.dmac[:], b)
			f.have |= hDstMac
		}
	case kOutDstMac:
		if len(b) == 6 {
			copy(f.odmac[:], b)
			f.have |= hOutDstMac
		}
	case kMPLS1:
		if len(b) >= 3 {
			f.mpls = uint32(b[0])<<12 | uint32(b[1])<<4 | uint32(b[2])>>4
		}
	case kMinTTL:
		f.ttl, f.have = uint8(beUint(b)), f.have|hTTL
	case kMaxTTL:
		f.maxTTL, f.have = uint8(beUint(b)), f.have|hMaxTTL
	case kRevMinTTL:
		f.revTTL, f.have = uint8(beUint(b)), f.have|hRevTTL
	case kRevMaxTTL:
		f.revMaxTTL, f.have = uint8(beUint(b)), f.have|hRevMaxTTL
	case kFirstUptime:
		f.firstUp, f.have = uint32(beUint(b)), f.have|hFirstUptime
	case kLastUptime:
		f.lastUp, f.have = uint32(beUint(b)), f.have|hLastUptime
	case kStartSec:
		f.startNs, f.have = int64(beUint(b)&0xffffffff)*1e9, f.have|hStart
	case kEndSec:
		f.endNs, f.have = int64(beUint(b)&0xffffffff)*1e9, f.have|hEnd
	case kStartMs:
		f.startNs, f.have = msToNs(beUint(b)), f.have|hStart
	case kEndMs:
		f.endNs, f.have = msToNs(beUint(b)), f.have|hEnd
	case kStartUs, kStartNs:
		if len(b) == 8 {
			f.startNs, f.have = ntpToUnixNs(beUint(b), k == kStartUs), f.have|hStart
		}
	case kEndUs, kEndNs:
		if len(b) == 8 {
			f.endNs, f.have = ntpToUnixNs(beUint(b), k == kEndUs), f.have|hEnd
		}
	case kStartDeltaUs:
		f.startDeltaUs, f.have = beUint(b), f.have|hStartDelta
	case kEndDeltaUs:
		f.endDeltaUs, f.have = beUint(b), f.have|hEndDelta
	case kDurMs:
		f.durNs, f.have = int64(beUint(b)&0xffffffff)*1e6, f.have|hDur
	case kDurUs:
		f.durNs, f.have = int64(beUint(b)&0xffffffff)*1e3, f.have|hDur
	case kSysInitMs:
		f.sysInitMs, f.have = beUint(b), f.have|hSysInit
	case kSamplingInterval:
		f.sampling, f.have = beUint(b), f.have|hSampling
	case kSamplerID:
		f.samplerID, f.have = beUint(b), f.have|hSamplerID
	case kSelectorID:
		f.selectorID, f.have = beUint(b), f.have|hSelectorID
	case kSamplingPktInterval:
		f.pktInterval, f.have = beUint(b), f.have|hPktInterval
	case kSamplingPktSpace:
		f.pktSpace, f.have = beUint(b), f.have|hPktSpace
	}
}

// msToNs converts milliseconds since the epoch to nanoseconds, clamping
// values that would overflow (year 2262) to the largest representable time.
func msToNs(ms uint64) int64 {
	const maxMs = (1<<63 - 1) / 1_000_000
	if ms > maxMs {
		ms = maxMs
	}
	return int64(ms) * 1e6
}
