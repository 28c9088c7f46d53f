// Package live captures packets from network interfaces with Linux
// AF_PACKET sockets (a TPACKET_V3 memory-mapped ring per interface, through
// gopacket/afpacket, pure Go: no libpcap at run time) and feeds them through
// the decoder into one shared flow table.
//
// # Sources and time
//
// Every interface has its own socket and goroutine; decoded packets are
// added to the flow table under a lock. The table's clock is the packets'
// kernel timestamps, and a ticker advances it with the wall clock
// (Table.Tick) so that status records and idle timeouts fire when no
// packets come. A record is therefore written within one status interval
// (plus the tick) of its packets.
//
// # Snap length, promiscuous mode, drops
//
// The snap length is enforced by the socket filter's return value, as
// libpcap does. Promiscuous mode uses a PACKET_MR_PROMISC membership, which
// the kernel removes when the socket closes. The kernel's counters
// (PACKET_STATISTICS: packets and drops, ring freezes) are read at each
// Stats call and accumulated.
//
// # Capture filters
//
// Compile turns a capture filter in tcpdump syntax into classic BPF for
// Ethernet frames. libpcap's compiler needs cgo and libpcap at run time, so
// tapdb has its own compiler for the subset operators use (see Compile);
// tests check that it accepts exactly the same packets as libpcap's own
// program for each expression (libpcap's program is taken from `dumpcap
// -d`, run on the real captures through golang.org/x/net/bpf's VM).
//
// # Limits
//
// Only Ethernet-like interfaces (ARPHRD_ETHER, loopback) and raw-IP ones
// (tun, ARPHRD_NONE) are supported; a capture filter needs an Ethernet
// interface. Unlike libpcap, packets the host sends on the loopback
// interface are seen twice (outgoing and incoming), so capture on real
// interfaces or veth pairs.
package live
