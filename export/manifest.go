package export

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"tapdb/store"
)

// FormatVersion is the version of the lake's layout and manifest.
const FormatVersion = 1

// Manifest is _tapdb/manifest.json: what the lake holds. It is a function
// of what the store recorded, rewritten (atomically) only when that
// changes.
type Manifest struct {
	Format        string    `json:"format"`         // "tapdb-lake"
	Version       int       `json:"version"`        // FormatVersion
	SchemaVersion int       `json:"schema_version"` // the store's migration version
	Period        string    `json:"period"`         // hour, day, month
	Layout        string    `json:"layout"`
	Partitions    []Column  `json:"partitions"` // the path's columns, with the types to read them as
	Columns       []Column  `json:"columns"`    // the files' columns
	Derived       []Derived `json:"derived"`    // the store's computed columns, not in the files
	Updated       time.Time `json:"updated"`    // the latest file's export time
	Rows          int64     `json:"rows"`
	Bytes         int64     `json:"bytes"`
	Periods       []Period  `json:"periods"`
}

// Period is a period's files in the manifest.
type Period struct {
	Lo    time.Time `json:"lo"`
	Hi    time.Time `json:"hi"`
	Rows  int64     `json:"rows"`
	Files []File    `json:"files"`
}

// File is one Parquet file in the manifest.
type File struct {
	Path     string    `json:"path"` // relative to the lake
	Part     int       `json:"part"`
	Srcid    string    `json:"srcid"`
	Rows     int64     `json:"rows"`
	Bytes    int64     `json:"bytes"`
	SHA256   string    `json:"sha256"`
	Exported time.Time `json:"exported"`
}

// partitions are the Hive partition columns of the lake's paths.
func partitions(g store.Granularity) []Column {
	src := Column{Name: partitionColumn, Type: "VARCHAR", Doc: "the sensor or exporter that produced the records (Hive-escaped; empty as " + hiveDefault + ")"}
	switch g {
	case store.Hour:
		return []Column{{Name: "date", Type: "DATE", Doc: "the period's day (UTC)"}, {Name: "hour", Type: "INTEGER", Doc: "the period's hour (UTC)"}, src}
	case store.Month:
		return []Column{{Name: "month", Type: "VARCHAR", Doc: "the period's month, YYYY-MM (UTC)"}, src}
	default:
		return []Column{{Name: "date", Type: "DATE", Doc: "the period's day (UTC)"}, src}
	}
}

// manifest builds the lake's manifest from what the store recorded.
func (e *exporter) manifest(ctx context.Context) (*Manifest, error) {
	version, err := e.s.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	files, err := e.s.ExportedFiles(ctx, e.lake)
	if err != nil {
		return nil, err
	}
	g := e.s.Period()
	m := &Manifest{
		Format: "tapdb-lake", Version: FormatVersion, SchemaVersion: version,
		Period: g.String(), Layout: layout(g), Partitions: partitions(g),
		Columns: e.cols, Derived: derivedColumns(), Periods: []Period{},
	}
	for _, f := range files {
		if n := len(m.Periods); n == 0 || !m.Periods[n-1].Lo.Equal(f.Lo) {
			m.Periods = append(m.Periods, Period{Lo: f.Lo, Hi: f.Hi})
		}
		p := &m.Periods[len(m.Periods)-1]
		p.Rows += f.Rows
		p.Files = append(p.Files, File{Path: f.File, Part: f.Part, Srcid: f.Srcid, Rows: f.Rows, Bytes: f.Bytes, SHA256: f.SHA256, Exported: f.Exported})
		m.Rows += f.Rows
		m.Bytes += f.Bytes
		if f.Exported.After(m.Updated) {
			m.Updated = f.Exported
		}
	}
	return m, nil
}

// writeManifest writes the manifest when it differs from the lake's: to a
// temporary name, synced, then renamed over the old one.
func (e *exporter) writeManifest(ctx context.Context) (bool, error) {
	m, err := e.manifest(ctx)
	if err != nil {
		return false, fmt.Errorf("export to %s: manifest: %w", e.lake, err)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return false, fmt.Errorf("export to %s: manifest: %w", e.lake, err)
	}
	b = append(b, '\n')
	path := filepath.Join(e.lake, filepath.FromSlash(manifestName))
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, b) {
		return false, nil
	}
	tmp := path + ".tmp"
	if err := writeSynced(tmp, b); err != nil {
		return false, fmt.Errorf("export to %s: manifest: %w", e.lake, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return false, fmt.Errorf("export to %s: manifest: %w", e.lake, err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return false, fmt.Errorf("export to %s: manifest: %w", e.lake, err)
	}
	return true, nil
}

// writeSynced writes b to a new file at path and flushes it to disk.
func writeSynced(path string, b []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ReadManifest reads the manifest of the lake at dir.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(manifestName)))
	if err != nil {
		return nil, fmt.Errorf("read lake manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read lake manifest %s: %w", dir, err)
	}
	return &m, nil
}
