package pgwire_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestSQLAlchemyInspector reflects the test database with SQLAlchemy's
// inspector over psycopg2 (testdata/sqlalchemy_inspect.py): what Superset
// and other SQLAlchemy-based tools ask on sync.
func TestSQLAlchemyInspector(t *testing.T) {
	py := "/usr/bin/python3"
	if exec.Command(py, "-c", "import sqlalchemy, psycopg2").Run() != nil {
		t.Skip("python3 with SQLAlchemy and psycopg2 not found (apt install python3-sqlalchemy python3-psycopg2)")
	}
	db := newTestDB(t)
	if _, err := db.Exec("CREATE TABLE tapdb_settings (key VARCHAR, value VARCHAR)"); err != nil {
		t.Fatal(err)
	}
	_, addr := startServer(t, pgwireConfig(), db)
	out, err := exec.Command(py, "testdata/sqlalchemy_inspect.py", connString(addr, "tester", "")).CombinedOutput()
	if err != nil {
		t.Fatalf("sqlalchemy: %v\n%s", err, out)
	}
	want := strings.Join([]string{
		"schemas ['main']",
		"tables ['flows']",
		"views ['flows_tcp']",
		"columns stime:TIMESTAMP saddr:TEXT sport:INTEGER dttl:SMALLINT daddr_num:NUMERIC dur:DOUBLE_PRECISION bytes:BIGINT",
	}, "\n") + "\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}
