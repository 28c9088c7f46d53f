package live

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/net/bpf"
)

// Compile compiles a capture filter in tcpdump (pcap-filter) syntax for
// Ethernet frames into a classic BPF program that returns snaplen for a
// matching packet and 0 otherwise. The program is the one libpcap's
// compiler (unoptimised) builds, test by test, for this subset:
//
//	ip, ip6, arp, rarp, tcp, udp, sctp, icmp, icmp6, igmp
//	[ip|ip6|arp|rarp] [src|dst|src or dst|src and dst] host ADDR   (IPv4 or IPv6)
//	[ip|ip6|arp|rarp] [src|dst|…] net CIDR | net ADDR mask MASK
//	[tcp|udp|sctp] [src|dst|…] port N | portrange N-M             (numbers)
//	[ip|ip6] proto N | tcp | udp | icmp | …
//	ether [src|dst] host MAC, ether broadcast, ether multicast
//	less N, greater N
//	and (&&), or (||), not (!), parentheses; a bare value after and/or
//	takes the qualifiers of the primitive before it ("host a or b").
//
// Not supported (an error says so): packet-offset expressions such as
// tcp[13] & 2 != 0, vlan/mpls (which shift later offsets), service names
// for ports, host names, gateway, and the other link types.
func Compile(expr string, snaplen int) ([]bpf.RawInstruction, error) {
	toks, err := lex(expr)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	var n node = always{}
	if len(toks) > 0 {
		n, err = p.expr()
		if err != nil {
			return nil, err
		}
		if p.pos < len(p.toks) {
			return nil, fmt.Errorf("filter %q: unexpected %q", expr, p.toks[p.pos])
		}
	}
	g := &gen{}
	t, f := g.label(), g.label()
	n.emit(g, t, f)
	g.place(t)
	g.raw(bpf.RetConstant{Val: uint32(snaplen)})
	g.place(f)
	g.raw(bpf.RetConstant{Val: 0})
	prog, err := g.assemble()
	if err != nil {
		return nil, fmt.Errorf("filter %q: %w", expr, err)
	}
	return bpf.Assemble(prog)
}

// ---- lexer ----

func lex(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '(' || c == ')':
			out = append(out, string(c))
			i++
		case c == '!':
			out = append(out, "not")
			i++
		case strings.HasPrefix(s[i:], "&&"):
			out = append(out, "and")
			i += 2
		case strings.HasPrefix(s[i:], "||"):
			out = append(out, "or")
			i += 2
		case c == '[' || c == ']' || c == '&' || c == '|' || c == '=' || c == '<' || c == '>':
			return nil, fmt.Errorf("filter %q: packet-offset expressions (%q) are not supported", s, string(c))
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n()!&|[]=<>", rune(s[j])) {
				j++
			}
			if j == i { // cannot happen with the cases above; never loop
				return nil, fmt.Errorf("filter %q: unexpected %q", s, c)
			}
			out = append(out, s[i:j])
			i = j
		}
	}
	return out, nil
}

// ---- parser ----

type parser struct {
	toks []string
	pos  int
	last qual // qualifiers of the previous primitive
}

type qual struct {
	proto, dir, typ string
}

func (p *parser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *parser) next() string {
	t := p.peek()
	p.pos++
	return t
}

func (p *parser) expr() (node, error) {
	n, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peek() == "or" {
		p.next()
		m, err := p.and()
		if err != nil {
			return nil, err
		}
		n = or{n, m}
	}
	return n, nil
}

func (p *parser) and() (node, error) {
	n, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.peek() == "and" {
		p.next()
		m, err := p.unary()
		if err != nil {
			return nil, err
		}
		n = and{n, m}
	}
	return n, nil
}

func (p *parser) unary() (node, error) {
	switch p.peek() {
	case "not":
		p.next()
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		return not{n}, nil
	case "(":
		p.next()
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, fmt.Errorf("missing )")
		}
		return n, nil
	case "":
		return nil, fmt.Errorf("filter ends early")
	}
	return p.primitive()
}

var protoWords = map[string]bool{"ip": true, "ip6": true, "arp": true, "rarp": true, "tcp": true, "udp": true, "sctp": true,
	"icmp": true, "icmp6": true, "igmp": true, "ether": true}

func (p *parser) primitive() (node, error) {
	var q qual
	if protoWords[p.peek()] {
		q.proto = p.next()
	}
	switch p.peek() {
	case "src", "dst":
		q.dir = p.next()
		if (p.peek() == "or" || p.peek() == "and") && p.pos+1 < len(p.toks) && (p.toks[p.pos+1] == "src" || p.toks[p.pos+1] == "dst") {
			q.dir += " " + p.next() + " " + p.next()
		}
	}
	switch p.peek() {
	case "host", "net", "port", "portrange", "proto":
		q.typ = p.next()
	case "less", "greater":
		if q.proto != "" || q.dir != "" {
			return nil, fmt.Errorf("%s takes no qualifier", p.peek())
		}
		kw := p.next()
		n, err := strconv.ParseUint(p.next(), 0, 32)
		if err != nil {
			return nil, fmt.Errorf("%s: want a number", kw)
		}
		if kw == "less" {
			return not{test{pre: []bpf.Instruction{bpf.LoadExtension{Num: bpf.ExtLen}}, cond: bpf.JumpGreaterThan, val: uint32(n)}}, nil
		}
		return test{pre: []bpf.Instruction{bpf.LoadExtension{Num: bpf.ExtLen}}, cond: bpf.JumpGreaterOrEqual, val: uint32(n)}, nil
	case "broadcast", "multicast":
		if q.proto != "ether" || q.dir != "" {
			return nil, fmt.Errorf("only ether %s is supported", p.peek())
		}
		if p.next() == "broadcast" {
			return and{test{pre: ld(2, 4), cond: bpf.JumpEqual, val: 0xffffffff}, test{pre: ld(0, 2), cond: bpf.JumpEqual, val: 0xffff}}, nil
		}
		return test{pre: ld(0, 1), cond: bpf.JumpBitsSet, val: 1}, nil
	}
	if q.typ == "" && q.dir == "" {
		if q.proto != "" {
			if q.proto == "ether" {
				return nil, fmt.Errorf("ether needs host, src, dst, broadcast or multicast")
			}
			p.last = qual{}
			return protoOnly(q.proto), nil
		}
		// A bare value: the previous primitive's qualifiers.
		if p.last.typ == "" {
			switch w := p.peek(); w {
			case "vlan", "mpls", "pppoes", "gateway", "inbound", "outbound", "ifname", "len":
				return nil, fmt.Errorf("%q is not supported", w)
			}
			return nil, fmt.Errorf("unknown word %q", p.peek())
		}
		q = p.last
	}
	if q.typ == "" {
		if q.proto == "ether" {
			q.typ = "host"
		} else {
			q.typ = "host" // "src 10.0.0.1" means src host
		}
	}
	val := p.next()
	if val == "" {
		return nil, fmt.Errorf("%s wants a value", q.typ)
	}
	p.last = q
	switch q.typ {
	case "host":
		if q.proto == "ether" {
			return etherHost(q.dir, val)
		}
		a, err := netip.ParseAddr(val)
		if err != nil {
			return nil, fmt.Errorf("host %q: want an IP address (host names are not resolved)", val)
		}
		return netNode(q, netip.PrefixFrom(a, a.BitLen()))
	case "net":
		var pfx netip.Prefix
		var err error
		if p.peek() == "mask" {
			p.next()
			pfx, err = maskPrefix(val, p.next())
		} else if strings.Contains(val, "/") {
			pfx, err = netip.ParsePrefix(val)
		} else {
			var a netip.Addr
			a, err = netip.ParseAddr(val)
			pfx = netip.PrefixFrom(a, a.BitLen())
		}
		if err != nil {
			return nil, fmt.Errorf("net %q: %v", val, err)
		}
		if pfx.Masked() != pfx {
			return nil, fmt.Errorf("net %s: non-network bits set", val)
		}
		return netNode(q, pfx)
	case "port", "portrange":
		lo, hi, err := portRange(q.typ, val)
		if err != nil {
			return nil, err
		}
		return portNode(q, lo, hi)
	case "proto":
		n, err := strconv.ParseUint(val, 0, 8)
		if err != nil {
			names := map[string]uint64{"tcp": 6, "udp": 17, "icmp": 1, "icmp6": 58, "sctp": 132, "igmp": 2}
			var ok bool
			if n, ok = names[strings.TrimPrefix(val, "\\")]; !ok {
				return nil, fmt.Errorf("proto %q: want a number", val)
			}
		}
		switch q.proto {
		case "ip":
			return ip4Proto(uint32(n)), nil
		case "ip6":
			return ip6Proto(uint32(n)), nil
		case "":
			return or{ip4Proto(uint32(n)), ip6Proto(uint32(n))}, nil
		}
		return nil, fmt.Errorf("%s proto is not supported", q.proto)
	}
	return nil, fmt.Errorf("unsupported primitive")
}

func portRange(typ, v string) (uint32, uint32, error) {
	if typ == "port" {
		n, err := strconv.ParseUint(v, 10, 16)
		if err != nil {
			return 0, 0, fmt.Errorf("port %q: want a number (service names are not supported)", v)
		}
		return uint32(n), uint32(n), nil
	}
	a, b, ok := strings.Cut(v, "-")
	lo, err1 := strconv.ParseUint(a, 10, 16)
	hi, err2 := strconv.ParseUint(b, 10, 16)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("portrange %q: want N-M", v)
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	return uint32(lo), uint32(hi), nil
}

func maskPrefix(addr, mask string) (netip.Prefix, error) {
	a, err := netip.ParseAddr(addr)
	if err != nil || !a.Is4() {
		return netip.Prefix{}, fmt.Errorf("want an IPv4 address")
	}
	m, err := netip.ParseAddr(mask)
	if err != nil || !m.Is4() {
		return netip.Prefix{}, fmt.Errorf("mask %q: want an IPv4 mask", mask)
	}
	b := m.As4()
	ones, bits := net.IPMask(b[:]).Size()
	if bits == 0 {
		return netip.Prefix{}, fmt.Errorf("mask %q is not contiguous", mask)
	}
	return netip.PrefixFrom(a, ones), nil
}

// ---- semantics (offsets for Ethernet frames, as libpcap) ----

const (
	etherIPv4 = 0x0800
	etherIPv6 = 0x86dd
	etherARP  = 0x0806
	etherRARP = 0x8035
)

func ld(off, size int) []bpf.Instruction {
	return []bpf.Instruction{bpf.LoadAbsolute{Off: uint32(off), Size: size}}
}

func ether(t uint32) node { return test{pre: ld(12, 2), cond: bpf.JumpEqual, val: t} }

func ip4Proto(p uint32) node {
	return and{ether(etherIPv4), test{pre: ld(23, 1), cond: bpf.JumpEqual, val: p}}
}

// ip6Proto matches the next header, or the one after a fragment header.
func ip6Proto(p uint32) node {
	return and{ether(etherIPv6), or{
		test{pre: ld(20, 1), cond: bpf.JumpEqual, val: p},
		and{test{pre: ld(20, 1), cond: bpf.JumpEqual, val: 44}, test{pre: ld(54, 1), cond: bpf.JumpEqual, val: p}},
	}}
}

func protoOnly(proto string) node {
	switch proto {
	case "ip":
		return ether(etherIPv4)
	case "ip6":
		return ether(etherIPv6)
	case "arp":
		return ether(etherARP)
	case "rarp":
		return ether(etherRARP)
	case "tcp":
		return or{ip4Proto(6), ip6Proto(6)}
	case "udp":
		return or{ip4Proto(17), ip6Proto(17)}
	case "sctp":
		return or{ip4Proto(132), ip6Proto(132)}
	case "icmp":
		return ip4Proto(1)
	case "icmp6":
		return ip6Proto(58)
	case "igmp":
		return ip4Proto(2)
	}
	return never{}
}

// dirNode combines the source and destination tests as the direction
// qualifier says.
func dirNode(dir string, src, dst node) node {
	switch dir {
	case "src":
		return src
	case "dst":
		return dst
	case "src and dst":
		return and{src, dst}
	}
	return or{src, dst}
}

func netNode(q qual, pfx netip.Prefix) (node, error) {
	if pfx.Addr().Is6() && !pfx.Addr().Is4In6() {
		if q.proto != "" && q.proto != "ip6" {
			return nil, fmt.Errorf("%s with an IPv6 address", q.proto)
		}
		return and{ether(etherIPv6), dirNode(q.dir, addr6(22, pfx), addr6(38, pfx))}, nil
	}
	pfx = netip.PrefixFrom(pfx.Addr().Unmap(), min(pfx.Bits(), 32))
	a := pfx.Addr().As4()
	v := binary.BigEndian.Uint32(a[:])
	mask := uint32(0xffffffff)
	if pfx.Bits() < 32 {
		mask = ^(uint32(0xffffffff) >> pfx.Bits())
	}
	word := func(off int) node {
		pre := ld(off, 4)
		if mask != 0xffffffff {
			pre = append(pre, bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: mask})
		}
		return test{pre: pre, cond: bpf.JumpEqual, val: v}
	}
	ipPart := and{ether(etherIPv4), dirNode(q.dir, word(26), word(30))}
	arpPart := func(t uint32) node { return and{ether(t), dirNode(q.dir, word(28), word(38))} }
	switch q.proto {
	case "ip":
		return ipPart, nil
	case "arp":
		return arpPart(etherARP), nil
	case "rarp":
		return arpPart(etherRARP), nil
	case "":
		return or{ipPart, and{or{ether(etherARP), ether(etherRARP)}, dirNode(q.dir, word(28), word(38))}}, nil
	}
	return nil, fmt.Errorf("%s with an IPv4 address", q.proto)
}

func addr6(off int, pfx netip.Prefix) node {
	a := pfx.Addr().As16()
	var n node = always{}
	bits := pfx.Bits()
	for i := 0; i < 4 && bits > 0; i++ {
		w := binary.BigEndian.Uint32(a[4*i:])
		pre := ld(off+4*i, 4)
		if bits < 32 {
			mask := ^(uint32(0xffffffff) >> bits)
			pre = append(pre, bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: mask})
			w &= mask
		}
		t := test{pre: pre, cond: bpf.JumpEqual, val: w}
		if _, ok := n.(always); ok {
			n = t
		} else {
			n = and{n, t}
		}
		bits -= 32
	}
	return n
}

func portNode(q qual, lo, hi uint32) (node, error) {
	var protos []uint32
	switch q.proto {
	case "tcp":
		protos = []uint32{6}
	case "udp":
		protos = []uint32{17}
	case "sctp":
		protos = []uint32{132}
	case "":
		protos = []uint32{132, 6, 17}
	default:
		return nil, fmt.Errorf("%s port is not supported", q.proto)
	}
	anyOf := func(off int) node {
		var n node
		for _, p := range protos {
			t := test{pre: ld(off, 1), cond: bpf.JumpEqual, val: p}
			if n == nil {
				n = t
			} else {
				n = or{n, t}
			}
		}
		return n
	}
	cmp := func(pre []bpf.Instruction) node {
		if lo == hi {
			return test{pre: pre, cond: bpf.JumpEqual, val: lo}
		}
		return and{test{pre: pre, cond: bpf.JumpGreaterOrEqual, val: lo}, not{test{cond: bpf.JumpGreaterThan, val: hi}}}
	}
	ind := func(off uint32) []bpf.Instruction {
		return []bpf.Instruction{bpf.LoadMemShift{Off: 14}, bpf.LoadIndirect{Off: off, Size: 2}}
	}
	v6 := and{ether(etherIPv6), and{anyOf(20), dirNode(q.dir, cmp(ld(54, 2)), cmp(ld(56, 2)))}}
	v4 := and{ether(etherIPv4), and{anyOf(23), and{
		not{test{pre: ld(20, 2), cond: bpf.JumpBitsSet, val: 0x1fff}},
		dirNode(q.dir, cmp(ind(14)), cmp(ind(16)))}}}
	return or{v6, v4}, nil
}

func etherHost(dir, v string) (node, error) {
	mac, err := net.ParseMAC(v)
	if err != nil || len(mac) != 6 {
		return nil, fmt.Errorf("ether host %q: want a MAC address", v)
	}
	at := func(off int) node {
		return and{test{pre: ld(off+2, 4), cond: bpf.JumpEqual, val: binary.BigEndian.Uint32(mac[2:])},
			test{pre: ld(off, 2), cond: bpf.JumpEqual, val: uint32(binary.BigEndian.Uint16(mac[:2]))}}
	}
	return dirNode(dir, at(6), at(0)), nil
}

// ---- code generation ----

// node is a predicate that emits code jumping to t when true, f when
// false.
type node interface{ emit(g *gen, t, f int) }

type and struct{ a, b node }
type or struct{ a, b node }
type not struct{ a node }
type always struct{}
type never struct{}

// test runs pre (loads, ALU) then one conditional jump.
type test struct {
	pre  []bpf.Instruction
	cond bpf.JumpTest
	val  uint32
}

func (n and) emit(g *gen, t, f int) {
	m := g.label()
	n.a.emit(g, m, f)
	g.place(m)
	n.b.emit(g, t, f)
}

func (n or) emit(g *gen, t, f int) {
	m := g.label()
	n.a.emit(g, t, m)
	g.place(m)
	n.b.emit(g, t, f)
}

func (n not) emit(g *gen, t, f int)  { n.a.emit(g, f, t) }
func (always) emit(g *gen, t, f int) { g.jumpTo(t) }
func (never) emit(g *gen, t, f int)  { g.jumpTo(f) }

func (n test) emit(g *gen, t, f int) {
	for _, in := range n.pre {
		g.raw(in)
	}
	g.code = append(g.code, insn{cond: true, test: n.cond, val: n.val, jt: t, jf: f})
}

type insn struct {
	in     bpf.Instruction
	cond   bool // conditional jump to jt / jf
	ja     bool // unconditional jump to jt
	test   bpf.JumpTest
	val    uint32
	jt, jf int
}

type gen struct {
	code   []insn
	labels []int // label → instruction index (-1 until placed)
}

func (g *gen) label() int             { g.labels = append(g.labels, -1); return len(g.labels) - 1 }
func (g *gen) place(l int)            { g.labels[l] = len(g.code) }
func (g *gen) raw(in bpf.Instruction) { g.code = append(g.code, insn{in: in}) }
func (g *gen) jumpTo(l int)           { g.code = append(g.code, insn{ja: true, jt: l}) }

func (g *gen) assemble() ([]bpf.Instruction, error) {
	if len(g.code) > 4096 {
		return nil, fmt.Errorf("program of %d instructions is too long", len(g.code))
	}
	out := make([]bpf.Instruction, len(g.code))
	skip := func(i, l int) (int, error) {
		d := g.labels[l] - i - 1
		if g.labels[l] < 0 || d < 0 {
			return 0, fmt.Errorf("internal error: jump to an unplaced or earlier label")
		}
		return d, nil
	}
	for i, c := range g.code {
		switch {
		case c.ja:
			d, err := skip(i, c.jt)
			if err != nil {
				return nil, err
			}
			out[i] = bpf.Jump{Skip: uint32(d)}
		case c.cond:
			dt, err := skip(i, c.jt)
			if err != nil {
				return nil, err
			}
			df, err := skip(i, c.jf)
			if err != nil {
				return nil, err
			}
			if dt > 255 || df > 255 {
				return nil, fmt.Errorf("filter too complex: a jump of more than 255 instructions")
			}
			out[i] = bpf.JumpIf{Cond: c.test, Val: c.val, SkipTrue: uint8(dt), SkipFalse: uint8(df)}
		default:
			out[i] = c.in
		}
	}
	return out, nil
}
