package netflow

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "regenerate the tshark reference files in testdata (needs tshark)")

// tsharkFlow is one flow record as Wireshark's cflow dissector shows it.
type tsharkFlow struct {
	saddr, daddr  string
	sport, dport  int
	proto         int
	pkts, bytes   int64
	rpkts, rbytes int64
	flags, rflags int
	icmp          int // ICMP type field, -1 when absent
	stime, ltime  time.Time
}

const tsharkHeader = "# saddr\tsport\tdaddr\tdport\tproto\tpkts\tbytes\trpkts\trbytes\tflags\trflags\ticmp\tstime\tltime"

func (f tsharkFlow) String() string {
	return fmt.Sprintf("%s\t%d\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s", f.saddr, f.sport, f.daddr, f.dport,
		f.proto, f.pkts, f.bytes, f.rpkts, f.rbytes, f.flags, f.rflags, f.icmp,
		f.stime.Format(time.RFC3339Nano), f.ltime.Format(time.RFC3339Nano))
}

// referenceFlows returns the flows tshark decodes from the captures, read
// from testdata/<golden>; with -update it runs tshark first.
//
// tshark is given the captures' packets twice over and only the second
// pass is kept, so that data sets whose template comes later in the same
// packet (or in a later capture) are decoded too, as the Decoder does.
func referenceFlows(t *testing.T, golden string, port int, names ...string) []tsharkFlow {
	t.Helper()
	path := filepath.Join("testdata", golden)
	if *update {
		out, err := runTshark(t, port, names)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		fmt.Fprintf(&buf, "# tshark -r <%s twice> -d udp.port==%d,cflow -V, second pass (go test -run %s -update)\n", strings.Join(names, " + "), port, t.Name())
		fmt.Fprintln(&buf, tsharkHeader)
		for _, f := range out {
			fmt.Fprintln(&buf, f)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var flows []tsharkFlow
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 14 {
			t.Fatalf("%s: bad line %q", path, line)
		}
		n := func(i int) int64 {
			v, err := strconv.ParseInt(c[i], 10, 64)
			if err != nil {
				t.Fatalf("%s: %q: %v", path, line, err)
			}
			return v
		}
		tm := func(i int) time.Time {
			v, err := time.Parse(time.RFC3339Nano, c[i])
			if err != nil {
				t.Fatalf("%s: %q: %v", path, line, err)
			}
			return v
		}
		flows = append(flows, tsharkFlow{saddr: c[0], sport: int(n(1)), daddr: c[2], dport: int(n(3)), proto: int(n(4)),
			pkts: n(5), bytes: n(6), rpkts: n(7), rbytes: n(8), flags: int(n(9)), rflags: int(n(10)), icmp: int(n(11)),
			stime: tm(12), ltime: tm(13)})
	}
	return flows
}

// runTshark writes the captures' packets twice into one pcap, runs tshark
// on it and parses the flows of the second pass.
func runTshark(t *testing.T, port int, names []string) ([]tsharkFlow, error) {
	var body []byte
	var head []byte
	var frames int
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			return nil, err
		}
		head = b[:24]
		body = append(body, b[24:]...)
		frames += len(readExports(t, filepath.Join("testdata", name)))
	}
	tmp := filepath.Join(t.TempDir(), "twice.pcap")
	if err := os.WriteFile(tmp, append(append(append([]byte(nil), head...), body...), body...), 0o644); err != nil {
		return nil, err
	}
	out, err := exec.Command("tshark", "-r", tmp, "-d", fmt.Sprintf("udp.port==%d,cflow", port), "-V", "-O", "cflow").Output()
	if err != nil {
		return nil, fmt.Errorf("tshark: %w", err)
	}
	return parseTshark(out, frames)
}

var (
	reFrame = regexp.MustCompile(`^Frame (\d+):`)
	reFlow  = regexp.MustCompile(`^\s+(Flow \d+|pdu \d+/\d+)$`)
	reKV    = regexp.MustCompile(`^\s+([A-Za-z ]+): (.*)$`)
)

// parseTshark reads tshark -V output and returns the flows of the frames
// after skip.
func parseTshark(out []byte, skip int) ([]tsharkFlow, error) {
	var flows []tsharkFlow
	var cur *tsharkFlow
	var frame int
	var uptimeNs, exportNs int64
	var addrs []string
	finish := func() {
		if cur != nil && frame > skip && len(addrs) > 0 {
			flows = append(flows, *cur)
		}
		cur, addrs = nil, nil
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := reFrame.FindStringSubmatch(line); m != nil {
			finish()
			frame, _ = strconv.Atoi(m[1])
			continue
		}
		if reFlow.MatchString(line) {
			finish()
			cur = &tsharkFlow{icmp: -1}
			continue
		}
		m := reKV.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		k, v := m[1], m[2]
		rev := strings.Contains(v, "(Reverse")
		first := strings.Fields(v)
		if len(first) == 0 {
			continue
		}
		num := func() int64 {
			s := strings.TrimSuffix(first[0], ",")
			n, _ := strconv.ParseInt(s, 0, 64)
			return n
		}
		switch k {
		case "SysUptime":
			uptimeNs = secondsNs(first[0])
		case "CurrentSecs", "ExportTime":
			exportNs = num() * 1e9
		case "CurrentNSecs":
			exportNs += num()
		}
		if cur == nil {
			continue
		}
		switch k {
		case "SrcAddr", "DstAddr":
			if len(addrs) >= 2 && first[0] == "::" {
				continue // pmacct's v9 template has zero IPv6 beside IPv4 addresses
			}
			if k == "SrcAddr" {
				if cur.saddr == "" || cur.saddr == "::" {
					cur.saddr = first[0]
				}
			} else if cur.daddr == "" || cur.daddr == "::" {
				cur.daddr = first[0]
			}
			addrs = append(addrs, first[0])
		case "SrcPort":
			cur.sport = int(num())
		case "DstPort":
			cur.dport = int(num())
		case "Protocol":
			i := strings.LastIndex(v, "(")
			p, _ := strconv.Atoi(strings.Trim(v[i+1:], ")"))
			cur.proto = p
		case "ICMP Type":
			cur.icmp = int(num())
		case "Packets":
			if rev {
				cur.rpkts = num()
			} else {
				cur.pkts = num()
			}
		case "Octets":
			if rev {
				cur.rbytes = num()
			} else {
				cur.bytes = num()
			}
		case "TCP Flags":
			if rev {
				cur.rflags = int(num())
			} else {
				cur.flags = int(num())
			}
		case "StartTime", "EndTime":
			var ts time.Time
			if strings.HasSuffix(v, " seconds") {
				ts = time.Unix(0, exportNs-(uptimeNs-secondsNs(first[0]))).UTC()
			} else {
				var err error
				ts, err = time.Parse("Jan _2, 2006 15:04:05.999999999 MST", v)
				if err != nil {
					return nil, fmt.Errorf("time %q: %w", v, err)
				}
			}
			if k == "StartTime" {
				cur.stime = ts
			} else {
				cur.ltime = ts
			}
		}
	}
	finish()
	return flows, sc.Err()
}

// secondsNs parses "123.456000000" seconds into nanoseconds exactly.
func secondsNs(s string) int64 {
	whole, frac, _ := strings.Cut(s, ".")
	w, _ := strconv.ParseInt(whole, 10, 64)
	frac = (frac + "000000000")[:9]
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*1e9 + f
}
