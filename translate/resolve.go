package translate

import (
	"fmt"
	"strings"

	"tapdb/schema"
	"tapdb/schema/names"
)

// word is one word of a primitive with its column; dir is set for a
// direction qualifier ("src", "dst", "src or dst", …).
type word struct {
	text string
	col  int
	dir  *Dir
}

// qual are the qualifiers of a primitive, which a following bare value
// after and/or reuses ("port 80 or 443").
type qual struct {
	proto  string
	dir    Dir
	dirSet bool
	kind   string // host, net, port, proto, srcid, inode, encaps, a metric or a column
	etherP bool   // "ether proto"
}

// resolver turns the participle parse into the typed tree.
type resolver struct {
	last *qual // qualifiers of the previous primitive with a value
}

func isAndOr(op string) BoolOp {
	if op == "or" || op == "||" {
		return OpOr
	}
	return OpAnd
}

func (r *resolver) expr(g *gExpr, afterBool bool) (Node, error) {
	n, err := r.unary(g.Head, afterBool)
	if err != nil {
		return nil, err
	}
	for _, t := range g.Tail {
		rn, err := r.unary(t.Term, true)
		if err != nil {
			return nil, err
		}
		n = &Binary{Op: isAndOr(t.Op), Left: n, Right: rn}
	}
	return n, nil
}

func (r *resolver) unary(u *gUnary, afterBool bool) (Node, error) {
	var n Node
	var err error
	if u.Atom.Sub != nil {
		n, err = r.expr(u.Atom.Sub, afterBool)
	} else {
		n, err = r.prim(u.Atom.Prim, afterBool)
	}
	if err != nil {
		return nil, err
	}
	for range u.Nots {
		n = &Not{X: n}
	}
	return n, nil
}

func primWords(p *gPrim) []word {
	ws := make([]word, 0, len(p.Items))
	for _, it := range p.Items {
		w := word{col: it.Pos.Column}
		if it.Dir != nil {
			d := DirSrc
			if it.Dir.First == "dst" {
				d = DirDst
			}
			w.text = it.Dir.First
			if it.Dir.Second != "" {
				w.text += " " + it.Dir.Op + " " + it.Dir.Second
				switch {
				case it.Dir.Second == it.Dir.First:
					// "src or src": the same side twice.
				case isAndOr(it.Dir.Op) == OpAnd:
					d = DirBoth
				default:
					d = DirAny
				}
			}
			w.dir = &d
		} else {
			w.text = it.Word
		}
		ws = append(ws, w)
	}
	return ws
}

// looksLikeValue says whether an unknown word is an address, number or
// name a keyword should have come before.
func looksLikeValue(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	return c >= '0' && c <= '9' || c == ':' || c == '\\' || c == '"' || c == '.' || c == '-' || c == '+' || strings.ContainsAny(s, ":/")
}

func unknownWord(w word) error {
	if strings.HasPrefix(w.text, "\"") || looksLikeValue(w.text) {
		return wordError(w, "value", " needs a keyword before it (host, net, port, proto, …)")
	}
	if _, ok := cmpWords[w.text]; ok {
		return wordError(w, "operator", " needs a keyword before it (bytes gt 10)")
	}
	tail := ""
	if l := strings.ToLower(w.text); l != w.text && isKeyword(l) {
		return wordError(w, "unknown word", fmt.Sprintf(", did you mean '%s'? (keywords are lower-case)", l))
	}
	if s := suggest(w.text); s != "" {
		tail = fmt.Sprintf(", did you mean '%s'?", s)
	}
	return wordError(w, "unknown word", tail)
}

// numericField reports whether name is a numeric column usable directly
// in a comparison (a tapdb extension: "sbytes gt 10").
func numericField(name string) bool {
	c, ok := schema.Lookup(name)
	if !ok || c.Kind == schema.KindAddrNum {
		return false
	}
	switch c.Type {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "DOUBLE", "REAL", "FLOAT":
		return true
	}
	return false
}

// group expands a primitive whose last item is a parenthesised value
// list into one primitive per value, joined as the list joins them (left
// to right, each value's not applying to it alone): "tcp port (53 or not
// 80)" is "tcp port 53 or not tcp port 80".
func (r *resolver) group(p *gPrim, afterBool bool) (Node, error) {
	last := len(p.Items) - 1
	for i, it := range p.Items {
		if it.Group != nil && i != last {
			return nil, &Error{Column: it.Pos.Column, Word: "(",
				Msg: fmt.Sprintf("a parenthesised value list must end its primitive (column %d)", it.Pos.Column)}
		}
	}
	if last == 0 {
		return nil, &Error{Column: p.Pos.Column, Word: "(",
			Msg: fmt.Sprintf("a parenthesised value list needs a keyword before it (column %d)", p.Pos.Column)}
	}
	g := p.Items[last].Group
	one := func(m *gMember) (Node, error) {
		if w := m.Words[0]; isKeyword(w.Text) || protoQuals[w.Text] {
			return nil, &Error{Column: w.Pos.Column, Word: w.Text,
				Msg: fmt.Sprintf("keyword '%s' at column %d inside a value list: the list after a keyword holds values", w.Text, w.Pos.Column)}
		}
		items := append([]*gItem(nil), p.Items[:last]...)
		for _, w := range m.Words {
			items = append(items, &gItem{Pos: w.Pos, Word: w.Text})
		}
		n, err := r.prim(&gPrim{Pos: p.Pos, Items: items}, afterBool)
		if err != nil {
			return nil, err
		}
		for range m.Nots {
			n = &Not{X: n}
		}
		return n, nil
	}
	n, err := one(g.Head)
	if err != nil {
		return nil, err
	}
	for _, t := range g.Tail {
		rn, err := one(t.Member)
		if err != nil {
			return nil, err
		}
		n = &Binary{Op: isAndOr(t.Op), Left: n, Right: rn}
	}
	return n, nil
}

func (r *resolver) prim(p *gPrim, afterBool bool) (Node, error) {
	if hasGroup(p) {
		return r.group(p, afterBool)
	}
	ws := primWords(p)
	first := ws[0]
	if len(ws) == 1 && first.dir == nil && !isKeyword(first.text) && !numericField(first.text) {
		if afterBool && r.last != nil {
			return r.valued(*r.last, ws, first)
		}
		return nil, unknownWord(first)
	}
	var q qual
	i := 0
	if first.dir == nil && protoQuals[first.text] {
		q.proto = first.text
		i++
	}
	if i < len(ws) && ws[i].dir != nil {
		q.dir, q.dirSet = *ws[i].dir, true
		i++
	}
	if i == len(ws) {
		r.last = nil
		if q.dirSet {
			if q.proto == "ether" {
				return nil, wordError(ws[i-1], "direction", " needs a MAC address after it")
			}
			return nil, wordError(ws[i-1], "direction", " needs a keyword or address after it")
		}
		if q.proto == "ether" {
			return nil, wordError(first, "link layer", " applied in wrong context (ether host|src|dst|proto|broadcast|multicast)")
		}
		return &Class{Name: q.proto}, nil
	}
	w := ws[i]
	rest := ws[i+1:]
	if w.dir != nil {
		return nil, wordError(w, "unexpected", "")
	}
	if why, ok := unstored[w.text]; ok {
		return nil, wordError(w, "keyword", ": "+why+" in tapdb")
	}
	if w.text == "proto" && q.proto != "" {
		switch q.proto {
		case "ip", "ipv4", "ipv6":
		case "ether":
			q.etherP = true
		default:
			return nil, &Error{Column: w.col, Word: w.text,
				Msg: fmt.Sprintf("'%s proto' is bogus at column %d", q.proto, w.col)}
		}
	}
	_, isMetric := metrics[w.text]
	isValueKW := valueKeywords[w.text] || isMetric ||
		((w.text == "vlan" || w.text == "mpls") && len(rest) > 0) ||
		(numericField(w.text) && (!bareWords[w.text] || len(rest) > 0))
	switch {
	case isValueKW:
		q.kind = w.text
		if len(rest) == 0 {
			r.last = nil
			return nil, wordError(w, "keyword", " needs a value after it")
		}
		n, err := r.valued(q, rest, w)
		if err != nil {
			return nil, err
		}
		last := q
		r.last = &last
		return n, nil
	case bareWords[w.text]:
		r.last = nil
		if len(rest) > 0 {
			return nil, wordError(rest[0], "unexpected word", fmt.Sprintf(" after '%s'", w.text))
		}
		return r.bare(q, w)
	case protoQuals[w.text]:
		return nil, wordError(w, "protocol", fmt.Sprintf(" cannot follow '%s'", ws[0].text))
	case q.dirSet || q.proto == "ether":
		// "src 192.0.2.1", "ether dst 0:1:2:3:4:5": host is implied;
		// after and/or a value that is not an address takes the previous
		// primitive's keyword ("src port 80 or dst 443").
		q.kind = "host"
		if _, err := parseAddr(w.text); err != nil && afterBool && r.last != nil && q.proto == "" {
			q.kind, q.proto, q.etherP = r.last.kind, r.last.proto, r.last.etherP
		}
		if len(rest) > 0 {
			return nil, wordError(rest[0], "unexpected word", "")
		}
		n, err := r.valued(q, ws[i:], w)
		if err != nil {
			return nil, err
		}
		last := q
		r.last = &last
		return n, nil
	}
	return nil, unknownWord(w)
}

func hasGroup(p *gPrim) bool {
	for _, it := range p.Items {
		if it.Group != nil {
			return true
		}
	}
	return false
}

// withClass restricts n to the qualifier's protocol class.
func withClass(proto string, n Node) Node {
	if proto == "" {
		return n
	}
	return &Binary{Op: OpAnd, Left: &Class{Name: proto}, Right: n}
}

func (r *resolver) bare(q qual, w word) (Node, error) {
	noDir := func(n Node) (Node, error) {
		if q.dirSet {
			return nil, wordError(w, "keyword", " takes no src/dst qualifier")
		}
		if q.proto == "ether" {
			return nil, wordError(w, "keyword", " cannot follow 'ether'")
		}
		return withClass(q.proto, n), nil
	}
	withDir := func(n Node) (Node, error) {
		if q.proto == "ether" {
			return nil, wordError(w, "keyword", " cannot follow 'ether'")
		}
		return withClass(q.proto, n), nil
	}
	pick := func(any, src, dst, both []string) []string {
		switch q.dir {
		case DirSrc:
			return src
		case DirDst:
			return dst
		case DirBoth:
			return both
		}
		return any
	}
	t := w.text
	switch t {
	case "fin", "syn", "rst", "reset", "push", "ack", "urg", "ece", "cwr":
		bit := map[string]int{"fin": 1, "syn": 2, "rst": 4, "reset": 4, "push": 8, "ack": 16, "urg": 32, "ece": 64, "cwr": 128}[t]
		return withDir(&TCPFlag{Word: t, Dir: q.dir, Bit: bit})
	case "synack":
		return noDir(&Pred{Word: t, Kind: KindSynAck})
	case "finack":
		return noDir(&Pred{Word: t, Kind: KindFinAck})
	case "con", "est", "avail":
		return noDir(&Pred{Word: t, Kind: KindEstablished})
	case "normal", "clo":
		return noDir(&Pred{Word: t, Kind: KindState, Values: []string{"CLO"}})
	case "req", "acc", "int", "tim", "rsp":
		return noDir(&Pred{Word: t, Kind: KindState, Values: []string{strings.ToUpper(t)}})
	case "timeout", "start", "init", "status", "stop", "shut", "error":
		c := map[string]string{"timeout": "Timeout", "start": "Start", "init": "Start", "status": "Status",
			"stop": "Stop", "shut": "Shutdown", "error": "Error"}[t]
		return noDir(&Pred{Word: t, Kind: KindCause, Values: []string{c}})
	case "retrans", "drop":
		return withDir(&Pred{Word: t, Dir: q.dir, Kind: KindRetrans})
	case "outoforder", "ooo":
		return withDir(&Pred{Word: t, Dir: q.dir, Kind: KindFlags, Pos: 4,
			Values: pick([]string{"&", "i", "r"}, []string{"&", "i"}, []string{"&", "r"}, []string{"&"})})
	case "winshut":
		return withDir(&Pred{Word: t, Dir: q.dir, Kind: KindFlags, Pos: 5,
			Values: pick([]string{"@", "S", "D"}, []string{"@", "S"}, []string{"@", "D"}, []string{"@"})})
	case "ecn":
		return withDir(&Pred{Word: t, Dir: q.dir, Kind: KindFlags, Pos: 6,
			Values: pick([]string{"E", "x", "t"}, []string{"E", "x"}, []string{"E", "t"}, []string{"E"})})
	case "frag":
		return withDir(&Pred{Word: t, Kind: KindFlags, Pos: 7, Values: []string{"F", "V"}, IPv4: true})
	case "fragonly":
		return noDir(&Pred{Word: t, Kind: KindFlags, Pos: 7, Values: []string{"f"}})
	case "multipath", "mpath":
		q.dir = DirAny
		return withDir(&Pred{Word: t, Kind: KindFlags, Pos: 2, Values: []string{"M"}})
	case "icmpmap":
		return noDir(&Pred{Word: t, Kind: KindFlags, Pos: 3, Values: []string{"U", "R", "T", "I"}})
	case "echo":
		return noDir(&Pred{Word: t, Kind: KindICMP, Values: []string{"ECO", "ECR"}})
	case "ecr":
		return noDir(&Pred{Word: t, Kind: KindICMP, Values: []string{"ECR"}})
	case "unreach":
		return noDir(&Pred{Word: t, Kind: KindICMP, Prefix: "UR", Mapped: "U"})
	case "redirect":
		return noDir(&Pred{Word: t, Kind: KindICMP, Values: []string{"RED"}, Mapped: "R"})
	case "timexed":
		return noDir(&Pred{Word: t, Kind: KindICMP, Values: []string{"TXD"}, Mapped: "T"})
	case "man", "mar", "event", "index":
		return noDir(&Const{Word: t, Match: false})
	case "far":
		return noDir(&Const{Word: t, Match: true})
	case "vlan":
		return withDir(&Pred{Word: t, Dir: q.dir, Kind: KindPresent, Values: []string{"svlan", "dvlan"}})
	case "mpls":
		return withDir(&Pred{Word: t, Dir: q.dir, Kind: KindPresent, Values: []string{"smpls", "dmpls"}})
	case "multicast", "broadcast":
		if q.dirSet {
			return nil, wordError(w, "keyword", " takes no src/dst qualifier")
		}
		switch {
		case q.proto == "ether" && t == "multicast":
			return &Pred{Word: "ether multicast", Kind: KindEtherMcast}, nil
		case q.proto == "ether":
			return &Pred{Word: "ether broadcast", Kind: KindEtherBcast}, nil
		case t == "multicast" && (q.proto == "" || q.proto == "ip"):
			return &Pred{Word: "ip multicast", Kind: KindMulticast}, nil
		case t == "broadcast" && q.proto == "ip":
			return &Pred{Word: "ip broadcast", Kind: KindBroadcast}, nil
		}
		return nil, wordError(w, "keyword", ": only ether/ip "+t+" filters supported")
	case "local":
		return nil, wordError(w, "keyword", " is only allowed as the filter's first word")
	}
	return nil, unknownWord(w)
}

// valued builds the node of a keyword with a value; ws are the value words.
func (r *resolver) valued(q qual, ws []word, kw word) (Node, error) {
	v := ws[0]
	single := func() error {
		if len(ws) > 1 {
			return wordError(ws[1], "unexpected word", "")
		}
		return nil
	}
	switch q.kind {
	case "host", "net":
		return r.address(q, ws, kw)
	case "port":
		if op, ok := cmpWords[v.text]; ok {
			// "port gt 1024": a comparison on each named side.
			if len(ws) != 2 {
				if len(ws) == 1 {
					return nil, wordError(v, "comparison", " needs a port after it")
				}
				return nil, wordError(ws[2], "unexpected word", "")
			}
			n, err := portNode(q, ws[1], kw)
			if err != nil {
				return nil, err
			}
			if p, ok := n.(*Port); ok {
				if p.Lo != p.Hi {
					return nil, wordError(ws[1], "port range", fmt.Sprintf(" cannot follow '%s'", v.text))
				}
				p.Cmp, p.Op = op != CmpEq, op
			}
			return n, nil
		}
		if err := single(); err != nil {
			return nil, err
		}
		return portNode(q, v, kw)
	case "proto":
		if err := single(); err != nil {
			return nil, err
		}
		return protoNode(q, v)
	case "srcid":
		if err := single(); err != nil {
			return nil, err
		}
		// a quoted string, number, address or name: compared with the
		// text the store keeps
		s := strings.Trim(strings.TrimPrefix(v.text, "\\"), "\"")
		return withClass(q.proto, &Text{Word: "srcid", Column: "srcid", Value: s}), nil
	case "inode":
		if err := single(); err != nil {
			return nil, err
		}
		a, err := parseAddr(v.text)
		if err != nil {
			return nil, wordError(v, "inode", " is not an IPv4 or IPv6 address")
		}
		return withClass(q.proto, &Text{Word: "inode", Column: "inode", Value: a.String()}), nil
	case "encaps":
		if err := single(); err != nil {
			return nil, err
		}
		name, ok := encapsNames[strings.TrimPrefix(v.text, "\\")]
		if !ok {
			return nil, wordError(v, "unknown encapsulation", " (eth, 802q, mpls, llc, pppoe, gre, ipnip, …)")
		}
		return withClass(q.proto, &Text{Word: "encaps", Column: "encaps", Value: name, Member: true}), nil
	}
	return r.compare(q, ws, kw)
}

func (r *resolver) compare(q qual, ws []word, kw word) (Node, error) {
	n := &Compare{Keyword: q.kind, Dir: q.dir}
	switch q.kind {
	case "vlan":
		n.Keyword, n.Src, n.Dst, n.PairZero = "vid", "svlan", "dvlan", true
	case "mpls":
		n.Keyword, n.Src, n.Dst = "mid", "smpls", "dmpls"
	default:
		if m, ok := metrics[q.kind]; ok {
			n.Src, n.Dst, n.IPv4, n.DSCP, n.PairZero = m.src, m.dst, m.ipv4, m.dscp, m.pairZero
		} else {
			// a column name (tapdb extension): one column, no direction
			if q.dirSet {
				return nil, wordError(kw, "column", " takes no src/dst qualifier (use the keyword without s/d)")
			}
			n.Src = q.kind
		}
	}
	if n.Dst == "" {
		n.Dir = DirAny
	}
	if q.proto == "ether" {
		return nil, wordError(kw, "keyword", " cannot follow 'ether'")
	}
	val := ws[0]
	switch len(ws) {
	case 1:
		if _, isOp := cmpWords[val.text]; isOp {
			return nil, wordError(val, "comparison", " needs a number after it")
		}
	case 2:
		op, ok := cmpWords[ws[0].text]
		if !ok {
			return nil, wordError(ws[0], "unknown comparison", " (gt, gte, lt, lte, eq, >=, <=, …)")
		}
		n.Op, val = op, ws[1]
	default:
		return nil, wordError(ws[2], "unexpected word", "")
	}
	if n.DSCP {
		if d, ok := dscpValue(val.text); ok {
			n.Value = Number{Int: d}
			return withClass(q.proto, n), nil
		}
	}
	num, err := parseNumber(val.text)
	if err != nil {
		return nil, wordError(val, "number expected, got", fmt.Sprintf(" after '%s'", n.Keyword))
	}
	n.Value = num
	return withClass(q.proto, n), nil
}

func (r *resolver) address(q qual, ws []word, kw word) (Node, error) {
	v := ws[0]
	if q.proto == "ether" {
		if q.kind != "host" {
			return nil, wordError(kw, "keyword", " cannot follow 'ether'")
		}
		if len(ws) > 1 {
			return nil, wordError(ws[1], "unexpected word", "")
		}
		mac, ok := macString(v.text)
		if !ok {
			return nil, wordError(v, "bad MAC address", " (xx:xx:xx:xx:xx:xx)")
		}
		return &MAC{Dir: q.dir, Addr: mac}, nil
	}
	switch q.proto {
	case "", "ip", "ipv4", "ipv6", "arp", "rarp":
	default:
		return nil, &Error{Column: kw.col, Word: q.proto,
			Msg: fmt.Sprintf("'%s' modifier applied to %s at column %d", q.proto, q.kind, kw.col)}
	}
	if q.kind == "host" {
		if len(ws) > 1 {
			return nil, wordError(ws[1], "unexpected word", "")
		}
		a, err := parseAddr(v.text)
		if err != nil {
			if _, nerr := parseNet(v.text); nerr == nil && strings.ContainsAny(v.text, "./") {
				return nil, wordError(v, "network", " after 'host': use 'net'")
			}
			return nil, wordError(v, "bad address", ": give an IPv4 or IPv6 address (host names are not looked up)")
		}
		return withClass(q.proto, &Host{Dir: q.dir, Addr: a}), nil
	}
	p, err := parseNet(v.text)
	if err != nil {
		return nil, wordError(v, "bad network", ": "+err.Error())
	}
	switch {
	case len(ws) == 1:
	case len(ws) == 3 && ws[1].text == "mask":
		if !p.Addr().Is4() || strings.Contains(v.text, "/") {
			return nil, wordError(v, "network", " before 'mask' must be an IPv4 address without /len")
		}
		bits, err := maskBits(ws[2].text)
		if err != nil {
			return nil, wordError(ws[2], "bad mask", ": "+err.Error())
		}
		a, _ := parseAddr(v.text)
		if !a.IsValid() {
			a = p.Addr()
		}
		p = netipPrefix(a, bits)
	case len(ws) == 2 && ws[1].text == "mask":
		return nil, wordError(ws[1], "keyword", " needs a netmask after it")
	default:
		return nil, wordError(ws[1], "unexpected word", "")
	}
	return withClass(q.proto, &Net{Dir: q.dir, Prefix: p}), nil
}

func portNode(q qual, v word, kw word) (Node, error) {
	var protos []int
	switch q.proto {
	case "":
		protos = []int{6, 17}
	case "tcp":
		protos = []int{6}
	case "udp":
		protos = []int{17}
	default:
		return nil, &Error{Column: kw.col, Word: q.proto,
			Msg: fmt.Sprintf("'%s' modifier applied to port at column %d", q.proto, kw.col)}
	}
	n := &Port{Dir: q.dir, Protos: protos}
	text := strings.TrimPrefix(v.text, "\\")
	if lo, hi, ok := strings.Cut(text, "-"); ok && lo != "" {
		l, err1 := parseInt(lo)
		h, err2 := parseInt(hi)
		if err1 != nil || err2 != nil || l < 0 || h > 65535 || l > h {
			return nil, wordError(v, "bad port range", " (lo-hi, 0 to 65535)")
		}
		n.Lo, n.Hi = int(l), int(h)
		return n, nil
	}
	if p, err := parseInt(text); err == nil {
		if p < 0 || p > 65535 {
			return nil, wordError(v, "port", " is out of range (0 to 65535)")
		}
		n.Lo, n.Hi = int(p), int(p)
		return n, nil
	}
	s, ok := names.ServiceByName(text)
	if !ok && text != "" && text[0] >= '0' && text[0] <= '9' {
		return nil, wordError(v, "bad port number", "")
	}
	if !ok {
		return nil, wordError(v, "unknown port", "")
	}
	switch {
	case q.proto == "udp" && !s.UDP:
		return nil, &Error{Column: v.col, Word: v.text, Msg: fmt.Sprintf("port '%s' is tcp at column %d", text, v.col)}
	case q.proto == "tcp" && !s.TCP:
		return nil, &Error{Column: v.col, Word: v.text, Msg: fmt.Sprintf("port '%s' is udp at column %d", text, v.col)}
	case q.proto == "" && s.TCP && !s.UDP:
		n.Protos = []int{6}
	case q.proto == "" && s.UDP && !s.TCP:
		n.Protos = []int{17}
	}
	n.Lo, n.Hi = s.Port, s.Port
	return n, nil
}

func protoNode(q qual, v word) (Node, error) {
	if q.etherP {
		if p, err := parseInt(v.text); err == nil {
			if p < 0 || p > 65535 {
				return nil, wordError(v, "ether type", " is out of range (0 to 65535)")
			}
			return &EtherType{Num: int(p)}, nil
		}
		if p, ok := names.EtherTypeByName(strings.TrimPrefix(v.text, "\\")); ok {
			return &EtherType{Num: p}, nil
		}
		return nil, wordError(v, "unknown ether type", "")
	}
	family := ""
	if q.proto == "ipv4" || q.proto == "ipv6" {
		family = q.proto
	}
	if p, err := parseInt(v.text); err == nil {
		if p < 0 || p > 255 {
			return nil, wordError(v, "protocol number", " is out of range (0 to 255)")
		}
		return &IPProto{Num: int(p), Family: family}, nil
	}
	if isKeyword(v.text) {
		return nil, wordError(v, "protocol", fmt.Sprintf(" is a keyword: write '\\%s'", v.text))
	}
	p, ok := names.ProtoByName(strings.TrimPrefix(v.text, "\\"))
	if !ok {
		return nil, wordError(v, "unknown protocol", "")
	}
	return &IPProto{Num: p, Family: family}, nil
}
