package pgwire_test

import (
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const pgjdbcJar = "/usr/share/java/postgresql.jar"

// TestPgjdbc runs testdata/PgjdbcClient.java (DatabaseMetaData, a
// PreparedStatement past pgjdbc's switch to binary, an attack) with the
// real PostgreSQL JDBC driver.
func TestPgjdbc(t *testing.T) {
	java, err := exec.LookPath("java")
	if err != nil {
		t.Skip("java not installed")
	}
	if _, err := os.Stat(pgjdbcJar); err != nil {
		t.Skip("pgjdbc not installed (apt install libpostgresql-jdbc-java)")
	}
	_, addr := startServer(t, pgwireConfig(), nil)
	host, port, _ := net.SplitHostPort(addr)
	url := "jdbc:postgresql://" + host + ":" + port + "/flows?sslmode=disable"
	out, err := exec.Command(java, "-cp", pgjdbcJar, "testdata/PgjdbcClient.java", url).CombinedOutput()
	if err != nil {
		t.Fatalf("pgjdbc client: %v\n%s", err, out)
	}
	want := strings.Join([]string{
		"product PostgreSQL 15",
		"schemas main pg_catalog",
		"tables flows:TABLE flows_tcp:VIEW",
		"columns dir:text daddr:text dport:int4 dpkts:int8 dbytes:int8 dappbytes:int8 dmac:text dttl:int2 dtos:int2 dvlan:int4 " +
			"dmpls:int8 dtcpflags:int2 dretrans:int8 dwin:int8 dtcpb:int8 daddr_hi:numeric daddr_lo:numeric daddr_num:numeric dur:float8 drate:float8 dload:float8 dmeansz:float8",
		"typeinfo true",
		"run 0 2 330500 2026-11-27T05:06:02.189339Z 59.999999 int8,numeric,timestamptz,float8",
		"run 7 2 330500 2026-11-27T05:06:02.189339Z 59.999999 int8,numeric,timestamptz,float8",
		"attack 42501",
	}, "\n") + "\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}
