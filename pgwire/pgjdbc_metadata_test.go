package pgwire_test

import (
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestPgjdbcMetaData runs testdata/PgjdbcMetaData.java: pgjdbc's
// DatabaseMetaData calls answer as PostgreSQL's would for a database whose
// tables have no keys or indexes (empty results, not errors), and the
// store's tapdb_* tables stay out of getTables.
func TestPgjdbcMetaData(t *testing.T) {
	java, err := exec.LookPath("java")
	if err != nil {
		t.Skip("java not installed")
	}
	if _, err := os.Stat(pgjdbcJar); err != nil {
		t.Skip("pgjdbc not installed (apt install libpostgresql-jdbc-java)")
	}
	db := newTestDB(t)
	if _, err := db.Exec("CREATE TABLE tapdb_settings (key VARCHAR, value VARCHAR)"); err != nil {
		t.Fatal(err)
	}
	_, addr := startServer(t, pgwireConfig(), db)
	host, port, _ := net.SplitHostPort(addr)
	url := "jdbc:postgresql://" + host + ":" + port + "/flows?sslmode=disable"
	out, err := exec.Command(java, "-cp", pgjdbcJar, "testdata/PgjdbcMetaData.java", url).CombinedOutput()
	if err != nil {
		t.Fatalf("pgjdbc client: %v\n%s", err, out)
	}
	want := strings.Join([]string{
		"primarykeys 0",
		"indexinfo 0",
		"bestrow 0",
		"importedkeys 0",
		"exportedkeys 0",
		"crossreference 0",
		"tables 2",
		"keywords true",
		"isolation true",
	}, "\n") + "\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}
