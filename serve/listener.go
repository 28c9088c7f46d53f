package serve

import (
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
)

// gateListener wraps the Postgres endpoint's listener: it applies the
// client allow-list (replaceable at run time, so SIGHUP can change it
// without touching open sessions) and counts connections for the metrics.
type gateListener struct {
	net.Listener
	allow    atomic.Pointer[[]netip.Prefix]
	open     atomic.Int64
	accepted atomic.Int64
	refused  atomic.Int64
}

func newGateListener(ln net.Listener, allow []netip.Prefix) *gateListener {
	g := &gateListener{Listener: ln}
	g.setAllow(allow)
	return g
}

func (g *gateListener) setAllow(p []netip.Prefix) { g.allow.Store(&p) }

func (g *gateListener) allowed(addr net.Addr) bool {
	list := *g.allow.Load()
	if len(list) == 0 {
		return true
	}
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil {
		return false
	}
	a := ap.Addr().Unmap()
	for _, p := range list {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Accept returns the next allowed connection; others are closed before a
// byte is read.
func (g *gateListener) Accept() (net.Conn, error) {
	for {
		c, err := g.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if !g.allowed(c.RemoteAddr()) {
			g.refused.Add(1)
			c.Close()
			continue
		}
		g.accepted.Add(1)
		g.open.Add(1)
		return &countedConn{Conn: c, open: &g.open}, nil
	}
}

type countedConn struct {
	net.Conn
	open *atomic.Int64
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.open.Add(-1) })
	return c.Conn.Close()
}
