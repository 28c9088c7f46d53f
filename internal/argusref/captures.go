package argusref

// Mode says how the faithfulness test treats a capture.
type Mode int

const (
	// ModeCompare compares per 5-tuple, with the faithfulness test's
	// thresholds.
	ModeCompare Mode = iota
	// ModeTotals compares only the capture's packet and byte totals: Argus
	// reports its tunnels as outer flows while tapdb decapsulates them.
	ModeTotals
	// ModeSkip keeps a golden but compares nothing: Argus silently dropped
	// the capture's packets, so its records are no reference.
	ModeSkip
	// ModeNoGolden marks a capture Argus refuses or cannot give a stable
	// result for; there is no golden.
	ModeNoGolden
)

// Capture describes one capture under testdata/pcaps.
type Capture struct {
	Name string // file name under testdata/pcaps
	Mode Mode
	// Damaged marks a capture that is cut short or corrupt: tapdb must
	// return an error naming the damage and still emit the flows before it.
	Damaged bool
	// Reason explains a mode other than ModeCompare (DIFFERENCES.md has more).
	Reason string
}

// GoldenRa and GoldenRacluster are the golden files' names under
// testdata/argus.
func (c Capture) GoldenRa() string        { return c.Name + ".ra.csv" }
func (c Capture) GoldenRacluster() string { return c.Name + ".racluster.csv" }

// Captures lists every capture under testdata/pcaps, in file-name order.
func Captures() []Capture {
	return []Capture{
		{Name: "akvorado-ipfix-ipfixprobe-1-templates.pcap"},
		{Name: "akvorado-ipfix-ipfixprobe-2-data.pcap"},
		{Name: "akvorado-netflow-v5.pcap"},
		{Name: "akvorado-netflow-v9-templates-data.pcap"},
		{Name: "gopacket-null-loopback-ipv6.pcap"},
		{Name: "gopacket-pcapng-bigendian-test202.pcapng", Mode: ModeSkip,
			Reason: "argus 3.0.8 writes no record for a big-endian pcapng"},
		{Name: "ipfixprobe-arp.pcap"},
		{Name: "ndpi-6in4-tunnel.pcap", Mode: ModeTotals,
			Reason: "6in4: argus reports the IPv4 tunnel endpoints (proto ipv6), tapdb the inner IPv6 flows"},
		{Name: "ndpi-fuzz-cut-short.pcap", Damaged: true},
		{Name: "ndpi-gnutella-mixed.pcap"},
		{Name: "ndpi-ipv6-http-tls-quic.pcap"},
		{Name: "ndpi-netflow-v9-no-templates.pcap"},
		{Name: "ndpi-synscan.pcap"},
		{Name: "pcapplusplus-dns-packets.pcap"},
		{Name: "pcapplusplus-ipv4-fragments-nfs.pcap"},
		{Name: "pcapplusplus-linux-sll.pcap"},
		{Name: "pcapplusplus-many-interfaces.pcapng", Mode: ModeSkip,
			Reason: "argus 3.0.8 drops every packet of a pcapng whose interfaces have different link types (0 of 64 read)"},
		{Name: "pcapplusplus-many-protocols-large.pcap"},
		{Name: "pcapplusplus-raw-ip.pcap"},
		{Name: "pcapplusplus-tcp-mysql-fin-rst.pcap"},
		{Name: "pcapplusplus-vlan-8021q.pcap"},
		{Name: "pmacct-ipfix-cisco.pcap"},
		{Name: "pmacct-netflow-v9-cisco.pcap"},
		{Name: "tcpdump-empty-header-only.pcap"},
		{Name: "tcpdump-mpls-traceroute-ppp.pcap", Mode: ModeNoGolden,
			Reason: "argus 3.0.8 decodes MPLS over PPP as IPv6 garbage whose protocol changes from run to run"},
		{Name: "tcpdump-tcp-handshake-nanosec-sll.pcap"},
		{Name: "tcpdump-vxlan.pcap"},
		{Name: "zeek-gre-sample.pcap"},
		{Name: "zeek-icmp-5-pings.pcap"},
		{Name: "zeek-icmpv6-mixed.pcap"},
		{Name: "zeek-ipip-4in4.pcap", Mode: ModeTotals,
			Reason: "IP-in-IP: argus reports the outer flow (proto ipnip), tapdb the inner UDP flow"},
		{Name: "zeek-ipv6-fragmented-dns.pcap"},
		{Name: "zeek-irc-dcc-send-truncated-small.pcapng", Damaged: true},
		{Name: "zeek-irc-dcc-send.pcapng"},
		{Name: "zeek-linux-sll2.pcap", Mode: ModeNoGolden,
			Reason: "argus 3.0.8 refuses link type SLL2 (276); tapdb reads it"},
		{Name: "zeek-mixed-vlan-mpls.pcap"},
		{Name: "zeek-nflog-http.pcap", Mode: ModeNoGolden,
			Reason: "argus 3.0.8 refuses link type NFLOG (239); tapdb reads it"},
		{Name: "zeek-teredo.pcap"},
		{Name: "zeek-wikipedia-mixed-truncated.pcap", Damaged: true},
		{Name: "zeek-wikipedia-mixed.pcap"},
	}
}
