package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Source is an input a store was filled from, known by the SHA-256 of its
// bytes: the same capture given again under another name is the same
// source.
type Source struct {
	SHA256 string // hex
	// Fingerprint (hex) is the SHA-256 of the size (8 bytes big-endian),
	// the first and the last 64 KiB: what an input is looked up by before
	// it is read (capture.FingerprintFile).
	Fingerprint string
	Size        int64
	Name        string // the path it was read from, the last time
	Kind        string // capture, netflow, argus, csv
	First       time.Time
	Last        time.Time // zero when it held no packet or record
	Records     int64
	Times       int // how many times it was ingested
	Ingested    time.Time
}

// IngestedError is the error for a source the store already holds.
type IngestedError struct {
	Name string
	Prev Source
}

func (e *IngestedError) Error() string {
	return fmt.Sprintf("%s was already ingested into this store on %s as %s (%d records, SHA-256 %.12s…): give --again to store its flows a second time",
		e.Name, e.Prev.Ingested.UTC().Format(time.RFC3339), e.Prev.Name, e.Prev.Records, e.Prev.SHA256)
}

// LookupSource returns the source with the given SHA-256, if the store
// holds it.
func (s *Store) LookupSource(ctx context.Context, sha256 string) (Source, bool, error) {
	return s.lookupSource(ctx, "sha256", sha256)
}

// LookupFingerprint returns the source with the given fingerprint, if the
// store holds one (the most recently ingested, if several).
func (s *Store) LookupFingerprint(ctx context.Context, fingerprint string) (Source, bool, error) {
	return s.lookupSource(ctx, "fingerprint", fingerprint)
}

func (s *Store) lookupSource(ctx context.Context, column, value string) (Source, bool, error) {
	srcs, err := s.querySources(ctx, "WHERE "+column+" = ? ORDER BY ingested DESC LIMIT 1", value)
	if err != nil {
		return Source{}, false, fmt.Errorf("look up source by %s %.12s: %w", column, value, err)
	}
	if len(srcs) == 0 {
		return Source{}, false, nil
	}
	return srcs[0], true, nil
}

// querySources reads the sources the clause (WHERE, ORDER BY, LIMIT)
// selects.
func (s *Store) querySources(ctx context.Context, clause string, args ...any) ([]Source, error) {
	rows, err := s.DB().QueryContext(ctx, "SELECT sha256, fingerprint, size, name, kind, first_time, last_time, records, times, ingested FROM tapdb_sources "+clause, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		var src Source
		var first, last sql.NullTime
		if err := rows.Scan(&src.SHA256, &src.Fingerprint, &src.Size, &src.Name, &src.Kind, &first, &last, &src.Records, &src.Times, &src.Ingested); err != nil {
			return nil, err
		}
		src.First, src.Last = first.Time.UTC(), last.Time.UTC()
		out = append(out, src)
	}
	return out, rows.Err()
}

// CheckSource refuses a source the store already holds (an
// *IngestedError), unless again is set. A source that gave no records is
// not refused: reading it again (with other options, say) cannot store
// anything twice.
func (s *Store) CheckSource(ctx context.Context, name, sha256 string, again bool) error {
	prev, ok, err := s.LookupSource(ctx, sha256)
	return refuse(name, prev, ok && prev.Records > 0, again, err)
}

func refuse(name string, prev Source, held, again bool, err error) error {
	if err != nil || !held || again {
		return err
	}
	return &IngestedError{Name: name, Prev: prev}
}

// CheckFingerprint is CheckSource by fingerprint, for an input not read
// yet: it refuses an input whose fingerprint the store holds with records
// (an *IngestedError), unless again is set.
func (s *Store) CheckFingerprint(ctx context.Context, name, fingerprint string, again bool) error {
	prev, ok, err := s.LookupFingerprint(ctx, fingerprint)
	return refuse(name, prev, ok && prev.Records > 0, again, err)
}

// RecordSource records that src's records are stored (once they are
// committed): a source seen before has its name, times, count and
// ingestion time replaced and its times counter incremented.
func (s *Store) RecordSource(ctx context.Context, src Source) error {
	var first, last any
	if !src.First.IsZero() {
		first, last = src.First, src.Last
	}
	_, err := s.DB().ExecContext(ctx, `INSERT INTO tapdb_sources (sha256, fingerprint, size, name, kind, first_time, last_time, records) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (sha256) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, size = EXCLUDED.size, name = EXCLUDED.name, kind = EXCLUDED.kind, first_time = EXCLUDED.first_time,
		last_time = EXCLUDED.last_time, records = EXCLUDED.records, times = tapdb_sources.times + 1, ingested = now()`,
		src.SHA256, src.Fingerprint, src.Size, src.Name, src.Kind, first, last, src.Records)
	if err != nil {
		return fmt.Errorf("record source %s: %w", src.Name, err)
	}
	return nil
}

// Sources lists the sources the store was filled from, oldest first.
func (s *Store) Sources(ctx context.Context) ([]Source, error) {
	srcs, err := s.querySources(ctx, "ORDER BY ingested, name")
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	return srcs, nil
}
