package pgwire

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/xdg-go/scram"
)

const mechSCRAM = "SCRAM-SHA-256"

// authenticate runs the authentication exchange for user and sends
// AuthenticationOk on success. An attempt for an address or user with
// recent failures first waits out the failed-login backoff
// (loginThrottle), or is refused when that wait would outlast deadline. A
// failure is logged with the client's address (for fail2ban), delayed by
// Config.AuthFailDelay and returned as a FATAL pgError for the caller to
// send.
func (s *Server) authenticate(ctx context.Context, be *pgproto3.Backend, conn net.Conn, user string, deadline time.Time, log *slog.Logger) error {
	if s.cfg.Trust && isLoopback(conn.RemoteAddr()) {
		be.Send(&pgproto3.AuthenticationOk{})
		return nil
	}
	addr := hostOf(conn.RemoteAddr())
	now := time.Now()
	if start := s.throttle.reserve(addr, user, now, deadline); start.After(deadline) {
		log.Warn("login refused: too many failed logins", "addr", addr, "user", user, "retry_in", start.Sub(now).Round(time.Second).String())
		return newFatal(codeInvalidAuthorization, "too many failed login attempts for user %q or from host %q: try again later", user, addr)
	} else if start.After(now) {
		log.Info("login throttled after failed logins", "addr", addr, "user", user, "wait", start.Sub(now).String())
		if err := sleepCtx(ctx, start.Sub(now)); err != nil {
			return err
		}
	}
	err := s.scramExchange(be, user)
	if err == nil {
		s.throttle.succeeded(addr, user)
		be.Send(&pgproto3.AuthenticationOk{})
		return nil
	}
	var pe *pgError
	if !errors.As(err, &pe) {
		// The client went away or stalled: not a guess.
		log.Info("authentication not completed", "addr", addr, "user", user, "err", err)
		return err
	}
	if pe.Code == codeInvalidPassword {
		n := s.throttle.failed(addr, user, time.Now())
		log.Warn("authentication failed", "addr", addr, "user", user, "failures", n, "err", err)
	} else {
		log.Warn("authentication failed", "addr", addr, "user", user, "err", err)
	}
	_ = sleepCtx(ctx, s.cfg.AuthFailDelay)
	return pe
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// hostOf is the client's address without the port (the whole address for
// a Unix socket).
func hostOf(addr net.Addr) string {
	if ip, ok := addrIP(addr); ok {
		return ip.String()
	}
	return addr.String()
}

// scramExchange runs SCRAM-SHA-256 (RFC 7677) as PostgreSQL frames it.
func (s *Server) scramExchange(be *pgproto3.Backend, user string) error {
	if s.cfg.Users == "" {
		return newFatal(codeInvalidAuthorization, "no password authentication is configured for user %q", user)
	}
	creds, known := s.lookupUser(user)
	srv, err := scram.SHA256.NewServer(func(string) (scram.StoredCredentials, error) {
		// The client's SCRAM user name is ignored (libpq sends an empty
		// one); the startup user is authoritative.
		return creds, nil
	})
	if err != nil {
		return fmt.Errorf("scram server: %w", err)
	}
	conv := srv.NewConversation()

	be.Send(&pgproto3.AuthenticationSASL{AuthMechanisms: []string{mechSCRAM}})
	if err := be.Flush(); err != nil {
		return fmt.Errorf("send SASL request: %w", err)
	}
	if err := be.SetAuthType(pgproto3.AuthTypeSASL); err != nil {
		return err
	}
	msg, err := be.Receive()
	if err != nil {
		return fmt.Errorf("read SASL initial response: %w", err)
	}
	first, ok := msg.(*pgproto3.SASLInitialResponse)
	if !ok {
		return newFatal(codeProtocolViolation, "expected SASL initial response, got %T", msg)
	}
	if first.AuthMechanism != mechSCRAM {
		return newFatal(codeProtocolViolation, "unsupported SASL mechanism %q", first.AuthMechanism)
	}
	serverFirst, err := conv.Step(string(first.Data))
	if err != nil {
		return newFatal(codeProtocolViolation, "malformed SCRAM message")
	}
	be.Send(&pgproto3.AuthenticationSASLContinue{Data: []byte(serverFirst)})
	if err := be.Flush(); err != nil {
		return fmt.Errorf("send SASL continue: %w", err)
	}
	if err := be.SetAuthType(pgproto3.AuthTypeSASLContinue); err != nil {
		return err
	}
	msg, err = be.Receive()
	if err != nil {
		return fmt.Errorf("read SASL response: %w", err)
	}
	final, ok := msg.(*pgproto3.SASLResponse)
	if !ok {
		return newFatal(codeProtocolViolation, "expected SASL response, got %T", msg)
	}
	serverFinal, err := conv.Step(string(final.Data))
	if err != nil || !conv.Valid() || !known {
		return newFatal(codeInvalidPassword, "password authentication failed for user %q", user)
	}
	be.Send(&pgproto3.AuthenticationSASLFinal{Data: []byte(serverFinal)})
	return nil
}

// lookupUser returns the user's stored credentials, or random ones (and
// false) for an unknown user so that the exchange runs to the end and
// fails the same way as a wrong password.
func (s *Server) lookupUser(user string) (scram.StoredCredentials, bool) {
	users, err := readUsers(s.cfg.Users)
	if err != nil {
		s.log.Error("read users file", "path", s.cfg.Users, "err", err)
	}
	if v, ok := users[user]; ok {
		c, err := parseVerifier(v)
		if err == nil {
			return c, true
		}
		s.log.Error("bad verifier in users file", "user", user, "err", err)
	}
	var junk [48]byte
	_, _ = rand.Read(junk[:])
	return scram.StoredCredentials{
		KeyFactors: scram.KeyFactors{Salt: string(junk[:16]), Iters: scramIterations},
		StoredKey:  junk[16:48],
		ServerKey:  junk[16:48],
	}, false
}
