package ra

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"tapdb/ingest"
	"tapdb/ingest/argusfile"
	"tapdb/ingest/capture"
	"tapdb/ingest/flow"
	"tapdb/schema"
	"tapdb/store"
)

// Source is where the records come from: a store file, captures read
// into an in-memory store, or a tapdb server.
type Source struct {
	DB    *sql.DB
	close []func() error
}

// Close releases the source.
func (s *Source) Close() error {
	var errs []error
	for i := len(s.close) - 1; i >= 0; i-- {
		errs = append(errs, s.close[i]())
	}
	return errors.Join(errs...)
}

// DefaultPort is tapdb serve's Postgres port.
const DefaultPort = "5433"

// Open opens what -r or -S names. Captures (pcap, pcapng, gzip; "-" is
// standard input) are read with the sensor's default flow settings, and
// Argus 3 files (plain or gzip'd) record by record, into an in-memory
// store; a store file is opened read-only.
func Open(ctx context.Context, o *Options, log *slog.Logger) (*Source, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.Server != "" {
		return openServer(o.Server)
	}
	var captures, archives, stores []string
	for _, p := range o.Read {
		isArgus, err := isArgusFile(p)
		if err != nil {
			return nil, err
		}
		if isArgus {
			archives = append(archives, p)
			continue
		}
		isCap, err := isCapture(p)
		if err != nil {
			return nil, err
		}
		if isCap {
			captures = append(captures, p)
		} else {
			stores = append(stores, p)
		}
	}
	switch {
	case len(stores) > 1 || len(stores) == 1 && len(captures)+len(archives) > 0:
		return nil, &OptionError{Msg: "-r: give one store file, or capture and Argus files only"}
	case len(stores) == 1:
		st, err := store.Open(ctx, stores[0], store.Options{ReadOnly: true, Logger: log})
		if err != nil {
			return nil, err // a store held by tapdb serve: store.HeldError says so and what to do
		}
		return &Source{DB: st.DB(), close: []func() error{st.Close}}, nil
	}
	return openFiles(ctx, captures, archives, log)
}

// isArgusFile tells an Argus 3 file (plain or gzip'd) by its first
// record. Standard input is taken for a capture.
func isArgusFile(path string) (bool, error) {
	if path == "-" {
		return false, nil
	}
	ok, err := argusfile.DetectFile(path)
	if err != nil {
		return false, fmt.Errorf("-r: %w", err)
	}
	return ok, nil
}

// isCapture tells a capture from a store by its first bytes, as the
// capture reader does (capture.Detect).
func isCapture(path string) (bool, error) {
	if path == "-" {
		return true, nil
	}
	f, err := capture.DetectFile(path)
	if err != nil {
		return false, fmt.Errorf("-r: %w", err)
	}
	return f != capture.FormatUnknown, nil
}

// openFiles reads captures and Argus files into an in-memory store.
func openFiles(ctx context.Context, captures, archives []string, log *slog.Logger) (*Source, error) {
	st, err := store.Open(ctx, "", store.Options{Logger: log})
	if err != nil {
		return nil, err
	}
	cfg := flow.DefaultConfig()
	if cfg.Srcid == "" {
		cfg.Srcid = "0.0.0.0" // what argus -r writes when not given -e
	}
	var readErrs []error
	err = st.Load(ctx, store.WriterOptions{}, func(ctx context.Context, emit func(*schema.Record) error) error {
		if len(captures) > 0 {
			_, err := ingest.ReadFiles(ctx, captures, ingest.Options{Flow: cfg, Logger: log}, emit)
			readErrs = append(readErrs, err)
		}
		if len(archives) > 0 {
			rd, err := argusfile.ReadFiles(ctx, archives, log, emit)
			readErrs = append(readErrs, err, rd.Damage)
		}
		return nil // judged below, once the flows read are stored
	})
	readErr := errors.Join(readErrs...)
	if err != nil {
		st.Close()
		return nil, errors.Join(readErr, err)
	}
	if readErr != nil {
		// A file damaged part-way still gives the flows before the
		// damage, as Argus does; a file that cannot be read at all is
		// an error.
		var n int
		if err := st.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows").Scan(&n); err != nil || n == 0 {
			st.Close()
			return nil, readErr
		}
		log.Warn("input damaged; printing the flows before the damage", "err", readErr)
	}
	return &Source{DB: st.DB(), close: []func() error{st.Close}}, nil
}

// ServerConfig turns -S [user[:password]@]host[:port] into a pgx
// configuration. What -S leaves out comes from the environment as libpq
// takes it (PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, …) and the password
// from ~/.pgpass (or PGPASSFILE); the port defaults to tapdb's 5433 and
// the database to "flows".
func ServerConfig(server string) (*pgx.ConnConfig, error) {
	var user, password string
	hostport := server
	if at := strings.LastIndex(server, "@"); at >= 0 {
		cred := server[:at]
		hostport = server[at+1:]
		u, p, hasPass := strings.Cut(cred, ":")
		user = u
		if hasPass {
			password = p
		}
	}
	host, port := hostport, DefaultPort
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		host, port = h, p
	}
	if host == "" {
		return nil, &OptionError{Msg: fmt.Sprintf("-S %q: no host", server)}
	}
	kv := []string{"host=" + quoteDSN(host), "port=" + quoteDSN(port)}
	if user != "" {
		kv = append(kv, "user="+quoteDSN(user))
	}
	if password != "" {
		kv = append(kv, "password="+quoteDSN(password))
	}
	if os.Getenv("PGDATABASE") == "" {
		kv = append(kv, "dbname=flows")
	}
	cfg, err := pgx.ParseConfig(strings.Join(kv, " "))
	if err != nil {
		return nil, fmt.Errorf("-S %s: %w", host, err)
	}
	return cfg, nil
}

// quoteDSN quotes a value for a libpq keyword/value connection string.
func quoteDSN(v string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}

func openServer(server string) (*Source, error) {
	cfg, err := ServerConfig(server)
	if err != nil {
		return nil, err
	}
	db := stdlib.OpenDB(*cfg)
	return &Source{DB: db, close: []func() error{db.Close}}, nil
}
