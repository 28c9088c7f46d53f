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

// Argus 3 files, plain, gzip'd or rewritten by ra -w, are told from
// captures and stores and read record by record into the in-memory
// store, beside captures if both are given.
func TestOpenArgusFiles(t *testing.T) {
	const dir = "../testdata/argusfiles/"
	tests := []struct {
		read  []string
		flows int
	}{
		{[]string{dir + "zeek-icmp-5-pings.pcap.argus"}, 5},
		{[]string{dir + "zeek-wikipedia-mixed.pcap.ra-w.argus"}, 42},
		{[]string{dir + "pcapplusplus-dns-packets.pcap.argus.gz"}, 228},
		{[]string{dir + "zeek-icmp-5-pings.pcap.argus", "../testdata/pcaps/zeek-icmp-5-pings.pcap"}, 10},
	}
	for _, tt := range tests {
		for _, p := range tt.read {
			if strings.HasSuffix(p, ".pcap") {
				continue
			}
			if ok, err := isArgusFile(p); !ok || err != nil {
				t.Errorf("%s: isArgusFile = %v, %v", p, ok, err)
			}
		}
		src, err := Open(context.Background(), &Options{Read: tt.read}, nil)
		if err != nil {
			t.Fatalf("%v: %v", tt.read, err)
		}
		var n int
		if err := src.DB.QueryRow("SELECT count(*) FROM flows").Scan(&n); err != nil {
			t.Fatal(err)
		}
		src.Close()
		if n != tt.flows {
			t.Errorf("%v: %d flows, want %d", tt.read, n, tt.flows)
		}
	}
	if ok, err := isArgusFile("../testdata/pcaps/zeek-icmp-5-pings.pcap"); ok || err != nil {
		t.Errorf("pcap: isArgusFile = %v, %v", ok, err)
	}
	// A file cut inside its first flow record has nothing to print.
	data, err := os.ReadFile(dir + "zeek-icmp-5-pings.pcap.argus")
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.argus")
	if err := os.WriteFile(cut, data[:140], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), &Options{Read: []string{cut}}, nil); err == nil || !strings.Contains(err.Error(), "cut.argus: record 2 at offset 128") {
		t.Errorf("cut file: err = %v", err)
	}
}
