package netflow

// VersionStats counts what a Decoder did with the datagrams of one export
// version.
type VersionStats struct {
	Datagrams uint64 // datagrams of this version handed to Decode
	Records   uint64 // flow records decoded (before pairing)
	Malformed uint64 // malformed datagram headers, sets, templates and records skipped
	NoAddress uint64 // data records without IP addresses (layer-2 or MPLS-only templates), skipped
	// Deferred counts data sets held because their template was unknown;
	// MissingTemplate those of them (or, with no room to hold them, sets)
	// that were dropped because their template never came.
	Deferred        uint64
	MissingTemplate uint64
	Templates       uint64 // template and options-template records accepted
	OptionsRecords  uint64 // options data records read (sampling, system init time)
}

// Stats is a snapshot of a Decoder's counters.
type Stats struct {
	V5, V9, IPFIX  VersionStats
	UnknownVersion uint64 // datagrams whose version is not 5, 9 or 10
	Paired         uint64 // bidirectional records made from two one-way records
	Emitted        uint64 // records handed to emit
	// Gauges.
	TemplatesHeld  int // templates currently usable or not yet swept
	PendingSets    int // data sets held for a template
	PendingRecords int // one-way records waiting for a partner
}

func (s *Stats) version(v uint16) *VersionStats {
	switch v {
	case 5:
		return &s.V5
	case 9:
		return &s.V9
	default:
		return &s.IPFIX
	}
}
