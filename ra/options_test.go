package ra

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		prog Program
		args string
		want Options
	}{
		{Ra, "-r f.duckdb", Options{Read: []string{"f.duckdb"}}},
		{Ra, "-n -r a.pcap b.pcap - udp and dst port 9996", Options{Numeric: 1, Read: []string{"a.pcap", "b.pcap"}, Filter: []string{"udp", "and", "dst", "port", "9996"}}},
		{Ra, "-nn -r f -- tcp", Options{Numeric: 2, Read: []string{"f"}, Filter: []string{"tcp"}}},
		{Ra, "-r f -s stime saddr daddr dport bytes state - tcp", Options{Read: []string{"f"}, Fields: []string{"stime", "saddr", "daddr", "dport", "bytes", "state"}, Filter: []string{"tcp"}}},
		{Ra, "-r f -s +dur -s -state", Options{Read: []string{"f"}, Fields: []string{"+dur", "-state"}}},
		{Ra, "-r f -c , -L -1 -p3 -u", Options{Read: []string{"f"}, Delim: ",", Labels: -1, Precision: 3, Epoch: true}},
		{Ra, "-r f -c, -N20", Options{Read: []string{"f"}, Delim: ",", Limit: &Limit{Count: 20}}},
		{Ra, "-r f -N 5-10", Options{Read: []string{"f"}, Limit: &Limit{Offset: 4, Count: 6}}},
		{Ra, "-r f -N o3+2", Options{Read: []string{"f"}, Limit: &Limit{Offset: 2, Count: 2, Output: true}}},
		{Racluster, "-m saddr daddr -r f -s saddr daddr trans - net 10.0.0.0/8", Options{Keys: []string{"saddr", "daddr"}, Read: []string{"f"}, Fields: []string{"saddr", "daddr", "trans"}, Filter: []string{"net", "10.0.0.0/8"}}},
		{Ra, "-S u:p@sensor:5433 -t 2026/11/27.05:00-2026/11/27.06:00 - src host 172.16.34.22", Options{Server: "u:p@sensor:5433", TimeRange: "2026/11/27.05:00-2026/11/27.06:00", Filter: []string{"src", "host", "172.16.34.22"}}},
		{Ra, "-E - tcp and (port http or port https) and bytes gt 10000", Options{Explain: true, Filter: strings.Fields("tcp and (port http or port https) and bytes gt 10000")}},
		{Ra, "-X -r f -M json", Options{Read: []string{"f"}, Modes: []string{"json"}}},
		{Ra, "-h", Options{Help: true}},
	}
	for _, tt := range tests {
		t.Run(string(tt.prog)+" "+tt.args, func(t *testing.T) {
			got, err := parseNoRC(tt.prog, strings.Fields(tt.args))
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.Program = tt.prog
			if want.Precision == 0 {
				want.Precision = 6
			}
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("got  %+v\nwant %+v", *got, want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		prog Program
		args string
		want string
	}{
		{Ra, "", "want -r FILE or -S"},
		{Ra, "-r", "needs an argument"},
		{Ra, "-r f -q", "unknown option -q"},
		{Ra, "-r f -p x", "-p"},
		{Ra, "-r f -N 5-2", "-N"},
		{Ra, "-r f -m saddr", "only racluster and rasort"},
		{Ra, "-r f -M xml", "unsupported mode"},
		{Ra, "-r f -S h", "not both"},
		{Rasort, "-r f -M correct", "only racluster"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			_, err := parseNoRC(tt.prog, strings.Fields(tt.args))
			var oe *OptionError
			if !errors.As(err, &oe) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want an OptionError containing %q", err, tt.want)
			}
		})
	}
}

func TestResolveFields(t *testing.T) {
	names := func(fs []Field) string {
		var s []string
		for _, f := range fs {
			s = append(s, f.Name)
		}
		return strings.Join(s, " ")
	}
	tests := []struct {
		specs []string
		want  string
	}{
		{nil, "stime flgs proto saddr sport dir daddr dport pkts bytes state"},
		{[]string{"saddr", "daddr"}, "saddr daddr"},
		{[]string{"+dur"}, "stime flgs proto saddr sport dir daddr dport pkts bytes state dur"},
		{[]string{"+2trans", "-state"}, "stime flgs trans proto saddr sport dir daddr dport pkts bytes"},
		{[]string{"saddr:10", "+0dur"}, "dur saddr"},
		{[]string{"svid"}, "svlan"},
	}
	for _, tt := range tests {
		got, err := ResolveFields(tt.specs)
		if err != nil {
			t.Fatalf("%v: %v", tt.specs, err)
		}
		if names(got) != tt.want {
			t.Errorf("%v: got %q, want %q", tt.specs, names(got), tt.want)
		}
	}
	if fs, _ := ResolveFields([]string{"saddr:10"}); fs[0].Width != 10 || !fs[0].Custom {
		t.Errorf("saddr:10 gave width %d", fs[0].Width)
	}
	for _, bad := range [][]string{{"nosuch"}, {"saddr_num"}, {"saddr:0"}, {"-stime", "-flgs", "-proto", "-saddr", "-sport", "-dir", "-daddr", "-dport", "-pkts", "-bytes", "-state"}} {
		if _, err := ResolveFields(bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

func TestBuildSQL(t *testing.T) {
	now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	tests := []struct {
		prog     Program
		args     string
		contains []string
		nargs    int
	}{
		{Ra, "-r f", []string{"SELECT stime, flgs, proto, saddr, sport, dir, daddr, dport, pkts, bytes, state, pnum FROM flows WHERE TRUE ORDER BY stime, srcid, seq"}, 0},
		{Ra, "-r f -N 5-10", []string{"LIMIT 6 OFFSET 4"}, 0},
		{Ra, "-r f - udp and dst port 9996", []string{"FROM flows WHERE ", "$1"}, 1},
		{Ra, "-r f -t 2026/11/27.05:00-2026/11/27.06:00 - tcp", []string{") AND (stime < $"}, 0},
		{Rasort, "-r f -m bytes saddr", []string{"ORDER BY bytes DESC NULLS LAST, saddr_num ASC NULLS FIRST, stime, srcid, seq"}, 0},
		{Rasort, "-r f -m bytes -N 20", []string{"(SELECT * FROM flows WHERE TRUE ORDER BY stime, srcid, seq LIMIT 20)"}, 0},
		{Racount, "-r f - icmp", []string{"SELECT true, NULL, count(*), coalesce(sum(spkts + dpkts), 0)"}, 0},
		{Racount, "-r f -M proto", []string{"GROUP BY GROUPING SETS ((), (proto))"}, 0},
		{Racluster, "-r f -s +trans", []string{"GROUP BY srcid, proto, saddr, sport, daddr, dport", "arg_min(_fwd, stime) AS _orient", "CAST(sum(trans) AS BIGINT) AS trans", "arg_max(state, ltime) AS state"}, 0},
		{Racluster, "-r f -m saddr daddr -s saddr daddr sport trans", []string{"GROUP BY saddr, daddr", "CASE WHEN min(sport) = max(sport) THEN min(sport) END AS sport"}, 0},
		{Racluster, "-r f -m proto -s proto saddr dir", []string{"GROUP BY proto", "_saddr_lo", "_dir_same"}, 0},
		{Racluster, "-r f -m dport -s dur", []string{"GROUP BY proto, dport", "((epoch_us(ltime) - epoch_us(stime)) / 1e6) AS dur"}, 0},
	}
	for _, tt := range tests {
		t.Run(string(tt.prog)+" "+tt.args, func(t *testing.T) {
			o, err := parseNoRC(tt.prog, strings.Fields(tt.args))
			if err != nil {
				t.Fatal(err)
			}
			q, err := Build(o, now)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range tt.contains {
				if !strings.Contains(q.SQL, c) {
					t.Errorf("SQL lacks %q:\n%s", c, q.SQL)
				}
			}
			if tt.nargs > 0 && len(q.Args) < tt.nargs {
				t.Errorf("args = %v, want at least %d", q.Args, tt.nargs)
			}
			if strings.Contains(q.SQL, "9996") || strings.Contains(q.SQL, "2026") {
				t.Errorf("a value from the command line is in the SQL text:\n%s", q.SQL)
			}
		})
	}
}

func TestBuildRefuses(t *testing.T) {
	for _, args := range []string{"-r f - prot tcp", "-r f -s nosuch", "-r f -t garbage"} {
		o, err := parseNoRC(Ra, strings.Fields(args))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Build(o, time.Now()); err == nil {
			t.Errorf("%s: no error", args)
		}
	}
	for _, args := range []string{"-r f -m saddr/200", "-r f -m bogus"} {
		o, err := parseNoRC(Racluster, strings.Fields(args))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Build(o, time.Now()); err == nil {
			t.Errorf("racluster %s: no error", args)
		}
	}
}

// FuzzParseBuild: no command line makes Parse, ResolveFields or Build
// panic, and whatever they accept yields SQL.
func FuzzParseBuild(f *testing.F) {
	for _, s := range []string{
		"-r f -s +dur -s -state - tcp",
		"-nn -c , -L -1 -N o3+2 -r f",
		"-m saddr/24 daddr -r f -t -10m",
		"-r f -s saddr:10 sport:4 +0trans - port 80 or 443",
		"-E -M json -p 0 -u",
	} {
		f.Add("racluster", s)
		f.Add("ra", s)
	}
	now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, prog, line string) {
		o, err := parseNoRC(Program(prog), strings.Fields(line))
		if err != nil {
			return
		}
		q, err := Build(o, now)
		if err != nil {
			return
		}
		if q.SQL == "" {
			t.Errorf("%s %s: empty SQL", prog, line)
		}
	})
}

// parseNoRC parses a command line without reading any rarc file, so that
// tests do not depend on the machine's /etc/ra.conf or ~/.rarc.
func parseNoRC(p Program, args []string) (*Options, error) {
	return ParseConfig(p, args, Config{})
}
