package netflow

import (
	"fmt"
	"net/netip"
)

// DecodeError says what was wrong with a datagram and where: the exporter it
// came from, its version (0 when the datagram was too short to hold one) and
// the byte offset in the datagram where decoding found the problem.
type DecodeError struct {
	Exporter netip.AddrPort
	Version  uint16
	Offset   int
	Msg      string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("netflow: exporter %s: version %d: offset %d: %s", e.Exporter, e.Version, e.Offset, e.Msg)
}
