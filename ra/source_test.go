package ra

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tapdb/store"
)

func TestServerConfig(t *testing.T) {
	pgpass := filepath.Join(t.TempDir(), "pgpass")
	if err := os.WriteFile(pgpass, []byte("sensor:5433:flows:alice:from-pgpass\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PGPASSFILE", pgpass)
	t.Setenv("PGUSER", "alice")
	t.Setenv("PGPASSWORD", "")
	t.Setenv("PGDATABASE", "")
	t.Setenv("PGSERVICEFILE", "")
	tests := []struct {
		server, host, user, password, db string
		port                             uint16
	}{
		{"sensor", "sensor", "alice", "from-pgpass", "flows", 5433},
		{"bob:s3cr'et@sensor:6000", "sensor", "bob", "s3cr'et", "flows", 6000},
		{"bob@[::1]:5433", "::1", "bob", "", "flows", 5433},
	}
	for _, tt := range tests {
		cfg, err := ServerConfig(tt.server)
		if err != nil {
			t.Fatalf("%s: %v", tt.server, err)
		}
		if cfg.Host != tt.host || cfg.Port != tt.port || cfg.User != tt.user || cfg.Password != tt.password || cfg.Database != tt.db {
			t.Errorf("%s: got host %q port %d user %q password %q db %q", tt.server, cfg.Host, cfg.Port, cfg.User, cfg.Password, cfg.Database)
		}
	}
	t.Setenv("PGPASSWORD", "from-env")
	if cfg, err := ServerConfig("carol@elsewhere"); err != nil || cfg.Password != "from-env" {
		t.Errorf("PGPASSWORD: got %v, %v", cfg, err)
	}
	if _, err := ServerConfig("u@:5433"); err == nil {
		t.Error("no host: no error")
	}
}

// isCapture (capture.Detect) recognises every capture of the test data
// and takes a store file for what it is.
func TestIsCapture(t *testing.T) {
	ents, err := os.ReadDir("../testdata/pcaps")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		n++
		if ok, err := isCapture(filepath.Join("../testdata/pcaps", e.Name())); !ok || err != nil {
			t.Errorf("%s: isCapture = %v, %v", e.Name(), ok, err)
		}
	}
	if n < 40 {
		t.Errorf("only %d captures in testdata/pcaps", n)
	}
	path := filepath.Join(t.TempDir(), "flows.duckdb")
	st, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if ok, err := isCapture(path); ok || err != nil {
		t.Errorf("store file: isCapture = %v, %v", ok, err)
	}
	if ok, err := isCapture("-"); !ok || err != nil {
		t.Errorf("stdin: isCapture = %v, %v", ok, err)
	}
	if _, err := isCapture(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("missing file: no error")
	}
}
