package argusref

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

const testHeader = "StartTime,LastTime,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,SrcPkts,DstPkts,SrcBytes,DstBytes,SAppBytes,DAppBytes,State,Flgs,Cause,sTtl,Trans\n"

func TestParseCSV(t *testing.T) {
	tests := []struct {
		name string
		line string
		want Record
	}{
		{
			name: "tcp with padded dir and flgs",
			line: "1300475168.724007,1300475168.843912,tcp,141.142.220.118,48649,   ->,208.80.152.118,80,4,3,797,438,525,232,CON, e        ,Start,64,2",
			want: Record{
				Key:      Key{Proto: "tcp", Saddr: "141.142.220.118", Sport: 48649, Daddr: "208.80.152.118", Dport: 80},
				HasPorts: true,
				Stime:    time.Unix(1300475168, 724007000).UTC(), Ltime: time.Unix(1300475168, 843912000).UTC(),
				Dir: "->", Flgs: "e", State: "CON", Cause: "Start",
				Spkts: 4, Dpkts: 3, Sbytes: 797, Dbytes: 438, Sappbytes: 525, Dappbytes: 232, Trans: 2,
				Extra: map[string]string{"sTtl": "64"},
			},
		},
		{
			name: "icmp echo: dport printed byte-swapped",
			line: "1277840495.135052,1277840495.135910,icmp,10.118.10.1,0x0008,  <->,10.118.10.2,0x0300,1,1,122,122,80,80,ECO, *        ,Start,255,1",
			want: Record{
				Key:      Key{Proto: "icmp", Saddr: "10.118.10.1", Sport: 8, Daddr: "10.118.10.2", Dport: 3},
				HasPorts: true,
				Stime:    time.Unix(1277840495, 135052000).UTC(), Ltime: time.Unix(1277840495, 135910000).UTC(),
				Dir: "<->", Flgs: "*", State: "ECO", Cause: "Start",
				Spkts: 1, Dpkts: 1, Sbytes: 122, Dbytes: 122, Sappbytes: 80, Dappbytes: 80, Trans: 1,
				Extra: map[string]string{"sTtl": "255"},
			},
		},
		{
			name: "icmp port unreachable: type|code<<8, original port swapped back",
			line: "129.210409,129.210409,icmp,84.197.97.94,0x0303,   ->,10.0.2.15,0x3500,1,0,151,0,89,0,URP, e        ,Start,,1",
			want: Record{
				Key:      Key{Proto: "icmp", Saddr: "84.197.97.94", Sport: 0x0303, Daddr: "10.0.2.15", Dport: 53},
				HasPorts: true,
				Stime:    time.Unix(129, 210409000).UTC(), Ltime: time.Unix(129, 210409000).UTC(),
				Dir: "->", Flgs: "e", State: "URP", Cause: "Start",
				Spkts: 1, Sbytes: 151, Sappbytes: 89, Trans: 1,
				Extra: map[string]string{"sTtl": ""},
			},
		},
		{
			name: "icmpv6 decimal type and code, address canonicalised",
			line: "9.752391,9.752391,ipv6-icmp,FE80:0:0::C50D:519F:96A4:E108,135,   ->,ff02::1:ffa4:e108,0,1,0,78,0,24,0,NNS, e        ,Start,255,1",
			want: Record{
				Key:      Key{Proto: "ipv6-icmp", Saddr: "fe80::c50d:519f:96a4:e108", Sport: 135, Daddr: "ff02::1:ffa4:e108", Dport: 0},
				HasPorts: true,
				Stime:    time.Unix(9, 752391000).UTC(), Ltime: time.Unix(9, 752391000).UTC(),
				Dir: "->", Flgs: "e", State: "NNS", Cause: "Start",
				Spkts: 1, Sbytes: 78, Sappbytes: 24, Trans: 1,
				Extra: map[string]string{"sTtl": "255"},
			},
		},
		{
			name: "arp without ports",
			line: "1474320843.814111,1474320843.814111,arp,192.168.0.1,,  who,192.168.0.20,,1,0,60,0,32,0,INT, e        ,Start,,1",
			want: Record{
				Key:   Key{Proto: "arp", Saddr: "192.168.0.1", Daddr: "192.168.0.20"},
				Stime: time.Unix(1474320843, 814111000).UTC(), Ltime: time.Unix(1474320843, 814111000).UTC(),
				Dir: "who", Flgs: "e", State: "INT", Cause: "Start",
				Spkts: 1, Sbytes: 60, Sappbytes: 32, Trans: 1,
				Extra: map[string]string{"sTtl": ""},
			},
		},
		{
			name: "llc between MAC addresses, SAPs as ports",
			line: "1277840510.969363,1277840510.969363,llc,00:13:C3:DF:AE:18,170,   ->,Broadcast,170,1,0,375,0,375,0,INT, *        ,Start,,1",
			want: Record{
				Key:      Key{Proto: "llc", Saddr: "00:13:c3:df:ae:18", Sport: 170, Daddr: "ff:ff:ff:ff:ff:ff", Dport: 170},
				HasPorts: true,
				Stime:    time.Unix(1277840510, 969363000).UTC(), Ltime: time.Unix(1277840510, 969363000).UTC(),
				Dir: "->", Flgs: "*", State: "INT", Cause: "Start",
				Spkts: 1, Sbytes: 375, Sappbytes: 375, Trans: 1,
				Extra: map[string]string{"sTtl": ""},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCSV(strings.NewReader(testHeader + tt.line + "\n"))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("got %d records, want 1", len(got))
			}
			if diff := recordDiff(got[0], tt.want); diff != "" {
				t.Errorf("record differs:\n%s", diff)
			}
		})
	}
}

// recordDiff lists the fields in which two records differ.
func recordDiff(got, want Record) string {
	var b strings.Builder
	check := func(name string, g, w any) {
		if g != w {
			b.WriteString(name + ": got " + toString(g) + ", want " + toString(w) + "\n")
		}
	}
	check("key", got.Key, want.Key)
	check("hasPorts", got.HasPorts, want.HasPorts)
	check("stime", got.Stime, want.Stime)
	check("ltime", got.Ltime, want.Ltime)
	check("dir", got.Dir, want.Dir)
	check("flgs", got.Flgs, want.Flgs)
	check("state", got.State, want.State)
	check("cause", got.Cause, want.Cause)
	check("spkts", got.Spkts, want.Spkts)
	check("dpkts", got.Dpkts, want.Dpkts)
	check("sbytes", got.Sbytes, want.Sbytes)
	check("dbytes", got.Dbytes, want.Dbytes)
	check("sappbytes", got.Sappbytes, want.Sappbytes)
	check("dappbytes", got.Dappbytes, want.Dappbytes)
	check("trans", got.Trans, want.Trans)
	check("extra count", len(got.Extra), len(want.Extra))
	for k, v := range want.Extra {
		check("extra "+k, got.Extra[k], v)
	}
	return b.String()
}

func toString(v any) string {
	switch v := v.(type) {
	case string:
		return "\"" + v + "\""
	case time.Time:
		return v.Format(time.RFC3339Nano)
	case Key:
		return v.String()
	}
	return fmt.Sprint(v)
}

func TestParseCSVErrors(t *testing.T) {
	tests := []struct {
		name, input, wantErr string
	}{
		{"no State column", "Proto,SrcAddr,Sport,DstAddr,Dport,SrcPkts,DstPkts,SrcBytes,DstBytes\ntcp,a,1,b,2,1,1,1,1\n", "no State column"},
		{"duplicate column", "Proto,Proto\n", "appears twice"},
		{"bad port", testHeader + "1.0,1.0,tcp,10.0.0.1,http,   ->,10.0.0.2,80,1,0,60,0,0,0,REQ, e ,Start,,1\n", `Sport: "http" is not a port`},
		{"port out of range", testHeader + "1.0,1.0,tcp,10.0.0.1,65536,   ->,10.0.0.2,80,1,0,60,0,0,0,REQ, e ,Start,,1\n", "is not a port"},
		{"bad count", testHeader + "1.0,1.0,tcp,10.0.0.1,1,   ->,10.0.0.2,80,x,0,60,0,0,0,REQ, e ,Start,,1\n", `SrcPkts "x" is not a count`},
		{"negative count", testHeader + "1.0,1.0,tcp,10.0.0.1,1,   ->,10.0.0.2,80,-1,0,60,0,0,0,REQ, e ,Start,,1\n", "is not a count"},
		{"bad time", testHeader + "05:06:02.1,1.0,tcp,10.0.0.1,1,   ->,10.0.0.2,80,1,0,60,0,0,0,REQ, e ,Start,,1\n", "StartTime"},
		{"short line", testHeader + "1.0,1.0,tcp\n", "wrong number of fields"},
		{"line number", testHeader + "1.0,1.0,tcp,10.0.0.1,1,   ->,10.0.0.2,80,1,0,60,0,0,0,REQ, e ,Start,,1\n1.0,1.0,,10.0.0.1,1,   ->,10.0.0.2,80,1,0,60,0,0,0,REQ, e ,Start,,1\n", "line 3: empty Proto"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCSV(strings.NewReader(tt.input))
			if err == nil {
				t.Fatalf("no error, want one containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestParseCSVEmpty(t *testing.T) {
	// ra prints nothing at all, not even the header, when there is no record.
	for _, in := range []string{"", testHeader} {
		got, err := ParseCSV(strings.NewReader(in))
		if err != nil || len(got) != 0 {
			t.Errorf("ParseCSV(%q) = %d records, %v; want none, no error", in, len(got), err)
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add(testHeader + "1300475168.724007,1300475168.843912,tcp,141.142.220.118,48649,   ->,208.80.152.118,80,4,3,797,438,525,232,CON, e        ,Start,64,2\n")
	f.Add(testHeader + "129.210409,129.210409,icmp,84.197.97.94,0x0303,   ->,10.0.2.15,0x3500,1,0,151,0,89,0,URP, e        ,Start,,1\n")
	f.Add("")
	f.Add("Proto,SrcAddr\n\"a")
	f.Fuzz(func(t *testing.T, in string) {
		recs, err := ParseCSV(strings.NewReader(in))
		if err != nil {
			return
		}
		if n := strings.Count(in, "\n") + 1; len(recs) > n {
			t.Fatalf("%d records from %d lines", len(recs), n)
		}
		for _, r := range recs {
			if r.Spkts < 0 || r.Dpkts < 0 || r.Sbytes < 0 || r.Dbytes < 0 {
				t.Fatalf("negative counter in %+v", r)
			}
			if r.Sport < 0 || r.Sport > 0xffff || r.Dport < 0 || r.Dport > 0xffff {
				t.Fatalf("port out of range in %+v", r)
			}
		}
		// Whatever parsed must compare equal to itself.
		flows := Merge(recs)
		rep := Compare(flows, flows)
		if rep.CountsFraction() != 1 || rep.AgreeFraction() != 1 {
			t.Fatalf("self comparison not 100%%: %s\n%s", rep.String(), rep.Diff())
		}
	})
}
