package serve

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestArgusConfGolden applies Debian's argus.conf with its sample lines
// enabled (testdata/argus.conf says which) and compares the effective
// configuration and the warnings with testdata/argus.conf.golden
// (go test -update rewrites it).
func TestArgusConfGolden(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "argus.conf"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg := Default()
	cfg.FlowTable.Srcid = "host" // not the machine's name, for a stable golden file
	warns, err := ApplyArgusConf(&cfg, f)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, w := range warns {
		b.WriteString("# warning: " + w + "\n")
	}
	if err := cfg.WriteTOML(&b); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "argus.conf.golden")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("effective configuration differs from %s:\n%s", golden, b.String())
	}
}

// Each argus.conf key with an equivalent sets its field in its section of
// the configuration.
func TestArgusConfKeys(t *testing.T) {
	for _, tc := range []struct {
		name, conf string
		check      func(c *Config) bool
		warn       string
	}{
		{"interface list", "ARGUS_INTERFACE=ind:eth0,eth1/10.0.0.1\n", func(c *Config) bool {
			return strings.Join(c.Capture.Interfaces, " ") == "eth0 eth1"
		}, ""},
		{"bind ip only keeps the port", "ARGUS_BIND_IP=\"::1,127.0.0.1\"\n", func(c *Config) bool { return c.Endpoint.Listen == "[::1]:5433" }, ""},
		{"access port on every address", "ARGUS_ACCESS_PORT=561\n", func(c *Config) bool { return c.Endpoint.Listen == "0.0.0.0:561" }, ""},
		{"access port 0 is off", "ARGUS_ACCESS_PORT=0\n", func(c *Config) bool { return c.Endpoint.Listen == "127.0.0.1:5433" }, ""},
		{"fractional status", "ARGUS_FLOW_STATUS_INTERVAL=0.5\n", func(c *Config) bool { return c.FlowTable.StatusInterval.String() == "500ms" }, ""},
		{"not promiscuous", "ARGUS_GO_PROMISCUOUS=no\n", func(c *Config) bool { return !c.Capture.Promisc }, ""},
		{"ip timeout sets udp", "ARGUS_IP_TIMEOUT=45\n", func(c *Config) bool {
			return c.FlowTable.UDPTimeout.String() == "45s" && c.FlowTable.IPTimeout.String() == "45s"
		}, ""},
		{"pcap buffer", "ARGUS_PCAP_BUF_SIZE=256M\n", func(c *Config) bool { return c.Capture.RingMB == 256 }, ""},
		{"filter", "ARGUS_FILTER=\"ip\" # only IP\n", func(c *Config) bool { return c.Capture.BPF == "ip" }, ""},
		{"monitor id", "ARGUS_MONITOR_ID=sensor7\n", func(c *Config) bool { return c.FlowTable.Srcid == "sensor7" }, ""},
		{"bind ip and port", "ARGUS_BIND_IP=10.0.0.1\nARGUS_ACCESS_PORT=561\n", func(c *Config) bool { return c.Endpoint.Listen == "10.0.0.1:561" }, ""},
		{"pid path", "ARGUS_SET_PID=yes\nARGUS_PID_PATH=/run/argus\n", func(c *Config) bool { return c.Process.PIDFile == "/run/argus/tapdb.pid" }, ""},
		{"other timers", "ARGUS_ICMP_TIMEOUT=6\nARGUS_IGMP_TIMEOUT=7\nARGUS_FRAG_TIMEOUT=8\nARGUS_ARP_TIMEOUT=9\nARGUS_OTHER_TIMEOUT=10\n", func(c *Config) bool {
			f := c.FlowTable
			return f.ICMPTimeout.String() == "6s" && f.IGMPTimeout.String() == "7s" && f.FragTimeout.String() == "8s" &&
				f.ARPTimeout.String() == "9s" && f.OtherTimeout.String() == "10s"
		}, ""},
		{"pid without path", "ARGUS_SET_PID=yes\n", func(c *Config) bool { return c.Process.PIDFile == "/var/run/tapdb.pid" }, ""},
		{"hostname monitor id", "ARGUS_MONITOR_ID=`hostname`\n", func(c *Config) bool { h, _ := os.Hostname(); return c.FlowTable.Srcid == h }, ""},
		{"no equivalent", "ARGUS_CHROOT_DIR=/x\n", func(c *Config) bool { return true }, "ARGUS_CHROOT_DIR has no tapdb equivalent"},
		{"unidirectional", "ARGUS_FLOW_TYPE=Unidirectional\n", func(c *Config) bool { return true }, "bidirectional"},
		{"comment after value", "ARGUS_TCP_TIMEOUT=90   // seconds\n", func(c *Config) bool { return c.FlowTable.TCPTimeout.String() == "1m30s" }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			warns, err := ApplyArgusConf(&c, strings.NewReader(tc.conf))
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(&c) {
				t.Errorf("configuration after %q: %+v", tc.conf, c)
			}
			if got := strings.Join(warns, "\n"); !strings.Contains(got, tc.warn) || (tc.warn == "" && got != "") {
				t.Errorf("warnings %q, want %q", got, tc.warn)
			}
		})
	}
	for _, bad := range []string{"ARGUS_TCP_TIMEOUT=x\n", "ARGUS_ACCESS_PORT=70000\n", "NOEQUALS\n", "ARGUS_PCAP_BUF_SIZE=lots\n"} {
		c := Default()
		if _, err := ApplyArgusConf(&c, strings.NewReader(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzArgusConf(f *testing.F) {
	f.Add("ARGUS_INTERFACE=ind:en0/\"en0\",en2/19234\nARGUS_FILTER=\"ip\" # c\n")
	f.Add("ARGUS_FLOW_STATUS_INTERVAL=1e9\n")
	f.Fuzz(func(t *testing.T, s string) {
		c := Default()
		ApplyArgusConf(&c, strings.NewReader(s))
	})
}
