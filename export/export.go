package export

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"tapdb/schema"
	"tapdb/store"
)

// DefaultRowGroupSize is the rows per Parquet row group: about 30–60 MB
// of zstd'd records, the size engines that split files by row group
// (Spark, Trino) read well.
const DefaultRowGroupSize = 1 << 20

// Options control an export.
type Options struct {
	// Since skips the periods that start before Since's period; the lake
	// remembers it, and retention does not keep those periods for it.
	// Zero: the lake's earlier Since, or every period.
	Since time.Time
	// RowGroupSize is the rows per Parquet row group; default
	// DefaultRowGroupSize.
	RowGroupSize int
	// Logger receives one line per exported part; nil discards them.
	Logger *slog.Logger
	// OnFile, if set, is called for each file once the store has recorded
	// it.
	OnFile func(store.ExportedFile)

	// afterRename, in tests, is called once a part's files are in place
	// and before the store records them; an error stops the export there,
	// as a crash would.
	afterRename func([]store.ExportedFile) error
}

// Result is what an export wrote.
type Result struct {
	Lake     string               // the lake's absolute directory
	Files    []store.ExportedFile // files written by this export
	Rows     int64                // records in them
	Bytes    int64                // their size
	Manifest bool                 // whether the manifest was (re)written
	Elapsed  time.Duration
}

// exporter is one export of a store to a lake.
type exporter struct {
	s    *store.Store
	lake string
	opts Options
	cols []Column
	log  *slog.Logger
}

// ToDir exports every sealed period of s not yet exported to the lake at
// dir (created if needed): a period's records as part-1, records stored
// for it since its last export as the next part. It records the lake in
// the store, so that retention keeps what the lake has not received, and
// rewrites the lake's manifest last when anything changed.
//
// The store's DuckDB instance writes the files (COPY … TO), so it must
// allow external access: export before Store.Harden, or on a handle that
// was never hardened.
func ToDir(ctx context.Context, s *store.Store, dir string, opts Options) (Result, error) {
	start := time.Now()
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Result{}, fmt.Errorf("export to %s: %w", dir, err)
	}
	res := Result{Lake: abs}
	if opts.RowGroupSize <= 0 {
		opts.RowGroupSize = DefaultRowGroupSize
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cols, err := fileColumns()
	if err != nil {
		return res, fmt.Errorf("export to %s: %w", abs, err)
	}
	e := &exporter{s: s, lake: abs, opts: opts, cols: cols, log: log}
	if err := e.prepareDir(); err != nil {
		return res, err
	}
	since, err := e.since(ctx)
	if err != nil {
		return res, err
	}
	if err := s.AddLake(ctx, abs, since); err != nil {
		return res, err
	}
	done, err := s.ExportedFiles(ctx, abs)
	if err != nil {
		return res, err
	}
	type state struct {
		part int
		upto int64
	}
	exported := map[int64]state{}
	for _, f := range done {
		st := exported[f.Lo.UnixMicro()]
		exported[f.Lo.UnixMicro()] = state{max(st.part, f.Part), max(st.upto, f.Upto)}
	}
	periods, err := s.Periods(ctx)
	if err != nil {
		return res, err
	}
	for _, p := range periods {
		st := exported[p.Lo.UnixMicro()]
		if p.Lo.Before(since) || p.Rows+p.LateRows <= st.upto {
			continue
		}
		files, err := e.period(ctx, p, st.part+1, st.upto)
		if err != nil {
			return res, err
		}
		for _, f := range files {
			res.Files = append(res.Files, f)
			res.Rows += f.Rows
			res.Bytes += f.Bytes
			if opts.OnFile != nil {
				opts.OnFile(f)
			}
		}
	}
	res.Manifest, err = e.writeManifest(ctx)
	res.Elapsed = time.Since(start)
	return res, err
}

// prepareDir makes the lake's directories and removes files a crashed
// export left half-written.
func (e *exporter) prepareDir() error {
	tmp := filepath.Join(e.lake, filepath.FromSlash(tmpDir))
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return fmt.Errorf("export to %s: %w", e.lake, err)
	}
	left, err := os.ReadDir(tmp)
	if err != nil {
		return fmt.Errorf("export to %s: %w", e.lake, err)
	}
	for _, f := range left {
		if err := os.Remove(filepath.Join(tmp, f.Name())); err != nil {
			return fmt.Errorf("export to %s: remove a crashed export's file: %w", e.lake, err)
		}
		e.log.Info("removed a crashed export's file", "file", f.Name())
	}
	return nil
}

// since is the start of the first period to export: Options.Since's
// period, or the lake's earlier since.
func (e *exporter) since(ctx context.Context) (time.Time, error) {
	if !e.opts.Since.IsZero() {
		lo, _ := e.s.Period().Bounds(e.opts.Since)
		return lo, nil
	}
	lakes, err := e.s.Lakes(ctx)
	if err != nil {
		return time.Time{}, err
	}
	for _, l := range lakes {
		if l.Dir == e.lake {
			return l.Since, nil
		}
	}
	return time.Time{}, nil
}

// period exports the records of period p not yet in the lake as part
// number part, upto being the period's rows + late_rows at its last
// export (0: never exported).
//
// Which records are new: the flows table changes only by appends and by
// retention, and DuckDB appends committed rows after every row already in
// the table and keeps their order when a checkpoint renumbers rows after
// deletions, so the records committed for p since its last export are its
// last rows in rowid order, as many as its rows + late_rows grew (each
// late record is counted in the transaction that stores it). Retention
// cannot have removed any of them: it refuses to delete a period a lake
// has not fully received.
func (e *exporter) period(ctx context.Context, p store.Period, part int, upto int64) ([]store.ExportedFile, error) {
	what := fmt.Sprintf("export period %s part %d", p.Lo.Format(time.RFC3339), part)
	start := time.Now()
	// One snapshot for the count and every file of the part.
	tx, err := e.s.DB().BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	var want int64
	err = tx.QueryRowContext(ctx, "SELECT rows + late_rows FROM tapdb_periods WHERE lo = ?", p.Lo).Scan(&want)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && want <= upto) {
		return nil, nil // retention removed it meanwhile, or another export did it
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var stored []string
	for _, c := range schema.StoredColumns() {
		stored = append(stored, schema.QuoteIdent(c.Name))
	}
	src := fmt.Sprintf("SELECT %s, rowid AS tapdb_rowid FROM flows WHERE stime >= make_timestamptz(%d::BIGINT) AND stime < make_timestamptz(%d::BIGINT)",
		strings.Join(stored, ", "), p.Lo.UnixMicro(), p.Hi.UnixMicro())
	if upto > 0 {
		src += fmt.Sprintf(" ORDER BY rowid DESC LIMIT %d", want-upto)
	}
	srcids, err := distinctSrcids(ctx, tx, src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var files []store.ExportedFile
	var temps []string
	defer func() {
		for _, t := range temps {
			os.Remove(t) // those not renamed into place
		}
	}()
	for _, id := range srcids {
		tmp, err := os.CreateTemp(filepath.Join(e.lake, filepath.FromSlash(tmpDir)), "part-*.parquet")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		tmp.Close()
		temps = append(temps, tmp.Name())
		q := fmt.Sprintf("COPY (SELECT %s FROM (%s) WHERE coalesce(%s, '') = %s ORDER BY stime, tapdb_rowid) TO %s (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE %d)",
			selectList(e.cols), src, schema.QuoteIdent(partitionColumn), schema.QuoteLiteral(id), schema.QuoteLiteral(tmp.Name()), e.opts.RowGroupSize)
		r, err := tx.ExecContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("%s: write srcid %q: %w", what, id, err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return nil, fmt.Errorf("%s: write srcid %q: %w", what, id, err)
		}
		files = append(files, store.ExportedFile{
			Lake: e.lake, Lo: p.Lo, Hi: p.Hi, Part: part, Srcid: id,
			File: filePath(e.s.Period(), p.Lo, id, part), Rows: n, Upto: want,
		})
	}
	tx.Rollback() // nothing left to read
	now := time.Now().UTC()
	for i := range files {
		f := &files[i]
		if f.Bytes, f.SHA256, err = syncAndHash(temps[i]); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		final := filepath.Join(e.lake, filepath.FromSlash(f.File))
		if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if err := os.Rename(temps[i], final); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if err := syncDir(filepath.Dir(final)); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		f.Exported = now
	}
	temps = nil
	if e.opts.afterRename != nil {
		if err := e.opts.afterRename(files); err != nil {
			return nil, err
		}
	}
	if err := e.s.RecordExport(ctx, files); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var rows, bytes int64
	for _, f := range files {
		rows, bytes = rows+f.Rows, bytes+f.Bytes
	}
	e.log.Info("exported period", "lo", p.Lo.Format(time.RFC3339), "part", part, "files", len(files), "rows", rows, "bytes", bytes,
		"elapsed", time.Since(start).Round(time.Millisecond))
	return files, nil
}

// distinctSrcids lists the srcids of the records src selects (NULL as "").
func distinctSrcids(ctx context.Context, tx *sql.Tx, src string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, fmt.Sprintf("SELECT DISTINCT coalesce(%s, '') FROM (%s) ORDER BY 1", schema.QuoteIdent(partitionColumn), src))
	if err != nil {
		return nil, fmt.Errorf("list srcids: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list srcids: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// syncAndHash flushes the file at path to disk and returns its size and
// hex SHA-256.
func syncAndHash(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", fmt.Errorf("hash %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return 0, "", fmt.Errorf("sync %s: %w", path, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
