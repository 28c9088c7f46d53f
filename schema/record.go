package schema

import (
	"encoding/binary"
	"net/netip"
	"time"
)

// Record is one Argus-style bidirectional flow record: what the flow table
// emits at a status tick, an idle timeout or the end of input, and what the
// writer appends as one row.
//
// The source (saddr, sport, smac, …) is the endpoint that sent the first
// packet the sensor saw for the flow, as in Argus. Optional values use the
// Has* flags; a false flag is written as SQL NULL.
type Record struct {
	Stime, Ltime time.Time

	Flgs  string // Argus's 9-character flags column, trimmed of trailing blanks
	Proto string // protocol as ra prints it without -nn: "tcp", "udp", "ipv6-icmp", "arp", or a number
	PNum  int32  // protocol number as ra -nn prints it: IP protocol, or the ethertype for non-IP
	EType uint16 // ethertype of the flow's network layer: 0x0800, 0x86dd, 0x0806, …

	Saddr, Daddr string // text form: IPv4, IPv6 (RFC 5952), or MAC for non-IP flows
	// SaddrNum and DaddrNum are the addresses as 128-bit numbers (IPv4 mapped
	// into ::ffff:0:0/96), Hi and Lo halves; valid when HasAddrNum.
	SaddrHi, SaddrLo, DaddrHi, DaddrLo uint64
	HasAddrNum                         bool

	Sport, Dport int32
	HasPorts     bool

	Dir   string // "->", "<->", "<?>", "who", … trimmed
	State string // "CON", "FIN", "ECO", …
	Cause string // "Start", "Status", "Timeout", …

	Spkts, Dpkts           int64
	Sbytes, Dbytes         int64
	Sappbytes, Dappbytes   int64
	Sttl, Dttl, Stos, Dtos uint8
	HasSttl, HasDttl       bool // an IPv4/IPv6 packet was seen from that side

	Smac, Dmac string // "" when unknown

	Svlan, Dvlan         uint16
	HasSvlan, HasDvlan   bool
	Smpls, Dmpls         uint32
	HasSmpls, HasDmpls   bool
	STCPFlags, DTCPFlags uint8 // OR of the TCP flags each side sent
	Sretrans, Dretrans   int64
	Swin, Dwin           uint32  // last TCP window seen from each side (argus reports it scaled, beyond 65535)
	Stcpb, Dtcpb         uint32  // initial TCP sequence numbers
	Synack, Ackdat       float64 // seconds; 0 when not measured
	Encaps               string  // encapsulations the flow was carried in, outermost first: "eth,vlan,gre"
	Inode                string  // address of the node that sent an ICMP error mapped onto this flow

	Srcid string
	Seq   int64
	Trans int32
}

// Dur is ltime − stime in seconds.
func (r *Record) Dur() float64 { return r.Ltime.Sub(r.Stime).Seconds() }

// AddrHalves is an IP address as the 128-bit number the store keeps
// (IPv4 mapped into ::ffff:0:0/96), split into its upper and lower 64
// bits: the values of SaddrHi/SaddrLo and DaddrHi/DaddrLo.
func AddrHalves(a netip.Addr) (hi, lo uint64) {
	b := a.As16()
	return binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
}
