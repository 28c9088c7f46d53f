package schema

import "strconv"

// ipProtoNames are the IP protocol names ra prints in the proto column
// without -nn (Debian's /etc/protocols keywords, as Argus 3 reads them,
// except 4, which Argus calls ipnip). One table for the sensor, the flow
// export decoder and the importer.
var ipProtoNames = [256]string{
	0: "ip", 1: "icmp", 2: "igmp", 3: "ggp", 4: "ipnip", 5: "st", 6: "tcp", 8: "egp",
	9: "igp", 12: "pup", 17: "udp", 20: "hmp", 22: "xns-idp", 27: "rdp", 29: "iso-tp4",
	33: "dccp", 36: "xtp", 37: "ddp", 38: "idpr-cmtp", 41: "ipv6", 43: "ipv6-route",
	44: "ipv6-frag", 45: "idrp", 46: "rsvp", 47: "gre", 50: "esp", 51: "ah", 57: "skip",
	58: "ipv6-icmp", 59: "ipv6-nonxt", 60: "ipv6-opts", 73: "rspf", 81: "vmtp", 88: "eigrp",
	89: "ospf", 93: "ax.25", 94: "ipip", 97: "etherip", 98: "encap", 103: "pim",
	108: "ipcomp", 112: "vrrp", 115: "l2tp", 124: "isis", 132: "sctp", 133: "fc",
	135: "mobility-header", 136: "udplite", 137: "mpls-in-ip", 138: "manet", 139: "hip",
	140: "shim6", 141: "wesp", 142: "rohc",
}

// ipProtoNumbers is the decimal text of every protocol number, so that
// naming an unnamed protocol allocates nothing.
var ipProtoNumbers = func() (n [256]string) {
	for i := range n {
		n[i] = strconv.Itoa(i)
	}
	return n
}()

// ProtoName is an IP protocol as ra prints it: its name, or its number.
func ProtoName(p uint8) string {
	if n := ipProtoNames[p]; n != "" {
		return n
	}
	return ipProtoNumbers[p]
}

// ProtoNumber is the IP protocol ra prints as name.
func ProtoNumber(name string) (uint8, bool) {
	for i, n := range ipProtoNames {
		if n != "" && n == name {
			return uint8(i), true
		}
	}
	return 0, false
}
