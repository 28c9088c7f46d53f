package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testEnv is an env whose output lands in buffers.
func testEnv() (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &env{stdout: &out, stderr: &errb, stdin: strings.NewReader(""), log: slog.New(slog.DiscardHandler)}, &out, &errb
}

func TestRaCommands(t *testing.T) {
	pcap := testdataPath(t, filepath.Join("pcaps", "zeek-icmp-5-pings.pcap"))
	tests := []struct {
		run  func(context.Context, *env, []string) error
		args []string
		want []string // lines the output must contain
	}{
		{runRa, []string{"-r", pcap}, []string{
			"   19:10:03.986596  e          icmp       172.16.133.2.0x0008   <->      172.217.11.78.0xca04        2        196   ECO"}},
		{runRa, []string{"-r", pcap, "-c", ",", "-s", "saddr", "daddr", "pkts", "-", "icmp"}, []string{"SrcAddr,DstAddr,TotPkts", "172.16.133.2,172.217.11.78,2"}},
		{runRacluster, []string{"-r", pcap, "-s", "saddr", "trans", "pkts"}, []string{"      172.16.133.2      5       10"}},
		{runRacount, []string{"-r", pcap}, []string{"    sum   5           10"}},
		{runRasort, []string{"-r", pcap, "-m", "dur", "-s", "dur", "-N", "o1"}, []string{"  0.023251"}},
		{runRa, []string{"-E", "-", "icmp"}, []string{"FROM flows WHERE"}},
		{runRa, []string{"-r", pcap, "-M", "json", "-s", "saddr", "pkts", "-N", "1"}, []string{`{"saddr":"172.16.133.2","pkts":2}`}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			e, out, errb := testEnv()
			if err := tt.run(context.Background(), e, tt.args); err != nil {
				t.Fatalf("%v (stderr %s)", err, errb)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w+"\n") && !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestRaUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"-q"}, {}, {"-r", "f", "-s", "nosuch"}} {
		e, _, errb := testEnv()
		err := runRa(context.Background(), e, args)
		var ue *usageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
		if !strings.Contains(errb.String(), "usage: ra") {
			t.Errorf("%v: no usage printed: %q", args, errb)
		}
	}
}

func TestInstallLinks(t *testing.T) {
	dir := t.TempDir()
	e, _, _ := testEnv()
	e.stdout = io.Discard
	for range 2 { // the second run replaces the links
		if err := runInstallLinks(context.Background(), e, []string{dir}); err != nil {
			t.Fatal(err)
		}
	}
	exe, _ := os.Executable()
	exe, _ = filepath.EvalSymlinks(exe)
	for _, name := range []string{"ra", "racluster", "rasort", "racount"} {
		target, err := os.Readlink(filepath.Join(dir, name))
		if err != nil || target != exe {
			t.Errorf("%s -> %q (%v), want %q", name, target, err, exe)
		}
	}
	if err := os.Remove(filepath.Join(dir, "ra")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ra"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := runInstallLinks(context.Background(), e, []string{dir}); err == nil {
		t.Error("replaced a regular file")
	}
}

// ra -S reads from a running tapdb serve over the Postgres protocol and
// prints what ra -r prints from the same capture, for filters whose SQL
// carries bound arguments of several types.
func TestRaFromServer(t *testing.T) {
	pcap := testdataPath(t, filepath.Join("pcaps", "zeek-wikipedia-mixed.pcap"))
	s := startServe(t, "-r", pcap, "--trust", "--listen", "127.0.0.1:0")
	for _, args := range [][]string{
		{"ra", "-n"},
		{"ra", "-", "tcp", "and", "dst", "port", "80", "and", "net", "141.142.0.0/16"},
		{"ra", "-s", "+dur", "+sttl", "-", "host", "208.80.152.2", "and", "bytes", "gt", "100"},
		{"racluster", "-m", "saddr", "daddr"},
		{"racount", "-", "udp"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			local := append([]string{args[0], "-r", pcap}, args[1:]...)
			remote := append([]string{args[0], "-S", "tapdb@" + s.pg}, args[1:]...)
			want, errb, code := tapdb(t, local...)
			if code != 0 {
				t.Fatalf("tapdb %v: exit %d: %s", local, code, errb)
			}
			got, errb, code := tapdb(t, remote...)
			if code != 0 {
				t.Fatalf("tapdb %v: exit %d: %s", remote, code, errb)
			}
			if got != want || strings.Count(got, "\n") < 2 {
				t.Errorf("-S printed:\n%s\n-r printed:\n%s", got, want)
			}
		})
	}
}
