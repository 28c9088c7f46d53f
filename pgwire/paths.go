package pgwire

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Hiding the server's file-system paths.
//
// Query users must not learn where the store lives or which account runs
// the server. Two walls: the table functions that list paths
// (duckdb_databases, duckdb_settings …) are refused by the read-only
// check (pathTableFunctions), and every error and notice sent to a client
// has Config.HidePaths replaced by "<store>" (DuckDB names its temp
// directory in out-of-memory errors, for example).

// hiddenPath replaces a hidden path in messages.
const hiddenPath = "<store>"

// pathTableFunctions are the catalog table functions (of the allowed
// duckdb_ and pragma_ families) whose results show file-system paths.
var pathTableFunctions = map[string]bool{
	"duckdb_databases": true, "duckdb_settings": true, "duckdb_extensions": true,
	"duckdb_temporary_files": true, "duckdb_secrets": true, "duckdb_logs": true,
	"duckdb_log_contexts": true, "pragma_database_list": true,
}

// pathFunctions are the scalar functions that show DuckDB's settings,
// paths among them. The catalog rewrite replaces current_setting with the
// session's macro, which knows PostgreSQL's settings only; a statement the
// rewrite leaves alone (over 16 KiB) must not reach DuckDB's.
var pathFunctions = map[string]bool{"current_setting": true, "getenv": true}

// DuckDBPaths returns the absolute paths DuckDB knows of on db: the
// directory of each attached database file, and the settings that are
// absolute paths (temp_directory, secret_directory, home_directory …),
// for Config.HidePaths.
func DuckDBPaths(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT path FROM duckdb_databases() WHERE path IS NOT NULL AND path <> ''
		UNION ALL
		SELECT value FROM duckdb_settings() WHERE value LIKE '/%' OR value LIKE '_:\%'`)
	if err != nil {
		return nil, fmt.Errorf("duckdb paths: %w", err)
	}
	defer rows.Close()
	var paths []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("duckdb paths: %w", err)
		}
		if !filepath.IsAbs(p) {
			continue
		}
		paths = append(paths, p, filepath.Dir(p))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("duckdb paths: %w", err)
	}
	return paths, nil
}

// pathHider returns the replacer of Config.HidePaths in messages, nil if
// there is none. Longer paths go first, so that a file inside a hidden
// directory is hidden whole; the root directory is never hidden (it would
// mangle every slash).
func pathHider(paths []string) *strings.Replacer {
	var ps []string
	for _, p := range paths {
		p = strings.TrimRight(filepath.Clean(p), `/\`)
		if len(p) > 1 && !slices.Contains(ps, p) {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	slices.SortFunc(ps, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	var pairs []string
	for _, p := range ps {
		pairs = append(pairs, p, hiddenPath)
	}
	return strings.NewReplacer(pairs...)
}

// hidePaths returns e with the hidden paths replaced in its texts.
func (s *Server) hidePaths(e *pgError) *pgError {
	if s.hider == nil {
		return e
	}
	c := *e
	c.Message, c.Detail, c.Hint = s.hide(e.Message), s.hide(e.Detail), s.hide(e.Hint)
	return &c
}

// hide returns msg with the hidden paths replaced.
func (s *Server) hide(msg string) string {
	if s.hider == nil {
		return msg
	}
	return s.hider.Replace(msg)
}
