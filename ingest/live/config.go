package live

import (
	"log/slog"
	"time"

	"tapdb/ingest/flow"
)

// Config configures a Capture.
type Config struct {
	Interfaces []string
	// Snaplen is the number of bytes kept per packet (default 65535).
	Snaplen int
	// Promisc puts the interfaces in promiscuous mode.
	Promisc bool
	// Filter is a capture filter in tcpdump syntax ("" captures everything).
	Filter string
	// RingBytes is the ring size per interface (default 32 MiB).
	RingBytes int
	// Flow configures the flow table.
	Flow flow.Config
	// TickEvery is how often the flow table's clock follows the wall clock
	// when no packets come (default 250 ms).
	TickEvery time.Duration
	Logger    *slog.Logger
}

// InterfaceStats count one interface's traffic.
type InterfaceStats struct {
	Name          string
	Packets       int64 // packets read from the ring
	Bytes         int64 // their wire lengths
	DecodeErrors  int64 // packets the decoder could not read
	KernelPackets uint64
	KernelDrops   uint64 // packets the kernel dropped because the ring was full
	Freezes       uint64 // ring queue freezes
}
