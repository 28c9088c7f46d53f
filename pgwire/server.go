package pgwire

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// codeCannotConnectNow is PostgreSQL's SQLSTATE for "the database system is
// starting up / in recovery mode".
const codeCannotConnectNow = "57P03"

// Server is a PostgreSQL wire-protocol server over one DuckDB database.
type Server struct {
	cfg Config
	db  *sql.DB
	log *slog.Logger

	allow    atomic.Pointer[[]netip.Prefix] // Config.AllowCIDRs, replaceable by SetAllowList
	accepted atomic.Int64                   // connections the allow-list let in
	refused  atomic.Int64                   // connections it refused
	evicted  atomic.Int64                   // unauthenticated connections closed to make room
	timedOut atomic.Int64                   // connections that did not log in in time
	gone     atomic.Int64                   // queries interrupted because their client left
	tls      atomic.Pointer[tlsState]       // Config.TLS and TLSMode, replaceable by SetTLS
	throttle *loginThrottle
	hider    *strings.Replacer // of Config.HidePaths, nil if none

	mu        sync.Mutex
	closed    bool
	suspended string                // why new sessions are refused; "" while serving
	dbConns   int                   // sessions holding a connection of db
	active    int                   // sessions holding a connection slot
	startups  map[net.Conn]*startup // connections not yet authenticated
	sessions  map[uint32]*session   // by BackendKeyData process id
	conns     map[net.Conn]struct{} // every open client connection
	lns       map[net.Listener]struct{}
	stops     map[*context.CancelCauseFunc]struct{} // of running Serve calls
	wg        sync.WaitGroup
}

// New returns a server answering queries on db, a DuckDB database whose
// flow data is the view main.flows.
func New(cfg Config, db *sql.DB) (*Server, error) {
	if db == nil {
		return nil, errors.New("pgwire: nil database")
	}
	c := cfg.withDefaults()
	if !c.Trust && c.Users == "" {
		return nil, errors.New("pgwire: no users file and trust not enabled: nobody could log in")
	}
	if c.TLSMode == TLSOptional && c.TLS == nil {
		return nil, errors.New("pgwire: TLS offered but no certificate configured")
	}
	s := &Server{
		cfg:      c,
		db:       db,
		log:      c.Logger,
		sessions: make(map[uint32]*session),
		conns:    make(map[net.Conn]struct{}),
		lns:      make(map[net.Listener]struct{}),
		stops:    make(map[*context.CancelCauseFunc]struct{}),
		startups: make(map[net.Conn]*startup),
		throttle: newLoginThrottle(c.AuthFailDelay, c.AuthFailMaxDelay),
		hider:    pathHider(c.HidePaths),
	}
	s.SetAllowList(c.AllowCIDRs)
	s.tls.Store(&tlsState{cfg: c.TLS, mode: c.TLSMode})
	return s, nil
}

// Stats are the server's connection counts.
type Stats struct {
	Open     int   // client connections open now
	Startups int   // of which not yet authenticated
	Sessions int   // of which logged in
	Accepted int64 // connections the allow-list let in, since New
	Refused  int64 // connections the allow-list refused, since New
	// Evicted counts unauthenticated connections closed to make room for
	// new ones (Config.MaxStartups), TimedOut those closed after
	// Config.StartupTimeout, since New.
	Evicted, TimedOut int64
	// ClientGone counts queries interrupted because their client
	// disconnected, since New.
	ClientGone int64
}

// Stats returns the connection counts.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	st := Stats{Open: len(s.conns), Startups: len(s.startups), Sessions: s.active}
	s.mu.Unlock()
	st.Accepted, st.Refused = s.accepted.Load(), s.refused.Load()
	st.Evicted, st.TimedOut, st.ClientGone = s.evicted.Load(), s.timedOut.Load(), s.gone.Load()
	return st
}

// tlsState is the TLS configuration new connections get.
type tlsState struct {
	cfg  *tls.Config
	mode TLSMode
}

// SetTLS replaces Config.TLS and Config.TLSMode for connections that start
// from now on (open sessions keep theirs): how a renewed certificate is
// taken up without a restart.
func (s *Server) SetTLS(cfg *tls.Config, mode TLSMode) error {
	if mode == TLSOptional && cfg == nil {
		return errors.New("pgwire: TLS offered but no certificate configured")
	}
	s.tls.Store(&tlsState{cfg: cfg, mode: mode})
	return nil
}

// startup is a connection that has not finished authenticating.
type startup struct {
	since time.Time
	stop  context.CancelFunc
}

// enterStartup counts nc among the connections not yet authenticated,
// closing the oldest of them if there are Config.MaxStartups already. The
// returned context ends when nc is evicted; leave (idempotent) stops
// counting it.
func (s *Server) enterStartup(ctx context.Context, nc net.Conn, log *slog.Logger) (context.Context, func()) {
	sctx, stop := context.WithCancel(ctx)
	s.mu.Lock()
	for len(s.startups) >= s.cfg.MaxStartups {
		var oldest net.Conn
		var since time.Time
		for c, st := range s.startups {
			if oldest == nil || st.since.Before(since) {
				oldest, since = c, st.since
			}
		}
		s.startups[oldest].stop()
		delete(s.startups, oldest)
		oldest.Close()
		s.evicted.Add(1)
		log.Warn("closed the oldest connection still authenticating to make room", "closed", oldest.RemoteAddr().String(),
			"waited", time.Since(since).Round(time.Millisecond).String(), "max_startups", s.cfg.MaxStartups)
	}
	s.startups[nc] = &startup{since: time.Now(), stop: stop}
	s.mu.Unlock()
	return sctx, func() {
		s.mu.Lock()
		delete(s.startups, nc)
		s.mu.Unlock()
		stop()
	}
}

// Serve accepts connections on ln until ctx is done, ln fails or Close is
// called. It returns nil after a Close or a cancelled ctx.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("pgwire: server closed")
	}
	// Sessions run under ctx: Close cancels it, which interrupts their
	// queries, including one that starts after Close began.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	s.lns[ln] = struct{}{}
	s.stops[&cancel] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.lns, ln)
		delete(s.stops, &cancel)
		s.mu.Unlock()
	}()

	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()

	for {
		nc, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil || s.isClosed() {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return fmt.Errorf("pgwire: accept: %w", err)
		}
		if !s.track(nc) {
			nc.Close()
			return nil
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer s.untrack(nc)
			if !s.allowed(nc.RemoteAddr()) {
				s.refuse(nc)
				return
			}
			s.accepted.Add(1)
			s.handle(ctx, nc)
		}()
	}
}

// Close stops every listener, cancels running queries, closes every client
// connection and waits for the sessions to end.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	for stop := range s.stops {
		(*stop)(errShutdown)
	}
	for ln := range s.lns {
		ln.Close()
	}
	for _, ss := range s.sessions {
		ss.cancelQuery(errShutdown)
	}
	for nc := range s.conns {
		nc.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// Suspend stops the server from using its database: new sessions are
// refused with SQLSTATE 57P03 and reason, and every open session is ended
// (its running query cancelled, its connection closed). It returns once no
// session holds a connection of the database, or with ctx's error. Resume
// serves again.
//
// This is how the store is reopened after a fatal DuckDB error: the
// instance is only released when its last connection closes, as
// PostgreSQL ends every backend before it recovers from a crash.
func (s *Server) Suspend(ctx context.Context, reason string) error {
	s.mu.Lock()
	s.suspended = reason
	s.mu.Unlock()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		s.mu.Lock()
		held := s.dbConns
		for _, ss := range s.sessions {
			ss.cancelQuery(errSuspended)
			ss.conn.Close()
		}
		s.mu.Unlock()
		if held == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("pgwire: suspend: %d sessions still hold a database connection: %w", held, ctx.Err())
		case <-tick.C:
		}
	}
}

// Resume makes new sessions use db and accepts them again.
func (s *Server) Resume(db *sql.DB) {
	s.mu.Lock()
	s.db, s.suspended = db, ""
	s.mu.Unlock()
}

// errSuspended cancels the queries of sessions ended by Suspend.
var errSuspended = errors.New("server suspended: the store is being reopened")

// openDB gives a new session a connection of the database, unless the
// server is suspended.
func (s *Server) openDB(ctx context.Context) (*sql.Conn, *pgError) {
	s.mu.Lock()
	if s.suspended != "" {
		reason := s.suspended
		s.mu.Unlock()
		return nil, newFatal(codeCannotConnectNow, "the database system is in recovery mode: %s", reason)
	}
	db := s.db
	s.dbConns++
	s.mu.Unlock()
	c, err := db.Conn(ctx)
	if err != nil {
		s.closeDB(nil)
		return nil, newFatal(codeConnectionFailure, "cannot open a database connection: %v", err)
	}
	return c, nil
}

// closeDB closes a session's database connection.
func (s *Server) closeDB(c *sql.Conn) {
	if c != nil {
		c.Close()
	}
	s.mu.Lock()
	s.dbConns--
	s.mu.Unlock()
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func (s *Server) track(nc net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[nc] = struct{}{}
	return true
}

func (s *Server) untrack(nc net.Conn) {
	s.mu.Lock()
	delete(s.conns, nc)
	s.mu.Unlock()
	nc.Close()
}

// acquire takes a connection slot for a new session.
func (s *Server) acquire() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.active >= s.cfg.MaxConns {
		return false
	}
	s.active++
	return true
}

func (s *Server) release() {
	s.mu.Lock()
	s.active--
	s.mu.Unlock()
}

// register gives ss a unique process id and a random secret key.
func (s *Server) register(ss *session) error {
	var b [8]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			return fmt.Errorf("generate backend key: %w", err)
		}
		pid := binary.BigEndian.Uint32(b[:4]) & 0x7fffffff
		if pid == 0 {
			continue
		}
		s.mu.Lock()
		if _, dup := s.sessions[pid]; !dup {
			ss.pid = pid
			ss.secret = append([]byte(nil), b[4:]...)
			s.sessions[pid] = ss
			s.mu.Unlock()
			return nil
		}
		s.mu.Unlock()
	}
}

func (s *Server) unregister(ss *session) {
	s.mu.Lock()
	if s.sessions[ss.pid] == ss {
		delete(s.sessions, ss.pid)
	}
	s.mu.Unlock()
}

// cancel handles a CancelRequest: the matching session's running query is
// cancelled. Mismatches are ignored, as PostgreSQL does.
func (s *Server) cancel(pid uint32, secret []byte) {
	s.mu.Lock()
	ss := s.sessions[pid]
	s.mu.Unlock()
	if ss == nil || subtle.ConstantTimeCompare(ss.secret, secret) != 1 {
		s.log.Warn("cancel request with unknown key", "pid", pid)
		return
	}
	ss.cancelQuery(errCancelRequest)
}

// addrIP extracts the IP of a TCP address (unmapped from IPv4-in-IPv6).
func addrIP(addr net.Addr) (netip.Addr, bool) {
	switch a := addr.(type) {
	case *net.TCPAddr:
		ip, ok := netip.AddrFromSlice(a.IP)
		return ip.Unmap(), ok
	default:
		ap, err := netip.ParseAddrPort(addr.String())
		if err != nil {
			return netip.Addr{}, false
		}
		return ap.Addr().Unmap(), true
	}
}

// isLoopback reports whether the client connected over loopback. Unix
// sockets count as local.
func isLoopback(addr net.Addr) bool {
	if _, ok := addr.(*net.UnixAddr); ok {
		return true
	}
	ip, ok := addrIP(addr)
	return ok && ip.IsLoopback()
}
