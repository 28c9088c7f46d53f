package netflow

import "time"

// Config configures a Decoder. The zero value is usable.
type Config struct {
	// Srcid is written into every record's srcid; empty means the exporter's
	// address (without the port).
	Srcid string
	// TemplateTimeout is how long a template stays usable after it was last
	// announced; 0 means DefaultTemplateTimeout.
	TemplateTimeout time.Duration
	// PairWindow is how long (in receive time) a one-way record waits for the
	// record of the opposite direction, and the slack allowed between their
	// time ranges; 0 means DefaultPairWindow, negative turns pairing off.
	PairWindow time.Duration
}

// Defaults for the zero fields of Config.
const (
	DefaultTemplateTimeout = 30 * time.Minute
	DefaultPairWindow      = 2 * time.Second
)

// Bounds that keep a Decoder's memory finite whatever the exporters send.
const (
	maxTemplates    = 1 << 16 // templates held over all exporters
	pendingTimeout  = 10 * time.Second
	pendingMaxBytes = 1 << 20 // raw data sets held while their template is unknown
	pendingMaxSets  = 1024
	pairMaxRecords  = 1 << 16 // one-way records waiting for a partner
	maxSamplers     = 1 << 12 // sampler ids remembered per exporter and domain
	maxDomains      = 1 << 14 // exporter domains with options data remembered
)

func (c Config) withDefaults() Config {
	if c.TemplateTimeout <= 0 {
		c.TemplateTimeout = DefaultTemplateTimeout
	}
	if c.PairWindow == 0 {
		c.PairWindow = DefaultPairWindow
	}
	return c
}
