package pgwire_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPsycopg2 runs testdata/psycopg2_client.py (psycopg2's connection
// set-up, parameters, a named cursor and an attack) against the server.
func TestPsycopg2(t *testing.T) {
	// The Debian package installs for the system python, which a pyenv or
	// virtualenv first on PATH may hide.
	var py string
	candidates := []string{"/usr/bin/python3"}
	if p, err := exec.LookPath("python3"); err == nil {
		candidates = append([]string{p}, candidates...)
	}
	for _, c := range candidates {
		if exec.Command(c, "-c", "import psycopg2").Run() == nil {
			py = c
			break
		}
	}
	if py == "" {
		t.Skip("python3 with psycopg2 not found (apt install python3-psycopg2)")
	}
	_, addr := startServer(t, pgwireConfig(), nil)
	out, err := exec.Command(py, "testdata/psycopg2_client.py", connString(addr, "tester", "")).CombinedOutput()
	if err != nil {
		t.Fatalf("psycopg2 client: %v\n%s", err, out)
	}
	want := strings.Join([]string{
		"group tcp 2 Decimal 330500 2026-11-27T05:06:02.189339+00:00",
		"group udp 1 Decimal 200 2026-11-27T05:07:00+00:00",
		"params (\"it's\", 1.5, 1099511627776, True)",
		`arrays ([22, 53, 443], ['a b', None, 'q"'], [])`,
		"named 5000 12497500",
		"attack 42501",
		"after 1",
	}, "\n") + "\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}
