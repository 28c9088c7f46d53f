package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// sealState is what the store knows of its sealed periods.
type sealState struct {
	mu      sync.Mutex   // one Seal at a time
	through atomic.Int64 // Unix µs: every period ending at or before it is sealed; 0: none
}

// Period is a sealed period of the store.
type Period struct {
	Lo, Hi   time.Time // [Lo, Hi) of stime
	Sealed   time.Time // when it was sealed
	Rows     int64     // records it held when sealed
	LateRows int64     // records stored for it after it was sealed
}

// DefaultSealGrace is how far the writer's low-water mark must have passed
// a period's end before the period is sealed: longer than a sensor holds a
// flow before emitting a record for it (argus's status interval and idle
// timeouts, a NetFlow exporter's active timeout of up to 30 minutes).
const DefaultSealGrace = time.Hour

// loadSealed reads how far the store is sealed.
func (s *Store) loadSealed(ctx context.Context) error {
	var v string
	err := s.DB().QueryRowContext(ctx, "SELECT value FROM tapdb_settings WHERE key = 'sealed_through'").Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil && s.readOnly:
		return nil // a read-only open of a store older than sealing
	case err != nil:
		return fmt.Errorf("read sealed_through: %w", err)
	}
	us, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return fmt.Errorf("read sealed_through %q: %w", v, err)
	}
	s.seal.through.Store(us)
	return nil
}

// SealedThrough is the end of the last sealed period: every record with an
// earlier stime belongs to a sealed period. Zero when nothing is sealed.
func (s *Store) SealedThrough() time.Time {
	us := s.seal.through.Load()
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// Periods lists the sealed periods that held records, oldest first.
func (s *Store) Periods(ctx context.Context) ([]Period, error) {
	rows, err := s.DB().QueryContext(ctx, "SELECT lo, hi, sealed, rows, late_rows FROM tapdb_periods ORDER BY lo")
	if err != nil {
		return nil, fmt.Errorf("list periods: %w", err)
	}
	defer rows.Close()
	var out []Period
	for rows.Next() {
		var p Period
		if err := rows.Scan(&p.Lo, &p.Hi, &p.Sealed, &p.Rows, &p.LateRows); err != nil {
			return nil, fmt.Errorf("list periods: %w", err)
		}
		p.Lo, p.Hi, p.Sealed = p.Lo.UTC(), p.Hi.UTC(), p.Sealed.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// Seal seals every period that ends at or before mark (the writer's
// low-water mark less the grace): it records each period that holds
// records in tapdb_periods with its row count, and advances
// sealed_through; then it digests the new periods and links them into the
// tamper-evidence chain (chain.go). It returns the periods it sealed. It
// waits for open writer transactions to end, so that every record is
// either counted in its period's rows or, arriving later, in its
// late_rows.
func (s *Store) Seal(ctx context.Context, mark time.Time) ([]Period, error) {
	if s.readOnly {
		return nil, errors.New("seal: store is open read-only")
	}
	s.seal.mu.Lock()
	defer s.seal.mu.Unlock()
	end, _ := s.period.Bounds(mark)
	from := s.seal.through.Load()
	if end.UnixMicro() <= from {
		return nil, nil
	}
	sealed, err := s.sealLocked(ctx, from, end)
	if err != nil {
		return nil, err
	}
	// Digest the new periods outside the gate, so ingest goes on: the
	// digest covers the records its own snapshot sees, late ones included.
	los := make([]time.Time, len(sealed))
	for i, p := range sealed {
		los[i] = p.Lo
	}
	if err := s.digestPeriods(ctx, los, "seal"); err != nil {
		return sealed, err
	}
	return sealed, nil
}

// sealLocked counts and records the periods in [from, end) while no
// writer transaction is open, and advances sealed_through.
func (s *Store) sealLocked(ctx context.Context, from int64, end time.Time) ([]Period, error) {
	s.gate.lock()
	defer s.gate.unlock()
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("seal through %s: %w", end.Format(time.RFC3339), err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, "SELECT epoch_us(date_trunc('"+s.period.String()+"', timezone('UTC', stime))) AS lo, count(*) FROM "+flowsTable+
		" WHERE stime >= make_timestamptz(?::BIGINT) AND stime < make_timestamptz(?::BIGINT) GROUP BY 1 ORDER BY 1", from, end.UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("seal through %s: count records: %w", end.Format(time.RFC3339), err)
	}
	var sealed []Period
	for rows.Next() {
		var lo, n int64
		if err := rows.Scan(&lo, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("seal: count records: %w", err)
		}
		plo, phi := s.period.Bounds(time.UnixMicro(lo))
		sealed = append(sealed, Period{Lo: plo, Hi: phi, Rows: n})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("seal: count records: %w", err)
	}
	now := time.Now().UTC()
	for i := range sealed {
		p := &sealed[i]
		p.Sealed = now
		if _, err := tx.ExecContext(ctx, "INSERT INTO tapdb_periods (lo, hi, sealed, rows) VALUES (?, ?, ?, ?) ON CONFLICT (lo) DO UPDATE SET rows = rows + EXCLUDED.rows",
			p.Lo, p.Hi, now, p.Rows); err != nil {
			return nil, fmt.Errorf("seal period %s: %w", p.Lo.Format(time.RFC3339), err)
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO tapdb_settings VALUES ('sealed_through', ?) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", strconv.FormatInt(end.UnixMicro(), 10)); err != nil {
		return nil, fmt.Errorf("seal: record sealed_through: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("seal through %s: commit: %w", end.Format(time.RFC3339), err)
	}
	s.seal.through.Store(end.UnixMicro())
	for _, p := range sealed {
		s.log.Info("sealed period", "lo", p.Lo.Format(time.RFC3339), "hi", p.Hi.Format(time.RFC3339), "rows", p.Rows)
	}
	return sealed, nil
}

// redigest digests again the sealed periods that got late records and
// relinks the chain after them.
func (s *Store) redigest(ctx context.Context, los []time.Time) error {
	s.seal.mu.Lock()
	defer s.seal.mu.Unlock()
	return s.digestPeriods(ctx, los, "late")
}

// lateSQL records n late records for the sealed period starting at lo (an
// upsert: a period sealed while empty has no row yet). The values are
// numbers and times formatted here, never text from records.
func lateSQL(p Granularity, lo int64, n int) string {
	plo, phi := p.Bounds(time.UnixMicro(lo))
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO tapdb_periods (lo, hi, rows, late_rows) VALUES (make_timestamptz(%d::BIGINT), make_timestamptz(%d::BIGINT), 0, %d) ", plo.UnixMicro(), phi.UnixMicro(), n)
	b.WriteString("ON CONFLICT (lo) DO UPDATE SET late_rows = late_rows + EXCLUDED.late_rows")
	return b.String()
}
