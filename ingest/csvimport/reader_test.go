package csvimport

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"tapdb/schema"
)

// readAll reads every record of text, collecting row errors.
func readAll(t *testing.T, text string, opts Options) ([]schema.Record, []*RowError, *Reader) {
	t.Helper()
	r, err := NewReader(strings.NewReader(text), opts)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var (
		recs []schema.Record
		bad  []*RowError
	)
	for {
		var rec schema.Record
		err := r.Read(&rec)
		if err == io.EOF {
			return recs, bad, r
		}
		var re *RowError
		if errors.As(err, &re) {
			bad = append(bad, re)
			continue
		}
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		recs = append(recs, rec)
	}
}

func TestReadForms(t *testing.T) {
	utc := Options{Location: time.UTC}
	day := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		text  string
		opts  Options
		check func(t *testing.T, r *schema.Record)
		warn  string // a warning the header must give
	}{
		{"epoch and padded fields",
			"StartTime,LastTime,Flgs,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,SrcPkts,DstPkts,SrcBytes,DstBytes,State\n" +
				"1795755962.189339,1795755963.5, e        ,tcp,192.0.2.1,55308,   ->,192.0.2.2,80,7,5,600,471,FIN\n", utc,
			func(t *testing.T, r *schema.Record) {
				want := schema.Record{
					Stime: time.Unix(1795755962, 189339000).UTC(), Ltime: time.Unix(1795755963, 500000000).UTC(),
					Flgs: " e", Proto: "tcp", PNum: 6, EType: 0x0800, Saddr: "192.0.2.1", Daddr: "192.0.2.2",
					SaddrHi: 0, SaddrLo: 0xffff_c000_0201, DaddrHi: 0, DaddrLo: 0xffff_c000_0202, HasAddrNum: true,
					Sport: 55308, Dport: 80, HasPorts: true, Dir: "->", State: "FIN", Cause: "Start",
					Spkts: 7, Dpkts: 5, Sbytes: 600, Dbytes: 471, Trans: 1,
				}
				if *r != want {
					t.Errorf("got  %+v\nwant %+v", *r, want)
				}
			}, ""},
		{"field names, ICMP hex ports with the swapped dport",
			"stime,proto,saddr,sport,dir,daddr,dport,spkts,dpkts,sbytes,dbytes,state,srcid,trans\n" +
				"10.5,icmp,172.16.133.2,0x0008,  <->,172.217.11.78,0x0800,1,1,98,98,ECO,sensor-1,3\n", utc,
			func(t *testing.T, r *schema.Record) {
				if r.Sport != 8 || r.Dport != 8 || !r.HasPorts || r.PNum != 1 || r.Dir != "<->" {
					t.Errorf("ports %d %d (%v), pnum %d, dir %q; want 8 8 true 1 <->", r.Sport, r.Dport, r.HasPorts, r.PNum, r.Dir)
				}
				if r.Srcid != "sensor-1" || r.Trans != 3 {
					t.Errorf("srcid %q trans %d", r.Srcid, r.Trans)
				}
			}, ""},
		{"unreachable detail byte-swapped",
			"stime,proto,saddr,sport,daddr,dport,spkts,dpkts,sbytes,dbytes\n1,icmp,10.0.0.1,0x0303,10.0.0.2,0x3500,1,0,70,0\n", utc,
			func(t *testing.T, r *schema.Record) {
				if r.Sport != 0x0303 || r.Dport != 53 {
					t.Errorf("ports %#x %d, want 0x303 53", r.Sport, r.Dport)
				}
			}, ""},
		{"service names and ICMPv6",
			"StartTime,Proto,SrcAddr,Sport,DstAddr,Dport,SrcPkts,DstPkts,SrcBytes,DstBytes\n" +
				"1,udp,0.0.0.0,bootpc,255.255.255.255,bootps,1,0,342,0\n", utc,
			func(t *testing.T, r *schema.Record) {
				if r.Sport != 68 || r.Dport != 67 || r.Proto != "udp" || r.PNum != 17 {
					t.Errorf("got %s %d -> %d (pnum %d)", r.Proto, r.Sport, r.Dport, r.PNum)
				}
			}, ""},
		{"hyphenated service name",
			"StartTime,Proto,SrcAddr,Sport,DstAddr,Dport,SrcPkts,DstPkts,SrcBytes,DstBytes\n" +
				"1,tcp,192.0.2.1,ftp-data,192.0.2.2,netbios-ssn,1,0,60,0\n", utc,
			func(t *testing.T, r *schema.Record) {
				if r.Sport != 20 || r.Dport != 139 {
					t.Errorf("ports %d %d, want 20 139", r.Sport, r.Dport)
				}
			}, ""},
		{"ICMPv6 hex without -n",
			"StartTime,Proto,SrcAddr,Sport,DstAddr,Dport,SrcPkts,DstPkts,SrcBytes,DstBytes\n" +
				"1,ipv6-icmp,fe80::1,0x0087,ff02::1:ffa4:e108,0x0000,1,0,78,0\n", utc,
			func(t *testing.T, r *schema.Record) {
				if r.Sport != 135 || r.Dport != 0 || r.PNum != 58 || r.EType != 0x86dd {
					t.Errorf("got %d %d pnum %d etype %#x", r.Sport, r.Dport, r.PNum, r.EType)
				}
				if r.SaddrHi != 0xfe80_0000_0000_0000 || r.SaddrLo != 1 {
					t.Errorf("saddr_num %#x %#x", r.SaddrHi, r.SaddrLo)
				}
			}, ""},
		{"address.port joins without port columns",
			"StartTime,Proto,SrcAddr,DstAddr,SrcPkts,DstPkts,SrcBytes,DstBytes\n" +
				"1,tcp,192.0.2.1.55308,2001:db8::1.http,1,0,60,0\n", utc,
			func(t *testing.T, r *schema.Record) {
				if r.Saddr != "192.0.2.1" || r.Sport != 55308 || r.Daddr != "2001:db8::1" || r.Dport != 80 {
					t.Errorf("got %s.%d -> %s.%d", r.Saddr, r.Sport, r.Daddr, r.Dport)
				}
			}, ""},
		{"-nn protocol numbers, ARP",
			"StartTime,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,SrcPkts,DstPkts,SrcBytes,DstBytes,State\n" +
				"1,2054,10.0.2.15,,  who,10.0.2.2,,1,1,60,60,CON\n", utc,
			func(t *testing.T, r *schema.Record) {
				if r.Proto != "arp" || r.PNum != 2054 || r.EType != 0x0806 || r.HasPorts || r.Dir != "who" {
					t.Errorf("got %+v", *r)
				}
			}, ""},
		{"-nn protocol name from number",
			"StartTime,Proto,SrcAddr,DstAddr,SrcPkts,DstPkts,SrcBytes,DstBytes\n1,50,10.0.0.1,10.0.0.2,1,0,60,0\n", utc,
			func(t *testing.T, r *schema.Record) {
				if r.Proto != "esp" || r.PNum != 50 {
					t.Errorf("got %s %d", r.Proto, r.PNum)
				}
			}, ""},
		{"protocol keyword names",
			"StartTime,Proto,SrcAddr,DstAddr,SrcPkts,DstPkts,SrcBytes,DstBytes\n1,esp,10.0.0.1,10.0.0.2,1,0,60,0\n", utc,
			func(t *testing.T, r *schema.Record) {
				if r.PNum != 50 {
					t.Errorf("pnum %d, want 50", r.PNum)
				}
			}, ""},
		{"RTCP is UDP",
			"StartTime,Proto,SrcAddr,Sport,DstAddr,Dport,SrcPkts,DstPkts,SrcBytes,DstBytes\n287.318019,rtcp,10.0.0.1,28681,10.0.1.110,11603,1,0,70,0\n", utc,
			func(t *testing.T, r *schema.Record) {
				if r.Proto != "rtcp" || r.PNum != 17 || r.Sport != 28681 {
					t.Errorf("got %s %d %d", r.Proto, r.PNum, r.Sport)
				}
			}, ""},
		{"LLC with MACs",
			"StartTime,Proto,SrcAddr,Sport,DstAddr,Dport,SrcPkts,DstPkts,SrcBytes,DstBytes\n1,llc,00:1B:21:AA:BB:CC,,01:80:c2:00:00:00,,1,0,60,0\n", utc,
			func(t *testing.T, r *schema.Record) {
				if r.Saddr != "00:1b:21:aa:bb:cc" || r.HasAddrNum || r.PNum != 0 || r.EType != 0 {
					t.Errorf("got %+v", *r)
				}
			}, ""},
		{"totals only",
			"StartTime,Proto,SrcAddr,DstAddr,TotPkts,TotBytes\n1,udp,10.0.0.1,10.0.0.2,12,1071\n", utc,
			func(t *testing.T, r *schema.Record) {
				if r.Spkts != 12 || r.Sbytes != 1071 || r.Dpkts != 0 || r.Dbytes != 0 {
					t.Errorf("got %d/%d %d/%d", r.Spkts, r.Dpkts, r.Sbytes, r.Dbytes)
				}
			}, "TotPkts without per-side columns"},
		{"total and one side",
			"StartTime,Proto,SrcAddr,DstAddr,SrcPkts,TotPkts,DstBytes,TotBytes\n1,udp,10.0.0.1,10.0.0.2,5,12,400,1071\n", utc,
			func(t *testing.T, r *schema.Record) {
				if r.Spkts != 5 || r.Dpkts != 7 || r.Sbytes != 671 || r.Dbytes != 400 {
					t.Errorf("got %d/%d %d/%d", r.Spkts, r.Dpkts, r.Sbytes, r.Dbytes)
				}
			}, ""},
		{"time of day with a date, past midnight",
			"StartTime,LastTime,Proto,SrcAddr,DstAddr,SrcPkts,DstPkts,SrcBytes,DstBytes\n23:59:59.5,00:00:01.25,udp,10.0.0.1,10.0.0.2,1,1,60,60\n",
			Options{Location: time.UTC, Date: day},
			func(t *testing.T, r *schema.Record) {
				if !r.Stime.Equal(day.Add(24*time.Hour-500*time.Millisecond)) || !r.Ltime.Equal(day.Add(24*time.Hour+1250*time.Millisecond)) {
					t.Errorf("times %v %v", r.Stime, r.Ltime)
				}
			}, ""},
		{"full date, Dur gives LastTime",
			"StartTime,Dur,Proto,SrcAddr,DstAddr,SrcPkts,DstPkts,SrcBytes,DstBytes\n2026/11/27.05:00:01.123456,2.5,udp,10.0.0.1,10.0.0.2,1,1,60,60\n", utc,
			func(t *testing.T, r *schema.Record) {
				st := time.Date(2026, 11, 27, 5, 0, 1, 123456000, time.UTC)
				if !r.Stime.Equal(st) || !r.Ltime.Equal(st.Add(2500*time.Millisecond)) {
					t.Errorf("times %v %v", r.Stime, r.Ltime)
				}
			}, ""},
		{"semicolons, repeated header, unknown column, --srcid",
			"StartTime;Proto;SrcAddr;DstAddr;SrcPkts;DstPkts;SrcBytes;DstBytes;SrcNet\n" +
				"StartTime;Proto;SrcAddr;DstAddr;SrcPkts;DstPkts;SrcBytes;DstBytes;SrcNet\n" +
				"1;udp;10.0.0.1;10.0.0.2;1;1;60;60;10.0.0.0\n", Options{Location: time.UTC, Srcid: "imported"},
			func(t *testing.T, r *schema.Record) {
				if r.Srcid != "imported" || r.Spkts != 1 {
					t.Errorf("got %+v", *r)
				}
			}, `"SrcNet" is not in the flow table`},
		{"optional columns",
			"StartTime,Proto,SrcAddr,DstAddr,SrcPkts,DstPkts,SrcBytes,DstBytes,sTtl,dTtl,sVlan,SrcMac,STcpFlags,SrcWin,SynAck,Cause,Trans\n" +
				"1,tcp,10.0.0.1,10.0.0.2,1,1,60,60,64,,100,00:AA:bb:cc:dd:ee,0x12,16445440,0.000123,Status,\n", utc,
			func(t *testing.T, r *schema.Record) {
				if r.Sttl != 64 || !r.HasSttl || r.HasDttl || r.Svlan != 100 || !r.HasSvlan || r.Smac != "00:aa:bb:cc:dd:ee" ||
					r.STCPFlags != 0x12 || r.Swin != 16445440 || r.Synack != 0.000123 || r.Cause != "Status" || r.Trans != 1 {
					t.Errorf("got %+v", *r)
				}
			}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, bad, r := readAll(t, tt.text, tt.opts)
			for _, b := range bad {
				t.Errorf("row error: %v", b)
			}
			if len(recs) != 1 {
				t.Fatalf("%d records, want 1", len(recs))
			}
			tt.check(t, &recs[0])
			if tt.warn != "" && !strings.Contains(strings.Join(r.Warnings(), "\n"), tt.warn) {
				t.Errorf("warnings %q lack %q", r.Warnings(), tt.warn)
			}
		})
	}
}

func TestRowErrors(t *testing.T) {
	const header = "StartTime,Proto,SrcAddr,Sport,DstAddr,Dport,SrcPkts,DstPkts,SrcBytes,DstBytes\n"
	tests := []struct {
		name string
		rows string
		line int
		want string
	}{
		{"bad address", "1,tcp,10.0.0.300,1,10.0.0.2,2,1,1,60,60\n", 2, "SrcAddr"},
		{"bad count", "1,tcp,10.0.0.1,1,10.0.0.2,2,x,1,60,60\n", 2, "SrcPkts"},
		{"negative count", "1,tcp,10.0.0.1,1,10.0.0.2,2,1,-1,60,60\n", 2, "DstPkts"},
		{"unknown service", "1,tcp,10.0.0.1,nosuchsvc,10.0.0.2,2,1,1,60,60\n", 2, "unknown service"},
		{"port too big", "1,udp,10.0.0.1,70000,10.0.0.2,2,1,1,60,60\n", 2, "Sport"},
		{"bad time", "yesterday,tcp,10.0.0.1,1,10.0.0.2,2,1,1,60,60\n", 2, "StartTime"},
		{"unknown protocol", "1,nosuchproto,10.0.0.1,1,10.0.0.2,2,1,1,60,60\n", 2, "unknown protocol"},
		{"field count", "1,tcp,10.0.0.1,1,10.0.0.2,2,1,1,60\n", 2, "number of fields"},
		{"third line", "1,tcp,10.0.0.1,1,10.0.0.2,2,1,1,60,60\n2,tcp,10.0.0.1,1,,2,1,1,60,60\n", 3, "empty address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, bad, _ := readAll(t, header+tt.rows, Options{Location: time.UTC})
			if len(bad) != 1 {
				t.Fatalf("%d row errors (%v), want 1", len(bad), bad)
			}
			if bad[0].Line != tt.line || !strings.Contains(bad[0].Error(), tt.want) {
				t.Errorf("got %v, want line %d with %q", bad[0], tt.line, tt.want)
			}
		})
	}
}

func TestReaderGoesOnAfterBadRows(t *testing.T) {
	text := "stime,proto,saddr,daddr,spkts,dpkts,sbytes,dbytes\n" +
		"1,udp,10.0.0.1,10.0.0.2,1,1,60,60\n" +
		"2,udp,bad,10.0.0.2,1,1,60,60\n" +
		"3,udp,10.0.0.1,10.0.0.2,1,1,60,60\n" +
		"4,udp,10.0.0.1,10.0.0.2,1,1,60\n" +
		"5,udp,10.0.0.1,10.0.0.2,1,1,60,60\n"
	recs, bad, _ := readAll(t, text, Options{Location: time.UTC})
	if len(recs) != 3 || len(bad) != 2 || bad[0].Line != 3 || bad[1].Line != 5 {
		t.Errorf("%d records, bad rows %v; want 3 records, lines 3 and 5", len(recs), bad)
	}
}

func TestHeaderErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		{"", "empty input"},
		{"Proto,SrcAddr,DstAddr\n", "no StartTime"},
		{"StartTime,Proto,SrcAddr\n", "no DstAddr"},
		{"StartTime,SrcAddr,DstAddr\n", "no Proto"},
		{"StartTime,stime,Proto,SrcAddr,DstAddr\n", "both name stime"},
	}
	for _, tt := range tests {
		_, err := NewReader(strings.NewReader(tt.text), Options{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err = %v, want %q", tt.text, err, tt.want)
		}
	}
}

func TestTimeOfDayNeedsDate(t *testing.T) {
	text := "StartTime,Proto,SrcAddr,DstAddr,TotPkts,TotBytes\n05:08:00.954581,tcp,10.0.0.1,10.0.0.2,1,60\n"
	r, err := NewReader(strings.NewReader(text), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var rec schema.Record
	err = r.Read(&rec)
	var re *RowError
	if !errors.Is(err, ErrNeedDate) || errors.As(err, &re) || !strings.Contains(err.Error(), "--date") {
		t.Errorf("err = %v, want ErrNeedDate mentioning --date, not a row error", err)
	}
}

func TestManRecordsSkipped(t *testing.T) {
	// ra with Debian's /etc/ra.conf prints the file's management records.
	text := "stime,ltime,proto,saddr,sport,dir,daddr,dport,spkts,dpkts,sbytes,dbytes,state\n" +
		"1795763833.361945,1795763833.360510,man,0,0,,0,0,0,0,0,0,STA\n" +
		"1795763833.4,1795763833.5,udp,10.0.0.1,53,<->,10.0.0.2,53,1,1,60,60,CON\n"
	recs, bad, r := readAll(t, text, Options{})
	if len(recs) != 1 || len(bad) != 0 {
		t.Fatalf("%d records, bad %v; want 1 record", len(recs), bad)
	}
	if n := r.Notes(); len(n) != 1 || !strings.Contains(n[0], "management records") {
		t.Errorf("notes %q", n)
	}
}

func TestNotes(t *testing.T) {
	text := "stime,ltime,proto,saddr,daddr,spkts,dpkts,sbytes,dbytes\n4026531839,0,llc,00:00:00:00:00:00,00:00:00:00:00:00,1,0,60,0\n"
	recs, bad, r := readAll(t, text, Options{Location: time.UTC})
	if len(bad) != 0 || len(recs) != 1 || !recs[0].Ltime.Equal(recs[0].Stime) {
		t.Fatalf("records %v, bad %v", recs, bad)
	}
	if n := r.Notes(); len(n) != 1 || !strings.Contains(n[0], "1 rows: LastTime before StartTime") {
		t.Errorf("notes %q", n)
	}
}
