package capture

import "fmt"

// Link types (LINKTYPE_* values of pcap and pcapng) that tapdb decodes.
const (
	LinkNull     uint32 = 0   // BSD loopback: 4-byte host-order address family
	LinkEthernet uint32 = 1   // Ethernet II / 802.3
	LinkPPP      uint32 = 9   // PPP (RFC 1661 framing)
	LinkRaw      uint32 = 101 // raw IPv4/IPv6
	LinkLinuxSLL uint32 = 113 // Linux cooked capture v1
	LinkLoop     uint32 = 108 // OpenBSD loopback: 4-byte network-order family
	LinkIPv4     uint32 = 228 // raw IPv4
	LinkIPv6     uint32 = 229 // raw IPv6
	LinkNFLOG    uint32 = 239 // Linux netfilter NFLOG
	LinkSLL2     uint32 = 276 // Linux cooked capture v2
)

// Frame is one captured packet as a reader returns it. Data is valid only
// until the next call to Next: the reader reuses its buffer.
type Frame struct {
	TimeNanos int64  // capture time, Unix nanoseconds
	LinkType  uint32 // LINKTYPE_* of the interface the frame came from
	Data      []byte // captured bytes (may be shorter than WireLen)
	WireLen   int    // original length on the wire
	Number    int    // 1-based packet number within the file
	Offset    int64  // byte offset of the packet's record in the (decompressed) file
}

// FormatError says where a capture file is damaged: the file, the packet
// number and byte offset where reading stopped, and what was wrong.
type FormatError struct {
	File   string
	Packet int   // 1-based number of the packet being read (0: the file header)
	Offset int64 // byte offset in the (decompressed) file
	Msg    string
}

func (e *FormatError) Error() string {
	if e.Packet == 0 {
		return fmt.Sprintf("%s: offset %d: %s", e.File, e.Offset, e.Msg)
	}
	return fmt.Sprintf("%s: packet %d at offset %d: %s", e.File, e.Packet, e.Offset, e.Msg)
}
