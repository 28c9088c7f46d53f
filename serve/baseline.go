package serve

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"time"
)

// A Baseline is a scheduled baselining query: every Every, the daemon runs
// SQL over the store and appends its rows, stamped with the run's time, to
// the table baseline_NAME (created from the query's columns at the first
// run). Dashboards and analysts compare today's flows with these tables.
//
// It is written in the configuration as NAME@EVERY=SQL, e.g.
//
//	baseline = ["talkers@1h=select saddr, sum(bytes) as bytes from flows where stime > now() - interval 1 hour group by 1"]
//
// The SQL is the operator's (from the configuration file or the command
// line, never from a client), and it runs with the store's own rights.
type Baseline struct {
	Name  string
	Every time.Duration
	SQL   string
}

var baselineName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// ParseBaseline reads NAME@EVERY=SQL.
func ParseBaseline(spec string) (Baseline, error) {
	head, query, ok := strings.Cut(spec, "=")
	if !ok {
		return Baseline{}, fmt.Errorf("baseline %q: want NAME@EVERY=SQL", spec)
	}
	name, every, ok := strings.Cut(head, "@")
	if !ok {
		return Baseline{}, fmt.Errorf("baseline %q: want NAME@EVERY=SQL", spec)
	}
	name, every = strings.TrimSpace(name), strings.TrimSpace(every)
	if !baselineName.MatchString(name) {
		return Baseline{}, fmt.Errorf("baseline %q: name %q must be lower-case letters, digits and _ (starting with a letter)", spec, name)
	}
	d, err := ParseAge(every)
	if err != nil || d < time.Second {
		return Baseline{}, fmt.Errorf("baseline %q: interval %q: want a duration of at least 1s, e.g. 15m or 1h", spec, every)
	}
	query = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(query), ";"))
	if query == "" {
		return Baseline{}, fmt.Errorf("baseline %q: empty query", spec)
	}
	return Baseline{Name: name, Every: d, SQL: query}, nil
}

// Table is the table the baseline's rows are appended to.
func (b Baseline) Table() string { return "baseline_" + b.Name }

// Run runs the baseline once at time at, appending its rows. It returns the
// number of rows appended.
func (b Baseline) Run(ctx context.Context, db *sql.DB, at time.Time) (int64, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("baseline %s: %w", b.Name, err)
	}
	defer tx.Rollback()
	// The name is checked by ParseBaseline; the query is the operator's.
	create := fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %q AS SELECT CAST(NULL AS TIMESTAMPTZ) AS run_at, * FROM (%s) WHERE false`, b.Table(), b.SQL)
	if _, err := tx.ExecContext(ctx, create); err != nil {
		return 0, fmt.Errorf("baseline %s: create %s: %w", b.Name, b.Table(), err)
	}
	res, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %q SELECT CAST(? AS TIMESTAMPTZ), * FROM (%s)`, b.Table(), b.SQL), at.UTC())
	if err != nil {
		return 0, fmt.Errorf("baseline %s: %w", b.Name, err)
	}
	n, _ := res.RowsAffected()
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("baseline %s: commit: %w", b.Name, err)
	}
	return n, nil
}

// ParseBaselines reads every configured baseline; names must be unique.
func ParseBaselines(specs []string) ([]Baseline, error) {
	var out []Baseline
	seen := map[string]bool{}
	for _, s := range specs {
		b, err := ParseBaseline(s)
		if err != nil {
			return nil, err
		}
		if seen[b.Name] {
			return nil, fmt.Errorf("baseline %s defined twice", b.Name)
		}
		seen[b.Name] = true
		out = append(out, b)
	}
	return out, nil
}

// baselineLoop runs the configured baselines when they are due. The list is
// re-read every second, so a SIGHUP that changes it applies at once.
func (d *runner) baselineLoop(ctx context.Context) {
	last := map[string]time.Time{}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		d.mu.Lock()
		jobs, _ := ParseBaselines(d.cfg.Baselines)
		d.mu.Unlock()
		now := time.Now()
		for _, b := range jobs {
			key := b.Name + "@" + b.Every.String()
			if t, ok := last[key]; ok && now.Sub(t) < b.Every {
				continue
			}
			last[key] = now
			n, err := b.Run(ctx, d.st.DB(), now)
			atomic.AddInt64(&d.baselineRuns, 1)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				atomic.AddInt64(&d.baselineErrors, 1)
				d.log.Error("baseline", "name", b.Name, "err", err)
				d.noteFatal(err)
				continue
			}
			d.log.Info("baseline ran", "name", b.Name, "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
