package collector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"tapdb/ingest/netflow"
	"tapdb/schema"
)

// Config configures a Collector.
type Config struct {
	// Listen are the UDP addresses to receive exports on ("host:port",
	// ":2055"). NetFlow and IPFIX may share a socket: the version field of
	// each datagram decides how it is decoded.
	Listen []string
	// Decoder configures the NetFlow/IPFIX decoder shared by every socket.
	Decoder netflow.Config
	// ReadBuffer is the socket receive buffer to ask for (SO_RCVBUF); 0
	// keeps the system default. Bursty exporters need a large one.
	ReadBuffer int
	// ExpireEvery is how often records waiting for their reverse direction
	// are checked for expiry when no datagrams arrive (default 1 s).
	ExpireEvery time.Duration
	// LogEvery bounds malformed-datagram log lines to one per exporter per
	// interval (default 10 s); every datagram is counted regardless.
	LogEvery time.Duration
	Logger   *slog.Logger
}

// ListenerStats count one socket's traffic.
type ListenerStats struct {
	Addr       string // the socket's local address
	Datagrams  uint64
	Bytes      uint64
	Malformed  uint64 // datagrams the decoder reported a problem with
	ReadErrors uint64
}

// Stats is a snapshot of a Collector's counters.
type Stats struct {
	Listeners []ListenerStats
	Decoder   netflow.Stats
}

// Collector receives export datagrams on UDP sockets. Create it with New,
// open its sockets with Listen, then Run it.
type Collector struct {
	cfg  Config
	emit func(*schema.Record) error
	log  *slog.Logger
	dec  *netflow.Decoder

	conns []*net.UDPConn
	stats []listenerCounters

	logMu   sync.Mutex
	lastLog map[netip.Addr]logState
}

type listenerCounters struct {
	datagrams, bytes, malformed, readErrors atomic.Uint64
}

type logState struct {
	at         time.Time
	suppressed int
}

// New returns a collector that hands every decoded record to emit. emit is
// called from the socket goroutines, one call at a time (the decoder's lock
// is held); its error is logged and the record lost, so a sink that can
// fail should count its own losses and return nil.
func New(cfg Config, emit func(*schema.Record) error) *Collector {
	if cfg.ExpireEvery <= 0 {
		cfg.ExpireEvery = time.Second
	}
	if cfg.LogEvery <= 0 {
		cfg.LogEvery = 10 * time.Second
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Collector{cfg: cfg, emit: emit, log: log, dec: netflow.NewDecoder(cfg.Decoder), lastLog: map[netip.Addr]logState{}}
}

// Listen opens the UDP sockets, so that a bad address fails before the
// daemon starts serving.
func (c *Collector) Listen(ctx context.Context) error {
	var lc net.ListenConfig
	for _, a := range c.cfg.Listen {
		pc, err := lc.ListenPacket(ctx, "udp", a)
		if err != nil {
			c.Close()
			return fmt.Errorf("collector: listen on %s: %w", a, err)
		}
		conn := pc.(*net.UDPConn)
		if c.cfg.ReadBuffer > 0 {
			if err := setReadBuffer(conn, c.cfg.ReadBuffer); err != nil {
				c.log.Warn("collector: cannot set the socket receive buffer", "addr", a, "err", err)
			}
		}
		c.conns = append(c.conns, conn)
	}
	c.stats = make([]listenerCounters, len(c.conns))
	return nil
}

// Addrs returns the local addresses of the open sockets.
func (c *Collector) Addrs() []net.Addr {
	out := make([]net.Addr, len(c.conns))
	for i, conn := range c.conns {
		out[i] = conn.LocalAddr()
	}
	return out
}

// Close closes the sockets; Run returns once they are closed.
func (c *Collector) Close() error {
	var errs []error
	for _, conn := range c.conns {
		if err := conn.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Run reads datagrams until ctx is done, then closes the sockets and
// flushes the records still waiting for a partner to emit.
func (c *Collector) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for i, conn := range c.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.read(ctx, conn, &c.stats[i])
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(c.cfg.ExpireEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				if err := c.dec.Expire(now, c.emit); err != nil {
					c.log.Error("collector: emitting expired records", "err", err)
				}
			}
		}
	}()
	<-ctx.Done()
	c.Close()
	wg.Wait()
	if err := c.dec.Flush(c.emit); err != nil {
		return fmt.Errorf("collector: flush: %w", err)
	}
	return nil
}

func (c *Collector) read(ctx context.Context, conn *net.UDPConn, st *listenerCounters) {
	buf := make([]byte, 65536)
	for {
		n, from, err := conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			st.readErrors.Add(1)
			c.log.Warn("collector: read", "addr", conn.LocalAddr(), "err", err)
			continue
		}
		st.datagrams.Add(1)
		st.bytes.Add(uint64(n))
		from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
		if err := c.dec.Decode(from, buf[:n], time.Now(), c.emit); err != nil {
			st.malformed.Add(1)
			c.logMalformed(from.Addr(), err)
		}
	}
}

// logMalformed logs a decode problem, at most once per exporter per
// LogEvery.
func (c *Collector) logMalformed(exporter netip.Addr, err error) {
	c.logMu.Lock()
	defer c.logMu.Unlock()
	now := time.Now()
	s := c.lastLog[exporter]
	if !s.at.IsZero() && now.Sub(s.at) < c.cfg.LogEvery {
		s.suppressed++
		c.lastLog[exporter] = s
		return
	}
	c.log.Warn("collector: malformed export datagram", "exporter", exporter, "err", err, "not_logged_since_last", s.suppressed)
	if len(c.lastLog) > 4096 { // bound the map against address churn
		clear(c.lastLog)
	}
	c.lastLog[exporter] = logState{at: now}
}

// Stats returns a snapshot of the counters.
func (c *Collector) Stats() Stats {
	s := Stats{Decoder: c.dec.Stats(), Listeners: make([]ListenerStats, len(c.conns))}
	for i, conn := range c.conns {
		st := &c.stats[i]
		s.Listeners[i] = ListenerStats{
			Addr: conn.LocalAddr().String(), Datagrams: st.datagrams.Load(), Bytes: st.bytes.Load(),
			Malformed: st.malformed.Load(), ReadErrors: st.readErrors.Load(),
		}
	}
	return s
}
