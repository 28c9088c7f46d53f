package pgwire_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNodePostgres runs testdata/node_client.js with node-postgres (npm
// "pg", found through NODE_PATH or a global install).
func TestNodePostgres(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	if err := exec.Command(node, "-e", "require('pg')").Run(); err != nil {
		t.Skip("node-postgres not installed (npm install pg; set NODE_PATH to its node_modules)")
	}
	_, addr := startServer(t, pgwireConfig(), nil)
	host, port, _ := strings.Cut(addr, ":")
	url := "postgresql://tester@" + host + ":" + port + "/flows?sslmode=disable"
	out, err := exec.Command(node, "testdata/node_client.js", url).CombinedOutput()
	if err != nil {
		t.Fatalf("node client: %v\n%s", err, out)
	}
	want := strings.Join([]string{
		"group tcp 2 330500",
		"group udp 1 200",
		"named 2026-11-27T05:07:00.000Z",
		"named again 2026-11-27T05:06:02.189Z",
		"attack 42501",
		"after 1",
	}, "\n") + "\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}
