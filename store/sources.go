package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Source is an input a store was filled from, known by the SHA-256 of its
// bytes: the same capture given again under another name is the same
// source.
type Source struct {
	SHA256   string // hex
	Size     int64
	Name     string // the path it was read from, the last time
	Kind     string // capture, netflow, argus, csv
	First    time.Time
	Last     time.Time // zero when it held no packet or record
	Records  int64
	Times    int // how many times it was ingested
	Ingested time.Time
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
	var src Source
	var first, last sql.NullTime
	err := s.DB().QueryRowContext(ctx, "SELECT sha256, size, name, kind, first_time, last_time, records, times, ingested FROM tapdb_sources WHERE sha256 = ?", sha256).
		Scan(&src.SHA256, &src.Size, &src.Name, &src.Kind, &first, &last, &src.Records, &src.Times, &src.Ingested)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Source{}, false, nil
	case err != nil:
		return Source{}, false, fmt.Errorf("look up source %.12s: %w", sha256, err)
	}
	src.First, src.Last = first.Time.UTC(), last.Time.UTC()
	return src, true, nil
}

// CheckSource refuses a source the store already holds (an
// *IngestedError), unless again is set.
func (s *Store) CheckSource(ctx context.Context, name, sha256 string, again bool) error {
	prev, ok, err := s.LookupSource(ctx, sha256)
	if err != nil || !ok || again {
		return err
	}
	return &IngestedError{Name: name, Prev: prev}
}

// RecordSource records that src's records are stored (once they are
// committed): a source seen before has its name, times, count and
// ingestion time replaced and its times counter incremented.
func (s *Store) RecordSource(ctx context.Context, src Source) error {
	var first, last any
	if !src.First.IsZero() {
		first, last = src.First, src.Last
	}
	_, err := s.DB().ExecContext(ctx, `INSERT INTO tapdb_sources (sha256, size, name, kind, first_time, last_time, records) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (sha256) DO UPDATE SET size = EXCLUDED.size, name = EXCLUDED.name, kind = EXCLUDED.kind, first_time = EXCLUDED.first_time,
		last_time = EXCLUDED.last_time, records = EXCLUDED.records, times = tapdb_sources.times + 1, ingested = now()`,
		src.SHA256, src.Size, src.Name, src.Kind, first, last, src.Records)
	if err != nil {
		return fmt.Errorf("record source %s: %w", src.Name, err)
	}
	return nil
}

// Sources lists the sources the store was filled from, oldest first.
func (s *Store) Sources(ctx context.Context) ([]Source, error) {
	rows, err := s.DB().QueryContext(ctx, "SELECT sha256 FROM tapdb_sources ORDER BY ingested, name")
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	var hashes []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list sources: %w", err)
		}
		hashes = append(hashes, h)
	}
	rows.Close()
	out := make([]Source, 0, len(hashes))
	for _, h := range hashes {
		src, _, err := s.LookupSource(ctx, h)
		if err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, nil
}
