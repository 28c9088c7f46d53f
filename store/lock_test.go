package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHeldBy(t *testing.T) {
	err := errors.New(`database/sql/driver: could not connect to database: IO Error: Could not set lock on file "/tmp/held.duckdb": Conflicting lock is held in /usr/bin/tapdb (PID 31198). See also https://duckdb.org/docs/stable/connect/concurrency`)
	h := heldBy("/tmp/held.duckdb", err)
	if h == nil || h.PID != 31198 || h.Program != "/usr/bin/tapdb" || !errors.Is(h, err) {
		t.Fatalf("heldBy = %+v", h)
	}
	if msg := h.Error(); !strings.Contains(msg, "process 31198 (/usr/bin/tapdb)") || !strings.Contains(msg, "-S HOST:PORT") {
		t.Errorf("message %q", msg)
	}
	if heldBy("x", errors.New("IO Error: something else")) != nil {
		t.Error("another error taken for a held store")
	}
}

// A reading command's typo must not create a store.
func TestMustExist(t *testing.T) {
	path := filepath.Join(t.TempDir(), "typo.duckdb")
	if _, err := Open(context.Background(), path, Options{MustExist: true}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Open of a missing store: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the store was created: %v", err)
	}
}
