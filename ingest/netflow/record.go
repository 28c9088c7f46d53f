package netflow

import (
	"encoding/binary"
	"net"
	"net/netip"
	"time"

	"tapdb/schema"
	"tapdb/schema/names"
)

// IP protocol numbers the decoder treats specially.
const (
	protoICMP    = 1
	protoTCP     = 6
	protoUDP     = 17
	protoDCCP    = 33
	protoICMPv6  = 58
	protoSCTP    = 132
	protoUDPLite = 136
)

// build makes the record of one decoded flow; ok is false when the record
// has no usable addresses.
func (d *Decoder) build(f *fields, h *header, ds *domainState) (*schema.Record, bool) {
	r := &schema.Record{}
	v6 := false
	switch {
	case f.have&hIPVersion != 0 && (f.ipVersion == 4 || f.ipVersion == 6):
		v6 = f.ipVersion == 6
		if v6 && f.have&(hSrc6|hDst6) == 0 || !v6 && f.have&(hSrc4|hDst4) == 0 {
			return nil, false
		}
	case f.have&(hSrc6|hDst6) != 0 && (f.src6 != [16]byte{} || f.dst6 != [16]byte{}):
		v6 = true
	case f.have&(hSrc4|hDst4) != 0:
	case f.have&(hSrc6|hDst6) != 0:
		v6 = true
	default:
		return nil, false
	}
	var sa, da netip.Addr
	if v6 {
		sa, da = netip.AddrFrom16(f.src6), netip.AddrFrom16(f.dst6)
		r.EType = 0x86dd
		r.SaddrHi, r.SaddrLo = binary.BigEndian.Uint64(f.src6[:8]), binary.BigEndian.Uint64(f.src6[8:])
		r.DaddrHi, r.DaddrLo = binary.BigEndian.Uint64(f.dst6[:8]), binary.BigEndian.Uint64(f.dst6[8:])
	} else {
		sa, da = netip.AddrFrom4(f.src4), netip.AddrFrom4(f.dst4)
		r.EType = 0x0800
		r.SaddrLo = 0xffff<<32 | uint64(binary.BigEndian.Uint32(f.src4[:]))
		r.DaddrLo = 0xffff<<32 | uint64(binary.BigEndian.Uint32(f.dst4[:]))
	}
	r.HasAddrNum = true
	r.Saddr, r.Daddr = d.names.name(sa), d.names.name(da)

	r.PNum = int32(f.proto)
	r.Proto = names.ProtoName(f.proto)
	switch f.proto {
	case protoTCP, protoUDP, protoSCTP, protoDCCP, protoUDPLite:
		r.Sport, r.Dport, r.HasPorts = int32(f.sport), int32(f.dport), true
	case protoICMP, protoICMPv6:
		typ, code := icmpTypeCode(f)
		if f.proto == protoICMP {
			r.Sport = int32(typ) | int32(code)<<8
		} else {
			r.Sport, r.Dport = int32(typ), int32(code)
		}
		r.HasPorts = true
	}

	// Counts.
	rate := samplingRate(f, h, ds)
	spkts, sbytes := f.pkts, f.bytes
	switch {
	case f.have&hPkts != 0 || f.have&hBytes != 0:
	case f.have&(hPktsTotal|hBytesTotal) != 0:
		spkts, sbytes = f.pktsTotal, f.bytesTotal
	case f.have&(hInitPkts|hInitBytes) != 0:
		spkts, sbytes = f.initPkts, f.initBytes
	default:
		spkts, sbytes = f.outPkts, f.outBytes
	}
	dpkts, dbytes := f.revPkts, f.revBytes
	switch {
	case f.have&(hRevPkts|hRevBytes) != 0:
	case f.have&(hRevPktsTotal|hRevBytesTotal) != 0:
		dpkts, dbytes = f.revPktsT, f.revBytesT
	case f.have&(hRespPkts|hRespBytes) != 0:
		dpkts, dbytes = f.respPkts, f.respBytes
	}
	r.Spkts, r.Sbytes = scale(spkts, rate), scale(sbytes, rate)
	r.Dpkts, r.Dbytes = scale(dpkts, rate), scale(dbytes, rate)

	// Per-side attributes.
	r.Stos = f.tos
	r.STCPFlags = f.flags
	if f.have&hTTL != 0 {
		r.Sttl, r.HasSttl = f.ttl, true
	} else if f.have&hMaxTTL != 0 {
		r.Sttl, r.HasSttl = f.maxTTL, true
	}
	if r.Dpkts > 0 {
		r.Dtos = f.revTOS
		r.DTCPFlags = f.revFlags
		if f.have&hRevTTL != 0 {
			r.Dttl, r.HasDttl = f.revTTL, true
		} else if f.have&hRevMaxTTL != 0 {
			r.Dttl, r.HasDttl = f.revMaxTTL, true
		}
	}
	if f.have&hSrcMac != 0 {
		r.Smac = d.names.mac(f.smac)
	}
	if f.have&hDstMac != 0 {
		r.Dmac = d.names.mac(f.dmac)
	} else if f.have&hOutDstMac != 0 {
		r.Dmac = d.names.mac(f.odmac)
	}
	if f.svlan != 0 {
		r.Svlan, r.HasSvlan = f.svlan, true
	}
	if f.dvlan != 0 {
		r.Dvlan, r.HasDvlan = f.dvlan, true
	} else if f.rvlan != 0 {
		r.Dvlan, r.HasDvlan = f.rvlan, true
	}
	if f.mpls != 0 {
		r.Smpls, r.HasSmpls = f.mpls, true
	}

	r.Stime, r.Ltime = flowTimes(f, h, ds)
	r.Flgs = "N"
	r.Cause = "Start"
	r.Trans = 1
	r.Srcid = d.cfg.Srcid
	if r.Srcid == "" {
		r.Srcid = d.names.name(h.exporter.Addr())
	}
	finish(r)
	return r, true
}

// scale multiplies a count by the sampling rate, saturating.
func scale(v, rate uint64) int64 {
	const maxCount = 1<<63 - 1
	if v == 0 {
		return 0
	}
	if rate > 1 && v > maxCount/rate {
		return maxCount
	}
	v *= rate
	if v > maxCount {
		return maxCount
	}
	return int64(v)
}

// icmpTypeCode returns the ICMP type and code of a record: from the ICMP
// elements, else from the destination port (type<<8 | code, the v5/v9
// convention).
func icmpTypeCode(f *fields) (typ, code uint8) {
	switch {
	case f.have&hICMP != 0 && (f.icmp != 0 || f.have&hDport == 0 || f.dport == 0):
		return uint8(f.icmp >> 8), uint8(f.icmp)
	case f.have&(hICMPType|hICMPCode) != 0:
		return f.icmpType, f.icmpCod
	}
	return uint8(f.dport >> 8), uint8(f.dport)
}

// flowTimes converts the record's time elements to absolute times.
func flowTimes(f *fields, h *header, ds *domainState) (stime, ltime time.Time) {
	sysInit, hasInit := f.sysInitMs, f.have&hSysInit != 0
	if !hasInit && ds != nil && ds.sysInitMs != 0 {
		sysInit, hasInit = ds.sysInitMs, true
	}
	uptimeAtExport, hasUptime := h.uptimeMs, h.version != 10
	if !hasUptime && hasInit {
		// IPFIX: the uptime at export is the export time since boot.
		uptimeAtExport, hasUptime = uint32((h.exportNs-msToNs(sysInit))/1e6), true
	}
	// The int32 difference from the uptime at export handles the 49.7-day
	// wrap of the 32-bit millisecond counters and small clock skew.
	uptime := func(ms uint32) (int64, bool) {
		return h.exportNs - int64(int32(uptimeAtExport-ms))*1e6, hasUptime
	}
	var s, e int64
	var hs, he bool
	switch {
	case f.have&hStart != 0:
		s, hs = f.startNs, true
	case f.have&hStartDelta != 0:
		s, hs = h.exportNs-int64(min(f.startDeltaUs, 1<<40))*1e3, true
	case f.have&hFirstUptime != 0:
		s, hs = uptime(f.firstUp)
	}
	switch {
	case f.have&hEnd != 0:
		e, he = f.endNs, true
	case f.have&hEndDelta != 0:
		e, he = h.exportNs-int64(min(f.endDeltaUs, 1<<40))*1e3, true
	case f.have&hLastUptime != 0:
		e, he = uptime(f.lastUp)
	}
	switch {
	case hs && !he:
		e = s
		if f.have&hDur != 0 {
			e = s + f.durNs
		}
	case he && !hs:
		s = e
		if f.have&hDur != 0 {
			s = e - f.durNs
		}
	case !hs && !he:
		s, e = h.exportNs, h.exportNs
	}
	if e < s {
		e = s
	}
	return time.Unix(0, s).UTC(), time.Unix(0, e).UTC()
}

// addrNames interns address and MAC strings: flows repeat addresses, and a
// string per record and side would be most of the decoder's allocation.
// Each map is dropped and restarted when it reaches maxAddrNames, made at
// that size at once: with many distinct addresses (a busy exporter), growing
// it entry by entry from empty cost more than formatting the addresses.
type addrNames struct {
	m    map[netip.Addr]string
	macs map[[6]byte]string
}

const maxAddrNames = 1 << 14

func (n *addrNames) mac(m [6]byte) string {
	if s, ok := n.macs[m]; ok {
		return s
	}
	if n.macs == nil || len(n.macs) >= maxAddrNames {
		n.macs = make(map[[6]byte]string, maxAddrNames)
	}
	s := net.HardwareAddr(m[:]).String()
	n.macs[m] = s
	return s
}

func (n *addrNames) name(a netip.Addr) string {
	if s, ok := n.m[a]; ok {
		return s
	}
	if n.m == nil || len(n.m) >= maxAddrNames {
		n.m = make(map[netip.Addr]string, maxAddrNames)
	}
	s := a.String()
	n.m[a] = s
	return s
}
