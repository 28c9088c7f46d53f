// Command loopcap builds a large benchmark capture from a small real one:
// it writes many copies of the input, each copy's timestamps shifted by a
// fixed step so that the copies overlap in time, and each copy's IPv4 and
// IPv6 unicast addresses rewritten to addresses of its own, so that every
// copy adds its own flows. The output is one time-ordered classic pcap.
//
//	go run ./bench/loopcap -in testdata/pcaps/ndpi-gnutella-mixed.pcap \
//		-copies 1500 -shift 1s -out bench/out/big.pcap
//
// Address rewriting is injective: the k-th distinct unicast IPv4 address of
// the input becomes 10.0.0.0 + copy*K + k (K = number of distinct ones), IPv6
// ones become fd00::copy*K+k; multicast, broadcast and unspecified addresses
// are kept. IPv4 header, TCP, UDP and ICMPv6 checksums are updated
// incrementally (RFC 1624), so the copies are as well-formed as the input.
// Only Ethernet captures (with or without 802.1Q tags) are rewritten; the
// input must be a classic pcap.
package main
