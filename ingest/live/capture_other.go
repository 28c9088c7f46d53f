//go:build !linux

package live

import (
	"context"
	"errors"

	"tapdb/ingest/flow"
	"tapdb/schema"
)

// Capture is not available on this system: live capture uses Linux
// AF_PACKET sockets.
type Capture struct{}

// Open fails: live capture needs Linux.
func Open(cfg Config, emit func(*schema.Record) error) (*Capture, error) {
	return nil, errors.New("live: capture from interfaces needs Linux (AF_PACKET)")
}

func (c *Capture) Run(ctx context.Context) error { return errors.New("live: not supported") }
func (c *Capture) Stats() []InterfaceStats       { return nil }
func (c *Capture) FlowStats() flow.Stats         { return flow.Stats{} }
func (c *Capture) Close()                        {}
