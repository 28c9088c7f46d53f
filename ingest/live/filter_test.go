package live

import (
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/bpf"

	"tapdb/ingest/capture"
)

// filterCases are compiled by Compile and by libpcap (dumpcap -d) and must
// accept the same frames of every Ethernet capture in testdata.
var filterCases = []string{
	"",
	"ip", "ip6", "arp", "rarp", "tcp", "udp", "icmp", "icmp6", "igmp", "sctp",
	"port 53", "not port 53", "tcp port 80", "udp and src port 53", "dst port 443 or dst port 80",
	"src or dst port 53", "portrange 1-1023", "tcp portrange 6000-6100", "udp dst portrange 1024-65535",
	"host 141.142.220.118", "src host 208.80.152.3", "dst host 141.142.2.2", "ip host 141.142.220.226",
	"host 141.142.220.118 or 208.80.152.3", "host 141.142.220.118 and not 208.80.152.3",
	"arp and host 192.168.1.1", "arp host 10.0.0.1",
	"net 141.142.0.0/16", "src net 208.80.152.0/24", "dst net 10.0.0.0/8", "net 192.168.0.0 mask 255.255.0.0",
	"src and dst net 141.142.0.0/16", "net 141.142.220.118",
	"host fe80::3074:17d5:2052:c324", "ip6 net fe80::/10", "src net 2001:db8::/32", "dst net ff02::/16",
	"proto 17", "ip proto 6", "ip6 proto 58", "proto \\tcp",
	"less 100", "greater 1000", "less 60 or greater 1400",
	"ether broadcast", "ether multicast", "ether host 00:24:7e:e0:1d:b5", "ether src 00:13:7f:be:8c:ff",
	"ether dst f0:4d:a2:47:ba:25",
	"not (tcp or udp)", "tcp and not port 22 and (host 141.142.220.118 or host 208.80.152.3)",
	"!tcp && (udp || icmp)", "not port 5433",
}

// TestCompileMatchesLibpcap runs our program and libpcap's, side by side in
// x/net/bpf's VM, over every frame of the Ethernet captures in testdata.
func TestCompileMatchesLibpcap(t *testing.T) {
	if _, err := exec.LookPath("dumpcap"); err != nil {
		t.Skip("dumpcap is not installed (Debian package wireshark-common/tshark); skipping the libpcap comparison")
	}
	frames := ethernetFrames(t)
	if len(frames) < 1000 {
		t.Fatalf("only %d Ethernet frames in testdata", len(frames))
	}
	for _, expr := range filterCases {
		t.Run(expr, func(t *testing.T) {
			raw, err := Compile(expr, 65535)
			if err != nil {
				t.Fatal(err)
			}
			ours := vm(t, raw)
			theirs := vm(t, libpcapProgram(t, expr))
			matched := 0
			for i, f := range frames {
				a, err1 := ours.Run(f)
				b, err2 := theirs.Run(f)
				if err1 != nil || err2 != nil {
					t.Fatalf("frame %d: %v %v", i, err1, err2)
				}
				if (a > 0) != (b > 0) {
					t.Errorf("frame %d (%d bytes): ours %v, libpcap %v", i, len(f), a > 0, b > 0)
				}
				if b > 0 {
					matched++
				}
			}
			t.Logf("%d of %d frames match", matched, len(frames))
		})
	}
}

func vm(t *testing.T, raw []bpf.RawInstruction) *bpf.VM {
	t.Helper()
	prog, ok := bpf.Disassemble(raw)
	if !ok {
		t.Fatal("cannot disassemble the program")
	}
	v, err := bpf.NewVM(prog)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func ethernetFrames(t *testing.T) [][]byte {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "pcaps", "*.pcap*"))
	var out [][]byte
	for _, p := range paths {
		r, err := capture.Open(p)
		if err != nil {
			continue
		}
		var f capture.Frame
		for {
			err := r.Next(&f)
			if err == io.EOF || err != nil {
				break
			}
			if f.LinkType == capture.LinkEthernet {
				out = append(out, append([]byte(nil), f.Data...))
			}
		}
		r.Close()
	}
	return out
}

var dumpLine = regexp.MustCompile(`^\((\d+)\) (\S+)\s*(.*?)\s*(?:jt (\d+)\s+jf (\d+))?$`)

// libpcapProgram parses the program `dumpcap -d` prints for expr.
func libpcapProgram(t *testing.T, expr string) []bpf.RawInstruction {
	t.Helper()
	args := []string{"-i", "lo", "-d"}
	if expr != "" {
		args = append(args, "-f", expr)
	}
	out, err := exec.Command("dumpcap", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("dumpcap -d -f %q: %v\n%s", expr, err, out)
	}
	var prog []bpf.Instruction
	for _, line := range strings.Split(string(out), "\n") {
		m := dumpLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		pc, _ := strconv.Atoi(m[1])
		op, arg := m[2], m[3]
		num := func(s string) uint32 {
			v, err := strconv.ParseUint(strings.TrimPrefix(s, "#"), 0, 32)
			if err != nil {
				t.Fatalf("dumpcap line %q: %v", line, err)
			}
			return uint32(v)
		}
		size := map[string]int{"ld": 4, "ldh": 2, "ldb": 1}
		var in bpf.Instruction
		switch {
		case op == "ret":
			in = bpf.RetConstant{Val: num(arg)}
		case size[op] > 0 && arg == "#pktlen":
			in = bpf.LoadExtension{Num: bpf.ExtLen}
		case size[op] > 0 && strings.HasPrefix(arg, "[x + "):
			in = bpf.LoadIndirect{Off: num(strings.TrimSuffix(strings.TrimPrefix(arg, "[x + "), "]")), Size: size[op]}
		case size[op] > 0 && strings.HasPrefix(arg, "["):
			in = bpf.LoadAbsolute{Off: num(strings.Trim(arg, "[]")), Size: size[op]}
		case op == "ldxb" && strings.HasPrefix(arg, "4*(["):
			in = bpf.LoadMemShift{Off: num(strings.TrimSuffix(strings.TrimPrefix(arg, "4*(["), "]&0xf)"))}
		case op == "and":
			in = bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: num(arg)}
		case op == "ja":
			in = bpf.Jump{Skip: num(arg) - uint32(pc) - 1}
		case op == "jeq" || op == "jgt" || op == "jge" || op == "jset":
			jt, _ := strconv.Atoi(m[4])
			jf, _ := strconv.Atoi(m[5])
			cond := map[string]bpf.JumpTest{"jeq": bpf.JumpEqual, "jgt": bpf.JumpGreaterThan, "jge": bpf.JumpGreaterOrEqual, "jset": bpf.JumpBitsSet}[op]
			in = bpf.JumpIf{Cond: cond, Val: num(arg), SkipTrue: uint8(jt - pc - 1), SkipFalse: uint8(jf - pc - 1)}
		default:
			t.Fatalf("dumpcap line %q: instruction not understood by the test", line)
		}
		if pc != len(prog) {
			t.Fatalf("dumpcap line %q out of order", line)
		}
		prog = append(prog, in)
	}
	if len(prog) == 0 {
		t.Fatalf("no program from dumpcap for %q:\n%s", expr, out)
	}
	raw, err := bpf.Assemble(prog)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestCompileErrors(t *testing.T) {
	for _, expr := range []string{
		"tcp[13] & 2 != 0", "vlan 10", "port http", "host example.com", "(tcp", "tcp or", "ether", "net 10.0.0.1/8",
		"portrange 5", "less", "bogus", "ip host fe80::1", "icmp port 5", "mpls",
	} {
		if _, err := Compile(expr, 100); err == nil {
			t.Errorf("Compile(%q) accepted", expr)
		}
	}
}

func FuzzCompile(f *testing.F) {
	for _, c := range filterCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		raw, err := Compile(expr, 1500)
		if err != nil {
			return
		}
		prog, ok := bpf.Disassemble(raw)
		if !ok {
			t.Fatalf("%q: program does not disassemble", expr)
		}
		if _, err := bpf.NewVM(prog); err != nil {
			t.Fatalf("%q: invalid program: %v", expr, err)
		}
	})
}
