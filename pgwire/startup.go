package pgwire

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5/pgproto3"

	"tapdb/internal/duckc"
)

// handle runs one client connection from its first byte to its close.
// Until it has authenticated, the connection is bounded in time
// (Config.StartupTimeout) and counted apart (Config.MaxStartups); it
// takes one of the Config.MaxConns session slots only once logged in.
func (s *Server) handle(ctx context.Context, nc net.Conn) {
	remote := nc.RemoteAddr()
	log := s.log.With("remote", remote.String())
	sctx, leave := s.enterStartup(ctx, nc, log)
	defer leave()
	deadline := time.Now().Add(s.cfg.StartupTimeout)
	nc.SetDeadline(deadline)
	timedOut := func(err error) bool {
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			return false
		}
		s.timedOut.Add(1)
		log.Warn("closed a connection that did not log in in time", "addr", hostOf(remote), "timeout", s.cfg.StartupTimeout.String())
		return true
	}

	conn, be, startup, ts, err := s.startup(sctx, nc)
	if err != nil {
		if !timedOut(err) && sctx.Err() == nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, errHandled) {
			log.Info("startup failed", "err", err)
		}
		return
	}
	if startup == nil {
		return // cancel request, served
	}
	_, isTLS := conn.(*tls.Conn)
	if ts.mode == TLSRequired && !isTLS {
		sendFatal(be, newFatal(codeInvalidAuthorization, "TLS is required: connect with sslmode=require"))
		log.Warn("plain connection refused: TLS required", "addr", hostOf(remote))
		return
	}

	user := startup.Parameters["user"]
	if user == "" {
		sendFatal(be, newFatal(codeInvalidAuthorization, "no PostgreSQL user name specified in startup packet"))
		return
	}
	if err := s.authenticate(sctx, be, conn, user, deadline, log); err != nil {
		var pe *pgError
		if errors.As(err, &pe) {
			sendFatal(be, s.hidePaths(pe))
		} else {
			timedOut(err)
		}
		return
	}
	leave()
	if !s.acquire() {
		sendFatal(be, newFatal(codeTooManyConnections, "sorry, too many clients already"))
		log.Warn("connection refused: too many clients", "max", s.cfg.MaxConns)
		return
	}
	defer s.release()
	conn.SetDeadline(time.Time{})

	sqlConn, perr := s.openDB(ctx)
	if perr != nil {
		sendFatal(be, s.hidePaths(perr))
		log.Warn("session refused", "err", perr.Error())
		return
	}
	defer s.closeDB(sqlConn)

	ss := newSession(s, conn, be, startup.Parameters, log.With("user", user))
	if err := s.register(ss); err != nil {
		sendFatal(be, newFatal(codeInternalError, "%v", err))
		return
	}
	defer s.unregister(ss)
	log.Info("session started", "user", user, "database", startup.Parameters["database"], "pid", ss.pid, "tls", isTLS)

	err = duckc.Raw(sqlConn, func(dv any, dc *duckdb.Conn, native *duckc.Conn, why error) error {
		if dc == nil {
			return fmt.Errorf("database driver is %T, not DuckDB", dv)
		}
		if native == nil {
			log.Warn("results will be materialised, not streamed", "err", why)
		}
		return ss.run(ctx, dc, native)
	})
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, net.ErrClosed) {
		log.Info("session ended", "pid", ss.pid, "err", err)
	} else {
		log.Debug("session ended", "pid", ss.pid)
	}
}

// errHandled marks a startup that already answered the client.
var errHandled = errors.New("handled")

// startup reads startup packets until a StartupMessage, serving SSLRequest,
// GSSENCRequest and CancelRequest on the way. It returns a nil message
// after a cancel request.
func (s *Server) startup(ctx context.Context, nc net.Conn) (net.Conn, *pgproto3.Backend, *pgproto3.StartupMessage, *tlsState, error) {
	ts := s.tls.Load()
	conn := nc
	be := pgproto3.NewBackend(conn, conn)
	tlsDone := false
	for range 4 {
		msg, err := be.ReceiveStartupMessage()
		if err != nil {
			return nil, nil, nil, nil, fmt.Errorf("read startup message: %w", err)
		}
		switch m := msg.(type) {
		case *pgproto3.SSLRequest:
			if tlsDone {
				return nil, nil, nil, nil, errors.New("second SSLRequest")
			}
			if ts.cfg == nil || ts.mode == TLSOff {
				if _, err := conn.Write([]byte{'N'}); err != nil {
					return nil, nil, nil, nil, fmt.Errorf("answer SSLRequest: %w", err)
				}
				continue
			}
			if _, err := conn.Write([]byte{'S'}); err != nil {
				return nil, nil, nil, nil, fmt.Errorf("answer SSLRequest: %w", err)
			}
			tc := tls.Server(conn, ts.cfg)
			if err := tc.HandshakeContext(ctx); err != nil {
				return nil, nil, nil, nil, fmt.Errorf("TLS handshake: %w", err)
			}
			conn = tc
			be = pgproto3.NewBackend(conn, conn)
			tlsDone = true
		case *pgproto3.GSSEncRequest:
			if _, err := conn.Write([]byte{'N'}); err != nil {
				return nil, nil, nil, nil, fmt.Errorf("answer GSSENCRequest: %w", err)
			}
		case *pgproto3.CancelRequest:
			s.cancel(m.ProcessID, m.SecretKey)
			return conn, be, nil, ts, nil
		case *pgproto3.StartupMessage:
			be.SetMaxBodyLen(s.cfg.MaxMessageSize)
			if m.ProtocolVersion != pgproto3.ProtocolVersion30 {
				// Offer 3.0, the only version served, and decline every
				// protocol extension option.
				var opts []string
				for k := range m.Parameters {
					if strings.HasPrefix(k, "_pq_.") {
						opts = append(opts, k)
					}
				}
				be.Send(&pgproto3.NegotiateProtocolVersion{NewestMinorProtocol: 0, UnrecognizedOptions: opts})
			}
			return conn, be, m, ts, nil
		default:
			return nil, nil, nil, nil, fmt.Errorf("unexpected startup message %T", msg)
		}
	}
	return nil, nil, nil, nil, errors.New("too many startup packets")
}

// sendFatal sends a FATAL error and flushes it; write errors are moot, the
// connection is closing.
func sendFatal(be *pgproto3.Backend, e *pgError) {
	if e.Severity == "" || e.Severity == "ERROR" {
		e.Severity = "FATAL"
	}
	be.Send(e.response())
	_ = be.Flush()
}
