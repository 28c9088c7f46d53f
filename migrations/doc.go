// Package migrations holds the store's DDL as ordered, embedded SQL files.
//
// store.Open applies every file whose number is above the store's recorded
// version, in order, each in its own transaction, and records the new
// version in tapdb_schema_version, so a store made by an older tapdb opens
// in a newer one.
//
// File names are NNNN_description.sql. A file whose first line is
// "-- tapdb:each-partition" is applied once per existing partition table,
// with {{table}} replaced by the partition's quoted name; use it to evolve
// partition tables (new partitions are created from schema.Columns, which
// must already describe the change).
//
// Partition tables themselves are not created here: their columns come from
// schema.Columns, the single source of truth, when the writer first needs a
// partition.
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

// EachPartitionMarker starts a migration that is applied per partition.
const EachPartitionMarker = "-- tapdb:each-partition"

// Migration is one numbered DDL file.
type Migration struct {
	Version       int
	Name          string
	SQL           string
	EachPartition bool
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
		out = append(out, Migration{Version: v, Name: name, SQL: text, EachPartition: strings.HasPrefix(text, EachPartitionMarker)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", out[i-1].Name, out[i].Name, out[i].Version)
		}
	}
	return out, nil
}
