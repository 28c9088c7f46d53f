package flow

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"tapdb/ingest/decode"
	"tapdb/schema"
)

// base is the capture time the synthetic packets start at.
const base = int64(1_700_000_000) * int64(time.Second)

func at(sec float64) int64 { return base + int64(sec*1e9) }

func addr(t testing.TB, s string) decode.Addr {
	t.Helper()
	a, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatalf("bad address %q: %v", s, err)
	}
	return decode.Addr(a.As16())
}

var (
	macA = [6]byte{2, 0, 0, 0, 0, 1}
	macB = [6]byte{2, 0, 0, 0, 0, 2}
)

// macOf gives every address its own MAC, so both directions of a flow
// carry the same MAC pair.
func macOf(a decode.Addr) [6]byte { return [6]byte{2, 0, a[12], a[13], a[14], a[15]} }

// ip builds an Ethernet IPv4 or IPv6 packet from src to dst.
func ip(t testing.TB, sec float64, src, dst string, proto uint8, wire int) decode.Packet {
	t.Helper()
	p := decode.Packet{
		TimeNanos: at(sec), WireLen: wire,
		Encaps: decode.EncEthernet, HasMAC: true,
		Src: addr(t, src), Dst: addr(t, dst), Proto: proto, TTL: 64,
	}
	p.SrcMAC, p.DstMAC = macOf(p.Src), macOf(p.Dst)
	if p.Src.IsIPv4() {
		p.Net, p.EtherType = decode.NetIPv4, etherIPv4
	} else {
		p.Net, p.EtherType = decode.NetIPv6, etherIPv6
	}
	return p
}

func tcpP(t testing.TB, sec float64, src string, sp uint16, dst string, dp uint16, flags uint8, seq uint32, payload int) decode.Packet {
	p := ip(t, sec, src, dst, protoTCP, 54+payload)
	p.HasPorts, p.SrcPort, p.DstPort = true, sp, dp
	p.IsTCP, p.TCPFlags, p.TCPSeq, p.TCPWindow = true, flags, seq, 1000
	p.PayloadLen = payload
	return p
}

// acked sets the acknowledgement number of a TCP packet.
func acked(p decode.Packet, ack uint32) decode.Packet {
	p.TCPAck = ack
	return p
}

func udpP(t testing.TB, sec float64, src string, sp uint16, dst string, dp uint16, payload int) decode.Packet {
	p := ip(t, sec, src, dst, protoUDP, 42+payload)
	p.HasPorts, p.SrcPort, p.DstPort = true, sp, dp
	p.PayloadLen = payload
	return p
}

func dnsP(t testing.TB, sec float64, src string, sp uint16, dst string, dp uint16, id uint16) decode.Packet {
	p := udpP(t, sec, src, sp, dst, dp, 40)
	p.HasDNSID, p.DNSID = true, id
	return p
}

func icmpP(t testing.TB, sec float64, src, dst string, typ, code uint8, id, seq uint16) decode.Packet {
	p := ip(t, sec, src, dst, protoICMP, 98)
	if !p.Src.IsIPv4() {
		p.Proto = protoICMPv6
	}
	p.IsICMP, p.ICMPType, p.ICMPCode, p.ICMPID, p.ICMPSeq = true, typ, code, id, seq
	p.PayloadLen = 56
	return p
}

// icmpErr builds an ICMP error from src to dst quoting a packet
// innerSrc:isp -> innerDst:idp of protocol iproto.
func icmpErr(t testing.TB, sec float64, src, dst string, typ, code uint8, iproto uint8, innerSrc string, isp uint16, innerDst string, idp uint16) decode.Packet {
	p := icmpP(t, sec, src, dst, typ, code, 0, 0)
	p.WireLen = 70
	p.HasInner, p.InnerSrc, p.InnerDst, p.InnerProto = true, addr(t, innerSrc), addr(t, innerDst), iproto
	if iproto == protoTCP || iproto == protoUDP {
		p.InnerHasPorts, p.InnerSrcPort, p.InnerDstPort = true, isp, idp
	}
	return p
}

func arpP(t testing.TB, sec float64, op uint16, sender, target string, smac, dmac [6]byte) decode.Packet {
	return decode.Packet{
		TimeNanos: at(sec), WireLen: 42, Encaps: decode.EncEthernet, HasMAC: true,
		SrcMAC: smac, DstMAC: dmac, EtherType: etherARP, Net: decode.NetARP,
		Src: addr(t, sender), Dst: addr(t, target), ARPOp: op,
	}
}

// collector runs packets through a table and keeps copies of the records.
type collector struct {
	recs []schema.Record
}

func (c *collector) emit(r *schema.Record) error {
	c.recs = append(c.recs, *r)
	return nil
}

func run(t testing.TB, cfg Config, pkts []decode.Packet) []schema.Record {
	t.Helper()
	var c collector
	tb := NewTable(cfg, c.emit)
	for i := range pkts {
		if err := tb.Add(&pkts[i]); err != nil {
			t.Fatalf("Add packet %d: %v", i, err)
		}
	}
	if err := tb.Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	return c.recs
}

// raPort prints a port the way ra -n does: ICMP (IPv4) in hex, the source
// as type|code<<8 and the destination byte-swapped.
func raPort(r *schema.Record, v int32, dst bool) string {
	if !r.HasPorts {
		return ""
	}
	if r.Proto == "icmp" {
		u := uint16(v)
		if dst {
			u = u>>8 | u<<8
		}
		return fmt.Sprintf("0x%04x", u)
	}
	return fmt.Sprint(v)
}

// row formats a record like
// ra -n -s proto saddr sport dir daddr dport spkts dpkts state flgs cause -c ,
// with dir and flgs trimmed.
func row(r *schema.Record) string {
	return strings.Join([]string{
		r.Proto, r.Saddr, raPort(r, r.Sport, false), r.Dir, r.Daddr, raPort(r, r.Dport, true),
		fmt.Sprint(r.Spkts), fmt.Sprint(r.Dpkts), r.State, r.Flgs, r.Cause,
	}, ",")
}

func rows(recs []schema.Record) []string {
	out := make([]string, len(recs))
	for i := range recs {
		out[i] = row(&recs[i])
	}
	return out
}
