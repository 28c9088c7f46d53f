package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"tapdb/schema"
)

// The tamper-evidence chain (store/FORMAT.md, "Tamper evidence"):
//
//	digest(P) = SHA-256 of the concatenated SHA-256 of each record of P,
//	            sorted (a record's hash is over its stored columns' text)
//	link(P)   = SHA-256(link(previous) ‖ lo ‖ hi ‖ records ‖ digest(P))
//
// with lo and hi in Unix µs and records as 8-byte big-endian numbers, and
// link(before the first period) the anchor: 32 zero bytes, moved forward by
// retention to the link of the last period it removed.

// rowHashSQL is the SQL of one record's hash: SHA-256 of its stored
// columns as text, NULL as \N, separated by the unit separator, times as
// Unix µs (text of times would depend on the session's time zone).
func rowHashSQL() string {
	var parts []string
	for _, c := range schema.StoredColumns() {
		v := schema.QuoteIdent(c.Name)
		if c.Type == "TIMESTAMPTZ" {
			v = "epoch_us(" + v + ")"
		}
		parts = append(parts, "coalesce(("+v+")::VARCHAR, '\\N')")
	}
	return "sha256(concat_ws(chr(31), " + strings.Join(parts, ", ") + "))"
}

// periodDigest digests the records of [lo, hi) as q sees them.
func periodDigest(ctx context.Context, q queryer, lo, hi time.Time) (digest string, rows int64, err error) {
	r, err := q.QueryContext(ctx, "SELECT "+rowHashSQL()+" AS h FROM "+flowsTable+" WHERE stime >= ? AND stime < ? ORDER BY h", lo, hi)
	if err != nil {
		return "", 0, fmt.Errorf("digest period %s: %w", lo.Format(time.RFC3339), err)
	}
	defer r.Close()
	sum := sha256.New()
	var h string
	buf := make([]byte, sha256.Size)
	for r.Next() {
		if err := r.Scan(&h); err != nil {
			return "", 0, fmt.Errorf("digest period %s: %w", lo.Format(time.RFC3339), err)
		}
		if _, err := hex.Decode(buf, []byte(h)); err != nil {
			return "", 0, fmt.Errorf("digest period %s: record hash %q: %w", lo.Format(time.RFC3339), h, err)
		}
		sum.Write(buf)
		rows++
	}
	if err := r.Err(); err != nil {
		return "", 0, fmt.Errorf("digest period %s: %w", lo.Format(time.RFC3339), err)
	}
	return hex.EncodeToString(sum.Sum(nil)), rows, nil
}

// link is the chain link of a period after prev (hex).
func link(prev string, lo, hi time.Time, rows int64, digest string) (string, error) {
	p, err := hex.DecodeString(prev)
	if err != nil || len(p) != sha256.Size {
		return "", fmt.Errorf("chain link %q is not a SHA-256", prev)
	}
	d, err := hex.DecodeString(digest)
	if err != nil || len(d) != sha256.Size {
		return "", fmt.Errorf("digest %q is not a SHA-256", digest)
	}
	var b bytes.Buffer
	b.Write(p)
	binary.Write(&b, binary.BigEndian, lo.UnixMicro())
	binary.Write(&b, binary.BigEndian, hi.UnixMicro())
	binary.Write(&b, binary.BigEndian, rows)
	b.Write(d)
	sum := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(sum[:]), nil
}

// zeroAnchor is the chain's first anchor.
var zeroAnchor = strings.Repeat("00", sha256.Size)

// chainAnchor is the link before the first period of the chain.
func chainAnchor(ctx context.Context, q queryer) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, "SELECT value FROM tapdb_settings WHERE key = 'chain_anchor'").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return zeroAnchor, nil
	}
	if err != nil {
		return "", fmt.Errorf("read the chain's anchor: %w", err)
	}
	return v, nil
}

// chainedPeriod is a period's row as the chain sees it.
type chainedPeriod struct {
	lo, hi       time.Time
	digest       sql.NullString
	digestedRows sql.NullInt64
	chain        sql.NullString
}

func chainedPeriods(ctx context.Context, q queryer) ([]chainedPeriod, error) {
	rows, err := q.QueryContext(ctx, "SELECT p.lo, p.hi, c.digest, c.digested_rows, c.chain FROM tapdb_periods p LEFT JOIN tapdb_chain c ON c.lo = p.lo ORDER BY p.lo")
	if err != nil {
		return nil, fmt.Errorf("read the chain: %w", err)
	}
	defer rows.Close()
	var out []chainedPeriod
	for rows.Next() {
		var p chainedPeriod
		if err := rows.Scan(&p.lo, &p.hi, &p.digest, &p.digestedRows, &p.chain); err != nil {
			return nil, fmt.Errorf("read the chain: %w", err)
		}
		p.lo, p.hi = p.lo.UTC(), p.hi.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// digestPeriods digests the periods starting at the given times (those
// never digested, and those that got late records) and relinks the chain
// from the first of them on, in one transaction. Callers hold s.seal.mu.
func (s *Store) digestPeriods(ctx context.Context, los []time.Time, kind string) error {
	if len(los) == 0 {
		return nil
	}
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("digest periods: %w", err)
	}
	defer tx.Rollback()
	periods, err := chainedPeriods(ctx, tx)
	if err != nil {
		return err
	}
	want := map[int64]bool{}
	for _, lo := range los {
		want[lo.UnixMicro()] = true
	}
	prev, err := chainAnchor(ctx, tx)
	if err != nil {
		return err
	}
	relink := false
	for _, p := range periods {
		if want[p.lo.UnixMicro()] || !p.digest.Valid {
			d, n, err := periodDigest(ctx, tx, p.lo, p.hi)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO tapdb_chain_events (kind, lo, rows, before, after) VALUES (?, ?, ?, ?, ?)",
				kind, p.lo, n, p.digest, d); err != nil {
				return fmt.Errorf("record a chain event: %w", err)
			}
			p.digest, p.digestedRows = sql.NullString{String: d, Valid: true}, sql.NullInt64{Int64: n, Valid: true}
			relink = true
		}
		if relink {
			l, err := link(prev, p.lo, p.hi, p.digestedRows.Int64, p.digest.String)
			if err != nil {
				return fmt.Errorf("period %s: %w", p.lo.Format(time.RFC3339), err)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO tapdb_chain VALUES (?, ?, ?, ?) ON CONFLICT (lo) DO UPDATE SET digest = EXCLUDED.digest, digested_rows = EXCLUDED.digested_rows, chain = EXCLUDED.chain",
				p.lo, p.digest.String, p.digestedRows.Int64, l); err != nil {
				return fmt.Errorf("period %s: store its link: %w", p.lo.Format(time.RFC3339), err)
			}
			p.chain = sql.NullString{String: l, Valid: true}
		}
		prev = p.chain.String
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("digest periods: commit: %w", err)
	}
	return nil
}

// Problem is what Verify found wrong with a period.
type Problem struct {
	Lo, Hi time.Time
	What   string
}

func (p Problem) String() string {
	return fmt.Sprintf("period %s–%s: %s", p.Lo.Format(time.RFC3339), p.Hi.Format(time.RFC3339), p.What)
}

// Verify recomputes every sealed period's digest from its records and the
// chain from the anchor, and returns what does not match, oldest first:
// records altered, added or removed (the digest), a period removed,
// reordered or altered in the catalog (the chain). A period not digested
// yet is reported too. The records of unsealed time are not covered.
func (s *Store) Verify(ctx context.Context) ([]Problem, error) {
	db := s.DB()
	periods, err := chainedPeriods(ctx, db)
	if err != nil {
		return nil, err
	}
	prev, err := chainAnchor(ctx, db)
	if err != nil {
		return nil, err
	}
	var problems []Problem
	for _, p := range periods {
		if !p.digest.Valid || !p.chain.Valid {
			problems = append(problems, Problem{p.lo, p.hi, "not digested yet"})
			continue
		}
		d, n, err := periodDigest(ctx, db, p.lo, p.hi)
		if err != nil {
			return nil, err
		}
		switch {
		case n != p.digestedRows.Int64:
			problems = append(problems, Problem{p.lo, p.hi, fmt.Sprintf("holds %d records, its digest covers %d: records were added or removed", n, p.digestedRows.Int64)})
		case d != p.digest.String:
			problems = append(problems, Problem{p.lo, p.hi, "its records no longer match its digest: a record was altered"})
		}
		l, err := link(prev, p.lo, p.hi, p.digestedRows.Int64, p.digest.String)
		if err != nil || l != p.chain.String {
			problems = append(problems, Problem{p.lo, p.hi, "its place in the chain no longer matches: a period before it was removed or altered, or its own entry was"})
		}
		prev = p.chain.String
	}
	return problems, nil
}
