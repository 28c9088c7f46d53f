package translate

import "sort"

// metric is a numeric comparison keyword and the columns it compares.
type metric struct {
	src, dst string // dst "" = single column, direction not used
	// ipv4: Argus tests ttl and tos on IPv4 flows only, and a side that
	// sent no IP packet has TTL and TOS 0 there (the store keeps NULL).
	ipv4 bool
	dscp bool // compare TOS >> 2, value may be a DSCP name
	// pairZero: a side without the field reads 0 when the other side has
	// it (Argus's "vid 0" matches a flow tagged one way only).
	pairZero bool
}

// metrics are Argus's comparison keywords that tapdb's store can answer.
// Without a direction a pair means source OR destination, never the total.
var metrics = map[string]metric{
	"pkts":     {src: "spkts", dst: "dpkts"},
	"pkt":      {src: "spkts", dst: "dpkts"},
	"bytes":    {src: "sbytes", dst: "dbytes"},
	"byte":     {src: "sbytes", dst: "dbytes"},
	"appbytes": {src: "sappbytes", dst: "dappbytes"},
	"appbyte":  {src: "sappbytes", dst: "dappbytes"},
	"data":     {src: "sappbytes", dst: "dappbytes"},
	"ttl":      {src: "sttl", dst: "dttl", ipv4: true},
	"tos":      {src: "stos", dst: "dtos", ipv4: true},
	"dsb":      {src: "stos", dst: "dtos", ipv4: true, dscp: true},
	"dsbyte":   {src: "stos", dst: "dtos", ipv4: true, dscp: true},
	"vid":      {src: "svlan", dst: "dvlan", pairZero: true},
	"mid":      {src: "smpls", dst: "dmpls"},
	"tcpb":     {src: "stcpb", dst: "dtcpb"},
	"base":     {src: "stcpb", dst: "dtcpb"},
	"rate":     {src: "srate", dst: "drate"},
	"load":     {src: "sload", dst: "dload"},
	"trans":    {src: "trans"},
	"seq":      {src: "seq"},
	"dur":      {src: "dur"},
	"tcprtt":   {src: "tcprtt"}, // a syntax error in Argus 3.0.8; tapdb extension
}

// protoQuals may stand before a direction and keyword.
var protoQuals = map[string]bool{
	"ip": true, "ipv4": true, "ipv6": true, "tcp": true, "udp": true, "icmp": true,
	"icmpv6": true, "igmp": true, "arp": true, "rarp": true, "ether": true,
}

// valueKeywords take a value after them.
var valueKeywords = map[string]bool{
	"host": true, "net": true, "port": true, "proto": true, "srcid": true,
	"inode": true, "encaps": true,
}

// bareWords are keywords without a value (besides protocol classes).
var bareWords = map[string]bool{
	"syn": true, "fin": true, "ack": true, "push": true, "urg": true, "rst": true,
	"reset": true, "ece": true, "cwr": true, "synack": true, "finack": true,
	"con": true, "est": true, "avail": true, "normal": true, "req": true, "acc": true,
	"int": true, "clo": true, "tim": true, "rsp": true, "timeout": true,
	"start": true, "init": true, "status": true, "stop": true, "shut": true,
	"error": true, "retrans": true, "drop": true, "outoforder": true, "ooo": true,
	"winshut": true, "ecn": true, "frag": true, "fragonly": true, "multipath": true,
	"mpath": true, "icmpmap": true, "echo": true, "ecr": true, "unreach": true,
	"redirect": true, "timexed": true, "man": true, "mar": true, "far": true,
	"event": true, "index": true, "multicast": true, "broadcast": true,
	"vlan": true, "mpls": true, "local": true,
}

// unstored are Argus keywords whose data tapdb's store does not keep (or
// that Argus 3.0.8 itself rejects); using one is an error that says so.
var unstored = map[string]string{
	"ipid": "IP ids are not stored", "vpri": "VLAN priorities are not stored",
	"nstroke": "keystroke counts are not stored", "nstrokes": "keystroke counts are not stored",
	"avgdur": "aggregation statistics are not stored", "ploss": "loss is not stored",
	"loss": "loss is not stored", "gap": "sequence gaps are not stored",
	"len": "packet lengths are not stored", "pcr": "producer/consumer ratios are not stored",
	"pcratio": "producer/consumer ratios are not stored", "abr": "producer/consumer ratios are not stored",
	"abratio": "producer/consumer ratios are not stored", "inter": "inter-packet times are not stored",
	"intpkt": "inter-packet times are not stored", "intpktact": "inter-packet times are not stored",
	"intpktidle": "inter-packet times are not stored", "jit": "jitter is not stored",
	"jitter": "jitter is not stored", "jitact": "jitter is not stored", "jitidle": "jitter is not stored",
	"deldur": "correlation deltas are not stored", "delstime": "correlation deltas are not stored",
	"delltime": "correlation deltas are not stored", "spi": "ESP SPIs are not stored",
	"co": "country codes are not stored", "cocode": "country codes are not stored",
	"as": "AS numbers are not stored", "asn": "AS numbers are not stored",
	"gateway": "gateway needs /etc/ethers and is not supported",
	"rtp":     "RTP classification is not stored", "rtcp": "RTCP classification is not stored",
	"udt": "UDT classification is not stored", "isis": "IS-IS PDUs are not stored",
	"hello": "IS-IS PDUs are not stored", "lsp": "IS-IS PDUs are not stored",
	"csnp": "IS-IS PDUs are not stored", "psnp": "IS-IS PDUs are not stored",
	"rtr": "IGMP message types are not stored", "mbr": "IGMP message types are not stored",
	"lvg": "IGMP message types are not stored", "inbound": "locality is not stored",
	"outbound": "locality is not stored", "wait": "TCP close-wait is not stored",
	"dup": "duplicates are not stored", "esp": "ESP is not a filter keyword",
	"tcpopt": "TCP options are not stored", "mss": "TCP options are not stored",
	"wscale": "TCP options are not stored", "selackok": "TCP options are not stored",
	"selack": "TCP options are not stored", "tcpecho": "TCP options are not stored",
	"tcpechoreply": "TCP options are not stored", "tcptimestamp": "TCP options are not stored",
	"tcpcc": "TCP options are not stored", "tcpccnew": "TCP options are not stored",
	"tcpccecho": "TCP options are not stored", "secn": "TCP options are not stored",
	"decn": "TCP options are not stored", "link": "link-layer qualifiers are not supported",
	"ppp": "link-layer qualifiers are not supported", "slip": "link-layer qualifiers are not supported",
	"fddi": "link-layer qualifiers are not supported", "anon": "anon is not supported",
}

// cmpWords are the comparison operators after a metric keyword. The
// symbols >, <, =, ==, != and the word ne are tapdb extensions.
var cmpWords = map[string]CmpOp{
	"eq": CmpEq, "equal": CmpEq, "gt": CmpGt, "greater": CmpGt, "lt": CmpLt, "less": CmpLt,
	"gte": CmpGe, "lte": CmpLe, ">=": CmpGe, "<=": CmpLe,
	"ne": CmpNe, ">": CmpGt, "<": CmpLt, "=": CmpEq, "==": CmpEq, "!=": CmpNe,
}

// encapsNames maps Argus's encaps names to the names in the encaps column.
var encapsNames = map[string]string{
	"eth": "eth", "ether": "eth", "802q": "vlan", "vlan": "vlan", "mpls": "mpls",
	"llc": "llc", "pppoe": "pppoe", "ppp": "ppp", "gre": "gre", "ipnip": "ipnip",
	"ipnip6": "6in4", "6in4": "6in4", "isl": "isl", "erspan": "erspan", "ah": "ah",
	"hdlc": "hdlc", "chdlc": "chdlc", "atm": "atm", "sll": "sll", "fddi": "fddi",
	"slip": "slip", "arc": "arc", "wlan": "wlan", "prism": "prism", "avs": "avs",
	"teredo": "teredo", "vxlan": "vxlan", "ipsec": "ipsec", "juniper": "juniper",
	"sll2": "sll2", "null": "null", "raw": "raw", "nflog": "nflog", "4in6": "4in6", "6in6": "6in6",
}

// isKeyword reports whether w is a filter keyword (and so not a value).
func isKeyword(w string) bool {
	if protoQuals[w] || valueKeywords[w] || bareWords[w] {
		return true
	}
	if _, ok := metrics[w]; ok {
		return true
	}
	if _, ok := unstored[w]; ok {
		return true
	}
	_, ok := cmpWords[w]
	return ok
}

// keywords lists every keyword, for spelling suggestions.
func keywords() []string {
	var out []string
	for _, m := range []map[string]bool{protoQuals, valueKeywords, bareWords} {
		for k := range m {
			out = append(out, k)
		}
	}
	for k := range metrics {
		out = append(out, k)
	}
	for k := range unstored {
		out = append(out, k)
	}
	out = append(out, "src", "dst", "and", "or", "not", "mask", "gt", "gte", "lt", "lte", "eq")
	sort.Strings(out)
	return out
}

// suggest returns the keyword closest to w (edit distance ≤ 2), or "".
func suggest(w string) string {
	best, bestD := "", 3
	for _, k := range keywords() {
		if d := editDistance(w, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
