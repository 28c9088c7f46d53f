// Package migrations holds the store's DDL as ordered, embedded SQL files.
//
// store.Open applies every file whose number is above the store's recorded
// version, in order, each in its own transaction, and records the new
// version in tapdb_schema_version, so a store made by an older tapdb opens
// in a newer one.
//
// File names are NNNN_description.sql. A file whose first line is
// "-- tapdb:each-flow-table" is applied once per table holding flow
// records, with {{table}} replaced by the table's quoted name: the flows
// table tapdb_flows once it exists, and, in a store of the first layout not
// yet moved into it, each partition table. Use it to evolve the flows
// table; a new store creates it from schema.Columns, which must already
// describe the change.
//
// The flows table itself is not created here: its columns come from
// schema.Columns, the single source of truth (store.Open creates it, and
// moves a first-layout store's partitions into it).
package migrations

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed *.sql
var files embed.FS

// EachFlowTableMarker starts a migration that is applied to each table
// holding flow records.
const EachFlowTableMarker = "-- tapdb:each-flow-table"

// Migration is one numbered DDL file.
type Migration struct {
	Version       int
	Name          string
	SQL           string
	EachFlowTable bool
}

// All returns the embedded migrations in version order.
func All() ([]Migration, error) {
	entries, err := fs.Glob(files, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var out []Migration
	for _, name := range entries {
		num, _, ok := strings.Cut(name, "_")
		if !ok {
			return nil, fmt.Errorf("migration %s: name must be NNNN_description.sql", name)
		}
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: bad version number: %w", name, err)
		}
		b, err := files.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		text := string(b)
		out = append(out, Migration{Version: v, Name: name, SQL: text, EachFlowTable: strings.HasPrefix(text, EachFlowTableMarker)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", out[i-1].Name, out[i].Name, out[i].Version)
		}
	}
	return out, nil
}
