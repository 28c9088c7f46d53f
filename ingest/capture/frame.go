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
	WireLen   int    // original length on the wire (see MaxWireLen)
	// BadWireLen is set when the original length the file records is
	// below the captured length or above MaxWireLen: the record header is
	// damaged, and WireLen is the captured length. RecordedLen keeps the
	// recorded value for the report.
	BadWireLen  bool
	RecordedLen uint32
	Number      int   // 1-based packet number within the file
	Offset      int64 // byte offset of the packet's record in the (decompressed) file
}

// MaxWireLen is the largest original (on-the-wire) length a packet record
// may claim, on every link type: libpcap's MAXIMUM_SNAPLEN (262144), the
// largest packet it captures on any link, Linux's coalesced GRO/BIG TCP
// packets and USB transfers included. Ethernet's own limit (1518, 9018 with
// jumbo frames) is not used: offloading makes captured Ethernet frames of
// 64 KiB common. A larger claim means a damaged record header.
const MaxWireLen = 262144

// setWireLen sets f.WireLen from the recorded original length, checked
// against the captured length and MaxWireLen.
func (f *Frame) setWireLen(recorded uint32) {
	f.RecordedLen = recorded
	f.BadWireLen = int64(recorded) < int64(len(f.Data)) || recorded > MaxWireLen
	f.WireLen = int(recorded)
	if f.BadWireLen {
		f.WireLen = len(f.Data)
	}
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
