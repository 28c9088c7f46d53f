package pgwire

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
)

// refuseTimeout bounds how long a refused client may take to send its
// startup message (or StartupTimeout, if shorter).
const refuseTimeout = 5 * time.Second

// ParseAllowList reads an allow-list: client networks in CIDR notation
// (10.0.0.0/8, fd00::/8) or single addresses.
func ParseAllowList(specs []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, a := range specs {
		p, err := netip.ParsePrefix(a)
		if err != nil {
			addr, aerr := netip.ParseAddr(a)
			if aerr != nil {
				return nil, fmt.Errorf("allow %s: %w", a, err)
			}
			p = netip.PrefixFrom(addr, addr.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// SetAllowList replaces the allow-list (see Config.AllowCIDRs): new
// connections are checked against list, open sessions are kept.
func (s *Server) SetAllowList(list []netip.Prefix) {
	list = append([]netip.Prefix(nil), list...)
	s.allow.Store(&list)
}

// allowed reports whether a client address passes the allow-list.
func (s *Server) allowed(addr net.Addr) bool {
	list := *s.allow.Load()
	if len(list) == 0 {
		return true
	}
	ip, ok := addrIP(addr)
	if !ok {
		return false
	}
	for _, p := range list {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// refuse tells a client the allow-list refuses why it cannot connect, as
// PostgreSQL does for a client without a pg_hba.conf entry: SSLRequest and
// GSSENCRequest are declined, and the StartupMessage is answered with a
// FATAL 28000 ErrorResponse, so that psql and drivers show the message.
// Nothing else is done for the client: no TLS, no authentication, no
// session. The refusal is logged with the client's address.
func (s *Server) refuse(nc net.Conn) {
	s.refused.Add(1)
	remote := nc.RemoteAddr()
	host := hostOf(remote)
	nc.SetDeadline(time.Now().Add(min(s.cfg.StartupTimeout, refuseTimeout)))
	user, database, err := s.refuseStartup(nc, host)
	attrs := []any{"remote", remote.String()}
	if user != "" {
		attrs = append(attrs, "user", user, "database", database)
	}
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		attrs = append(attrs, "err", err)
	}
	s.log.Warn("connection refused: address not in the allow-list", attrs...)
}

// refuseStartup reads the client's startup packets and answers its
// StartupMessage with the refusal.
func (s *Server) refuseStartup(nc net.Conn, host string) (user, database string, err error) {
	be := pgproto3.NewBackend(nc, nc)
	for range 4 {
		msg, err := be.ReceiveStartupMessage()
		if err != nil {
			return "", "", fmt.Errorf("read startup message: %w", err)
		}
		switch m := msg.(type) {
		case *pgproto3.SSLRequest, *pgproto3.GSSEncRequest:
			if _, err := nc.Write([]byte{'N'}); err != nil {
				return "", "", fmt.Errorf("decline encryption: %w", err)
			}
		case *pgproto3.StartupMessage:
			user, database = m.Parameters["user"], m.Parameters["database"]
			if database == "" {
				database = user
			}
			sendFatal(be, newFatal(codeInvalidAuthorization,
				"no allow-list entry for host %q, user %q, database %q", host, user, database))
			return user, database, nil
		case *pgproto3.CancelRequest:
			return "", "", errors.New("cancel request refused")
		default:
			return "", "", fmt.Errorf("unexpected startup message %T", msg)
		}
	}
	return "", "", errors.New("too many startup packets")
}
