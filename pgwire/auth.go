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
// AuthenticationOk on success. A failure is logged, delayed by
// Config.AuthFailDelay and returned as a FATAL pgError for the caller to
// send.
func (s *Server) authenticate(ctx context.Context, be *pgproto3.Backend, conn net.Conn, user string, log *slog.Logger) error {
	if s.cfg.Trust && isLoopback(conn.RemoteAddr()) {
		be.Send(&pgproto3.AuthenticationOk{})
		return nil
	}
	err := s.scramExchange(be, user)
	if err == nil {
		be.Send(&pgproto3.AuthenticationOk{})
		return nil
	}
	log.Warn("authentication failed", "user", user, "err", err)
	t := time.NewTimer(s.cfg.AuthFailDelay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	var pe *pgError
	if errors.As(err, &pe) {
		return pe
	}
	return newFatal(codeInvalidPassword, "password authentication failed for user %q", user)
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
