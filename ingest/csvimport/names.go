package csvimport

import (
	"fmt"
	"strconv"

	tables "tapdb/schema/names"
	"tapdb/schema/rafmt"
)

// names resolves the names ra prints to numbers and back with tapdb's
// built-in tables (package schema/names: Debian's /etc/services and
// /etc/protocols, the ones ra reads, and ra's own protocol table), so that
// results do not depend on the host. It holds nothing: the tables are
// read-only.
type names struct{}

// protoName is the name the sensor stores for IP protocol p.
func (names) protoName(p uint8) string { return tables.ProtoName(p) }

// service returns the port of a TCP or UDP service name as ra prints it
// (the lowest port for a name printed for several), or of another name or
// alias of /etc/services listed for that transport.
func (names) service(name string, tcp bool) (int, error) {
	if v, ok := tables.ServicePort(name, tcp); ok {
		return v, nil
	}
	if s, ok := tables.ServiceByName(name); ok && (tcp && s.TCP || !tcp && s.UDP) {
		return s.Port, nil
	}
	return 0, fmt.Errorf("unknown service %q", name)
}

// llcSAP returns the IEEE 802.2 service access point an LLC port name
// stands for (ra prints stp, snap, … for 802.3 frames unless -n). The
// names are read back from rafmt.AppendPort, which prints them.
func (names) llcSAP(name string) (int, bool) {
	var buf [8]byte
	for sap := 0; sap < 256; sap++ {
		b := rafmt.AppendPort(buf[:0], int64(sap), 0, false, 0, nil)
		if string(b) == name && string(b) != strconv.Itoa(sap) {
			return sap, true
		}
	}
	return 0, false
}

// ipProto returns the number of an IP protocol name: a name ra 3.0.8
// prints (its own table, which differs from /etc/protocols), a name
// tapdb prints, or another /etc/protocols name or alias the filter
// language knows. Names ra prints for several numbers are refused with
// errAmbiguousProto.
func (names) ipProto(name string) (int, error) {
	if _, ok := raAmbiguousProtos[name]; ok {
		return 0, errAmbiguousProto
	}
	if v, ok := raProtoNumbers[name]; ok {
		return v, nil
	}
	if v, ok := tables.ProtoNumber(name); ok {
		return int(v), nil
	}
	if v, ok := tables.ProtoByName(name); ok {
		return v, nil
	}
	return 0, fmt.Errorf("unknown protocol %q", name)
}

// errAmbiguousProto is a protocol name ra prints for several numbers.
var errAmbiguousProto = fmt.Errorf("ra prints this name for several protocol numbers")

// raAmbiguousProtos are the names ra 3.0.8 prints for more than one IP
// protocol, with the numbers (testdata/ra-protos.csv, printed by ra from
// one flow of every protocol). ra also prints rsvp for 46 and 134
// (RSVP-E2E-IGNORE); rsvp is read as 46, the protocol seen in practice.
var raAmbiguousProtos = map[string]string{
	"any":  "61, 63, 68",
	"unas": "135, 137–252, 254, 255",
}

// raProtoNumbers are the IP protocol names ra 3.0.8 prints from its
// built-in table (without -n), each for one number: the ones in
// testdata/ra-protos.csv (made by regen.sh from one flow of every
// protocol argus records as a plain IP flow; the others, 0 1 4 6 17 41 43
// 44 47 50 51 58 60 132, are named as /etc/protocols names them).
var raProtoNumbers = map[string]int{
	"igmp": 2, "ggp": 3, "st2": 5, "cbt": 7, "egp": 8, "igp": 9, "bbn-rcc": 10, "nvp": 11, "pup": 12,
	"argus": 13, "emcon": 14, "xnet": 15, "chaos": 16, "mux": 18, "dcn": 19, "hmp": 20, "prm": 21,
	"xns-idp": 22, "trunk-1": 23, "trunk-2": 24, "leaf-1": 25, "leaf-2": 26, "rdp": 27, "irtp": 28,
	"iso-tp4": 29, "netblt": 30, "mfe-nsp": 31, "merit-inp": 32, "sep": 33, "3pc": 34, "idpr": 35,
	"xtp": 36, "ddp": 37, "idpr-cmtp": 38, "tp++": 39, "il": 40, "sdrp": 42, "idrp": 45, "mhrp": 48,
	"bna": 49, "i-nlsp": 52, "swipe": 53, "narp": 54, "mobile": 55, "tlsp": 56, "skip": 57,
	"ipv6-no": 59, "cftp": 62, "sat-expak": 64, "kryptolan": 65, "rvd": 66, "ippc": 67, "sat-mon": 69,
	"visa": 70, "ipcv": 71, "cpnx": 72, "cphb": 73, "wsn": 74, "pvp": 75, "br-sat-mon": 76,
	"sun-nd": 77, "wb-mon": 78, "wb-expak": 79, "iso-ip": 80, "vmtp": 81, "secure-vmtp": 82,
	"vines": 83, "ttp": 84, "nsfnet-igp": 85, "dgp": 86, "tcf": 87, "eigrp": 88, "ospf": 89,
	"sprite-rpc": 90, "larp": 91, "mtp": 92, "ax.25": 93, "ipip": 94, "micp": 95, "aes-sp3-d": 96,
	"etherip": 97, "encap": 98, "pri-enc": 99, "gmtp": 100, "ifmp": 101, "pnni": 102, "pim": 103,
	"aris": 104, "scps": 105, "qnx": 106, "a/n": 107, "ipcomp": 108, "snp": 109, "compaq-peer": 110,
	"ipx-n-ip": 111, "vrrp": 112, "pgm": 113, "zero": 114, "l2tp": 115, "ddx": 116, "iatp": 117,
	"stp": 118, "srp": 119, "uti": 120, "smp": 121, "sm": 122, "ptp": 123, "isis": 124, "fire": 125,
	"crtp": 126, "crudp": 127, "sccopmce": 128, "iplt": 129, "sps": 130, "pipe": 131, "fc": 133,
	"ib": 253, "rsvp": 46,
}
