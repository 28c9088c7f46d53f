package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"tapdb/migrations"
	"tapdb/schema"
)

// Options control how a store is opened.
type Options struct {
	// ReadOnly opens the file in DuckDB's read-only mode: several processes
	// may read a store that no process writes.
	ReadOnly bool
	// Partition is the period width of a new store ("hour", "day",
	// "month"; default "day"): the unit in which time ranges are sealed
	// (and exported). An existing store keeps the width it was created
	// with. (The name is the first layout's, whose tables were one per
	// period; the flag and key kept it.)
	Partition string
	// MustExist refuses to create the store: a command that only reads or
	// trims a store must not leave an empty one behind a typo.
	MustExist bool
	// Logger receives migration and sealing events; nil discards them.
	Logger *slog.Logger
}

// Store is an open flow store.
type Store struct {
	db       atomic.Pointer[sql.DB] // replaced by Reopen
	dsn      string                 // the connector's path and options
	path     string
	readOnly bool
	period   Granularity
	log      *slog.Logger

	gate          *txnGate  // writer transactions against retention's checkpoint, other checkpoints, Reopen
	lastSpaceWarn time.Time // last "no room to checkpoint" warning; while holding gate

	params     url.Values // the connector's options, for the writer's native connection
	nativePath string     // the database file
	tempDir    string     // scratch store's directory, removed by Close

	settings []string // statements Reopen applies again (memory limit, Harden)

	seal sealState // the periods sealed so far (seal.go)

	hooks hooks // for tests

	// compatView, for a read-only store made by an older tapdb, makes
	// each connection's flows a temporary view with today's columns.
	compatView string
}

// Open opens (creating if needed) the store at path. "" or ":memory:" is a
// scratch store: a file in a new temporary directory, removed by Close
// (the writer's native appender needs a file-backed database instance).
// Extension auto-install and auto-load are off: nothing is ever downloaded.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	return open(ctx, path, opts, hooks{})
}

// hooks are called at points where tests kill the process (kill -9) to
// prove the store consistent there.
type hooks struct {
	afterPartitionMoved   func(done int) // the migration moved its done-th partition
	beforeRetentionCommit func()         // retention deleted its rows, not yet committed
}

// open is Open with test hooks.
func open(ctx context.Context, path string, opts Options, h hooks) (*Store, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var tempDir string
	if path == "" || path == ":memory:" {
		dir, err := os.MkdirTemp("", "tapdb-scratch-")
		if err != nil {
			return nil, fmt.Errorf("open scratch store: %w", err)
		}
		tempDir, path = dir, filepath.Join(dir, "flows.duckdb") // DuckDB names the database after the file: psql's \l shows "flows"
		opts.ReadOnly = false
	}
	params := url.Values{}
	params.Set("autoinstall_known_extensions", "false")
	params.Set("autoload_known_extensions", "false")
	if opts.ReadOnly {
		params.Set("access_mode", "READ_ONLY")
	} else {
		// DuckDB checkpoints on its own when a commit takes the WAL past
		// checkpoint_threshold, and a checkpoint that fails (a full disk)
		// invalidates the whole database until restart. The writer
		// checkpoints instead, when the disk has room (see checkpoint.go).
		params.Set("checkpoint_threshold", "1000TB")
	}
	s := &Store{gate: newTxnGate(), dsn: path + "?" + params.Encode(), path: path, readOnly: opts.ReadOnly, log: log, params: params, nativePath: path, tempDir: tempDir}
	if tempDir != "" {
		s.path = ""
	}
	s.hooks = h
	if opts.MustExist && tempDir == "" {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
	}
	db, err := s.connect(ctx)
	if err != nil {
		os.RemoveAll(tempDir)
		if held := heldBy(path, err); held != nil {
			return nil, held
		}
		return nil, fmt.Errorf("open store %q: %w", path, err)
	}
	s.db.Store(db)
	if !opts.ReadOnly {
		if err := s.migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	g, err := s.loadGranularity(ctx, opts.Partition)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.period = g
	if !opts.ReadOnly {
		if err := s.createLayout(ctx); err != nil {
			db.Close()
			return nil, err
		}
	} else if err := s.readOlderLayout(ctx); err != nil {
		s.DB().Close()
		return nil, err
	}
	if err := s.loadSealed(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// connect opens a database handle on the store's file.
func (s *Store) connect(ctx context.Context) (*sql.DB, error) {
	var init func(driver.ExecerContext) error
	if s.compatView != "" {
		init = func(c driver.ExecerContext) error {
			_, err := c.ExecContext(ctx, s.compatView, nil)
			return err
		}
	}
	connector, err := duckdb.NewConnector(s.dsn, init)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(connector)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// DB returns the database handle for queries. After a Reopen it is a new
// handle: callers that keep one across calls must take it again.
func (s *Store) DB() *sql.DB { return s.db.Load() }

// Path is the store's file ("" for in-memory).
func (s *Store) Path() string { return s.path }

// Period is the store's period width: the unit in which it seals time
// ranges.
func (s *Store) Period() Granularity { return s.period }

// Close closes the store; DuckDB checkpoints its WAL into the file. A
// scratch store's file is removed.
func (s *Store) Close() error {
	err := s.DB().Close()
	if s.tempDir != "" {
		os.RemoveAll(s.tempDir)
	}
	return err
}

// SetMemoryLimit caps DuckDB's memory (a size such as "2GB"); Reopen
// applies it again.
func (s *Store) SetMemoryLimit(ctx context.Context, limit string) error {
	stmt := "SET memory_limit = " + schema.QuoteLiteral(limit)
	if _, err := s.DB().ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("memory limit %s: %w", limit, err)
	}
	s.settings = append(s.settings, stmt)
	return nil
}

// Harden disables external access (files, network) and locks the
// configuration, so that SQL run afterwards cannot read or write the
// server's files or change security settings. It is irreversible for this
// database handle, and Reopen applies it again.
func (s *Store) Harden(ctx context.Context) error {
	for _, stmt := range []string{
		"SET enable_external_access = false",
		"SET allow_community_extensions = false",
		"SET lock_configuration = true",
	} {
		if _, err := s.DB().ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("harden store: %s: %w", stmt, err)
		}
		s.settings = append(s.settings, stmt)
	}
	return nil
}

// Reopen closes the store's DuckDB instance and opens its file again,
// which replays the WAL: every committed transaction is back. It is the
// recovery from a fatal DuckDB error (see IsFatal), after which the
// instance refuses every statement until it is closed. Settings made with
// SetMemoryLimit and Harden are applied again.
//
// Every connection taken from DB() and every writer must be closed first:
// DuckDB keeps an instance alive while any connection remains, and opening
// the file again would return the invalidated one (Reopen then fails and
// may be tried again once they are closed).
func (s *Store) Reopen(ctx context.Context) error {
	s.gate.lock()
	defer s.gate.unlock()
	s.DB().Close()
	db, err := s.connect(ctx)
	if err != nil {
		return fmt.Errorf("reopen store %q: %w", s.nativePath, err)
	}
	if _, err := db.ExecContext(ctx, "SELECT count(*) FROM tapdb_schema_version"); err != nil {
		db.Close()
		return fmt.Errorf("reopen store %q (are connections of the old instance still open?): %w", s.nativePath, err)
	}
	for _, stmt := range s.settings {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			db.Close()
			return fmt.Errorf("reopen store %q: %s: %w", s.nativePath, stmt, err)
		}
	}
	s.db.Store(db)
	return nil
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.DB().ExecContext(ctx, `CREATE TABLE IF NOT EXISTS tapdb_schema_version (
		version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)`); err != nil {
		return fmt.Errorf("create version table: %w", err)
	}
	var current int
	if err := s.DB().QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM tapdb_schema_version").Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	all, err := migrations.All()
	if err != nil {
		return err
	}
	for _, m := range all {
		if m.Version <= current {
			continue
		}
		if err := s.apply(ctx, m); err != nil {
			return fmt.Errorf("apply migration %s: %w", m.Name, err)
		}
		if current > 0 { // upgrading a store made by an older tapdb; a new one is not news
			s.log.Info("applied migration", "name", m.Name)
		} else {
			s.log.Debug("applied migration", "name", m.Name)
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, m migrations.Migration) error {
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if m.EachFlowTable {
		tables, err := flowTables(ctx, tx)
		if err != nil {
			return err
		}
		for _, name := range tables {
			if _, err := tx.ExecContext(ctx, strings.ReplaceAll(m.SQL, "{{table}}", schema.QuoteIdent(name))); err != nil {
				return fmt.Errorf("table %s: %w", name, err)
			}
		}
	} else if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO tapdb_schema_version (version, name) VALUES (?, ?)", m.Version, m.Name); err != nil {
		return err
	}
	return tx.Commit()
}

// SchemaVersion is the highest migration applied to the store.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.DB().QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM tapdb_schema_version").Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

func (s *Store) loadGranularity(ctx context.Context, want string) (Granularity, error) {
	var stored string
	err := s.DB().QueryRowContext(ctx, "SELECT value FROM tapdb_settings WHERE key = 'partition'").Scan(&stored)
	switch {
	case errors.Is(err, sql.ErrNoRows) || (err != nil && s.readOnly):
		if want == "" {
			want = "day"
		}
		g, perr := ParseGranularity(want)
		if perr != nil {
			return 0, perr
		}
		if !s.readOnly {
			if _, err := s.DB().ExecContext(ctx, "INSERT INTO tapdb_settings VALUES ('partition', ?)", g.String()); err != nil {
				return 0, fmt.Errorf("record period width: %w", err)
			}
		}
		return g, nil
	case err != nil:
		return 0, fmt.Errorf("read period width: %w", err)
	}
	g, err := ParseGranularity(stored)
	if err != nil {
		return 0, fmt.Errorf("store's period width: %w", err)
	}
	if want != "" && want != stored {
		s.log.Warn("store keeps its period width", "store", stored, "requested", want)
	}
	return g, nil
}

// flowTables are the tables that hold flow records: the flows table once
// it exists (or the staging table of a migration under way), and
// first-layout partitions not yet moved into it.
func flowTables(ctx context.Context, q queryer) ([]string, error) {
	var tables []string
	rows, err := q.QueryContext(ctx, "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name IN (?, ?) ORDER BY table_name", flowsTable, stagingTable)
	if err != nil {
		return nil, fmt.Errorf("look for the flows table: %w", err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return nil, fmt.Errorf("look for the flows table: %w", err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	legacy, err := listLegacy(ctx, q)
	if err != nil {
		return nil, err
	}
	for _, p := range legacy {
		tables = append(tables, p.Name)
	}
	return tables, nil
}
