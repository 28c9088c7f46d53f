package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Lake is a destination the store exports its sealed periods to (package
// export writes the files; the store records them). Once a store has a
// lake, retention refuses to delete records not yet exported to it.
type Lake struct {
	Dir   string    // absolute directory
	Since time.Time // periods starting before it are neither exported nor kept for it; zero: every period
	Added time.Time
}

// ExportedFile is one Parquet file written to a lake.
type ExportedFile struct {
	Lake     string
	Lo, Hi   time.Time // the sealed period
	Part     int       // 1 for the period's first export; 2, 3, … for its late records
	Srcid    string    // the srcid of every record in the file
	File     string    // path relative to the lake, '/'-separated
	Rows     int64
	Bytes    int64
	SHA256   string // hex
	Upto     int64  // the period's rows + late_rows when the part was exported
	Exported time.Time
}

// AddLake records dir as a lake of the store (dir should be absolute and
// clean: it is the lake's identity). Adding a lake again replaces its
// since.
func (s *Store) AddLake(ctx context.Context, dir string, since time.Time) error {
	var sv any
	if !since.IsZero() {
		sv = since.UTC()
	}
	if _, err := s.DB().ExecContext(ctx, "INSERT INTO tapdb_lakes (lake, since) VALUES (?, ?) ON CONFLICT (lake) DO UPDATE SET since = EXCLUDED.since", dir, sv); err != nil {
		return fmt.Errorf("record lake %s: %w", dir, err)
	}
	return nil
}

// RemoveLake forgets the lake at dir and what was exported to it:
// retention no longer keeps records for it, and exporting to it again
// starts over. It reports whether the store had the lake.
func (s *Store) RemoveLake(ctx context.Context, dir string) (bool, error) {
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("forget lake %s: %w", dir, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "DELETE FROM tapdb_exports WHERE lake = ?", dir); err != nil {
		return false, fmt.Errorf("forget lake %s: %w", dir, err)
	}
	res, err := tx.ExecContext(ctx, "DELETE FROM tapdb_lakes WHERE lake = ?", dir)
	if err != nil {
		return false, fmt.Errorf("forget lake %s: %w", dir, err)
	}
	n, _ := res.RowsAffected()
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("forget lake %s: commit: %w", dir, err)
	}
	return n > 0, nil
}

// Lakes lists the store's lakes.
func (s *Store) Lakes(ctx context.Context) ([]Lake, error) {
	return lakes(ctx, s.DB())
}

func lakes(ctx context.Context, q queryer) ([]Lake, error) {
	rows, err := q.QueryContext(ctx, "SELECT lake, since, added FROM tapdb_lakes ORDER BY lake")
	if err != nil {
		return nil, fmt.Errorf("list lakes: %w", err)
	}
	defer rows.Close()
	var out []Lake
	for rows.Next() {
		var l Lake
		var since sql.NullTime
		if err := rows.Scan(&l.Dir, &since, &l.Added); err != nil {
			return nil, fmt.Errorf("list lakes: %w", err)
		}
		if since.Valid {
			l.Since = since.Time.UTC()
		}
		l.Added = l.Added.UTC()
		out = append(out, l)
	}
	return out, rows.Err()
}

// ExportedFiles lists the files exported to the lake at dir, by period,
// part and file.
func (s *Store) ExportedFiles(ctx context.Context, dir string) ([]ExportedFile, error) {
	rows, err := s.DB().QueryContext(ctx, "SELECT lake, lo, hi, part, srcid, file, rows, bytes, sha256, upto, exported FROM tapdb_exports WHERE lake = ? ORDER BY lo, part, file", dir)
	if err != nil {
		return nil, fmt.Errorf("list files exported to %s: %w", dir, err)
	}
	defer rows.Close()
	var out []ExportedFile
	for rows.Next() {
		var f ExportedFile
		if err := rows.Scan(&f.Lake, &f.Lo, &f.Hi, &f.Part, &f.Srcid, &f.File, &f.Rows, &f.Bytes, &f.SHA256, &f.Upto, &f.Exported); err != nil {
			return nil, fmt.Errorf("list files exported to %s: %w", dir, err)
		}
		f.Lo, f.Hi, f.Exported = f.Lo.UTC(), f.Hi.UTC(), f.Exported.UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// RecordExport records the files of one export of a period (one part), in
// one transaction: a part is recorded whole or not at all, and a part
// written but not recorded is written again by the next export.
func (s *Store) RecordExport(ctx context.Context, files []ExportedFile) error {
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record export: %w", err)
	}
	defer tx.Rollback()
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, "INSERT INTO tapdb_exports (lake, lo, hi, part, srcid, file, rows, bytes, sha256, upto, exported) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			f.Lake, f.Lo, f.Hi, f.Part, f.Srcid, f.File, f.Rows, f.Bytes, f.SHA256, f.Upto, f.Exported); err != nil {
			return fmt.Errorf("record export of %s: %w", f.File, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record export: commit: %w", err)
	}
	return nil
}

// UnexportedError is retention's refusal to delete records that a lake of
// the store has not received yet.
type UnexportedError struct {
	Lake     string
	Cutoff   time.Time
	Period   time.Time // the first period not (fully) exported
	Unsealed bool      // the period is not sealed yet, so it cannot be exported
}

func (e *UnexportedError) Error() string {
	what := "is not exported yet (run tapdb export --to " + e.Lake + ")"
	if e.Unsealed {
		what = "is not sealed yet, so not exported"
	}
	return fmt.Sprintf("refusing to delete records before %s: the period starting %s %s to the lake %s (tapdb export --forget drops the lake)",
		e.Cutoff.UTC().Format(time.RFC3339), e.Period.UTC().Format(time.RFC3339), what, e.Lake)
}

// beginRetention begins retention's transaction, refusing (with an
// *UnexportedError) when a lake of the store lacks records the deletion of
// every stime before cutoff would drop: a sealed period not (fully)
// exported to it, or records not sealed yet. The check reads the
// transaction's snapshot, the one its DELETE deletes from.
func (s *Store) beginRetention(ctx context.Context, cutoff time.Time) (*sql.Tx, error) {
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if err := s.checkExported(ctx, tx, cutoff); err != nil {
		tx.Rollback()
		return nil, err
	}
	return tx, nil
}

func (s *Store) checkExported(ctx context.Context, q queryer, cutoff time.Time) error {
	ls, err := lakes(ctx, q)
	if err != nil {
		return err
	}
	sealed := s.SealedThrough()
	for _, l := range ls {
		if l.Since.IsZero() {
			l.Since = time.Unix(0, 0)
		}
		var lo sql.NullTime
		err := q.QueryRowContext(ctx, `SELECT min(p.lo) FROM tapdb_periods p WHERE p.lo < ? AND p.lo >= ?
			AND p.rows + p.late_rows > coalesce((SELECT max(e.upto) FROM tapdb_exports e WHERE e.lake = ? AND e.lo = p.lo), 0)`,
			cutoff, l.Since, l.Dir).Scan(&lo)
		if err != nil {
			return fmt.Errorf("check exports to %s: %w", l.Dir, err)
		}
		if lo.Valid {
			return &UnexportedError{Lake: l.Dir, Cutoff: cutoff, Period: lo.Time}
		}
		from := sealed
		if l.Since.After(from) {
			from = l.Since
		}
		if !from.Before(cutoff) {
			continue
		}
		var first sql.NullTime
		if err := q.QueryRowContext(ctx, "SELECT min(stime) FROM "+flowsTable+" WHERE stime >= ? AND stime < ?", from, cutoff).Scan(&first); err != nil {
			return fmt.Errorf("check exports to %s: %w", l.Dir, err)
		}
		if first.Valid {
			p, _ := s.period.Bounds(first.Time)
			return &UnexportedError{Lake: l.Dir, Cutoff: cutoff, Period: p, Unsealed: true}
		}
	}
	return nil
}
