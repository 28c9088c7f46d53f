package main

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSensorDamagedOriginalLength damages one pcap record header the way a
// flipped byte does (original length 0xff000062 for a 98-byte ping): the
// sensor stores every packet, counts that one's captured bytes, names the
// file, packet and offset, and exits non-zero.
func TestSensorDamagedOriginalLength(t *testing.T) {
	data, err := os.ReadFile(testdataPath(t, "pcaps/zeek-icmp-5-pings.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	// Packet 2's record header follows the file header and packet 1.
	off := 24 + 16 + int(binary.LittleEndian.Uint32(data[24+8:]))
	binary.LittleEndian.PutUint32(data[off+12:], binary.LittleEndian.Uint32(data[off+12:])|0xff000000)
	dir := t.TempDir()
	capture := filepath.Join(dir, "flipped.pcap")
	if err := os.WriteFile(capture, data, 0o644); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(dir, "flows.duckdb")
	_, stderr, code := tapdb(t, "sensor", "-q", "-r", capture, "-w", store)
	if code == 0 {
		t.Fatal("damaged original length gave exit status 0")
	}
	for _, want := range []string{"flipped.pcap", "packet 2 at offset " + strconv.Itoa(off), "original length"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q does not say %q", stderr, want)
		}
	}
	out, _, _ := tapdb(t, "sql", "-csv", store, "select sum(pkts), sum(bytes) from flows")
	if got := strings.TrimSpace(out); got != "sum(pkts),sum(bytes)\n10,980" {
		t.Errorf("stored %q, want the 10 packets of 98 bytes", got)
	}
}

// TestSensorSrcidDefault checks that records carry Argus's default source
// id, 0.0.0.0 (argus with or without -X, no -e), unless -e gives one.
func TestSensorSrcidDefault(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "0.0.0.0"},
		{[]string{"-e", "192.0.2.7"}, "192.0.2.7"},
	} {
		store := filepath.Join(dir, tc.want+".duckdb")
		args := append([]string{"sensor", "-q", "-r", testdataPath(t, "pcaps/zeek-icmp-5-pings.pcap"), "-w", store}, tc.args...)
		if _, stderr, code := tapdb(t, args...); code != 0 {
			t.Fatalf("sensor %v: exit %d: %s", tc.args, code, stderr)
		}
		out, _, _ := tapdb(t, "sql", "-csv", store, "select distinct srcid from flows")
		if got := strings.TrimSpace(out); got != "srcid\n"+tc.want {
			t.Errorf("sensor %v: srcid %q, want %q", tc.args, got, tc.want)
		}
	}
}
