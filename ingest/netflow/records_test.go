package netflow

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"tapdb/schema"
)

// recordDiff lists the fields that differ between two records.
func recordDiff(got, want *schema.Record) string {
	var d []string
	g, w := reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()
	for i := range g.NumField() {
		gf, wf := g.Field(i).Interface(), w.Field(i).Interface()
		if gt, ok := gf.(time.Time); ok {
			if !gt.Equal(wf.(time.Time)) {
				d = append(d, fmt.Sprintf("%s: got %v, want %v", g.Type().Field(i).Name, gf, wf))
			}
			continue
		}
		if gf != wf {
			d = append(d, fmt.Sprintf("%s: got %#v, want %#v", g.Type().Field(i).Name, gf, wf))
		}
	}
	return strings.Join(d, "\n")
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Every field of a few real records, checked by hand against tshark -V.
func TestRecordFields(t *testing.T) {
	cases := []struct {
		name  string
		files []string
		index int
		want  schema.Record
	}{
		{
			name:  "ipfixprobe TCP biflow (RFC 5103 reverse elements)",
			files: []string{"akvorado-ipfix-ipfixprobe-1-templates.pcap", "akvorado-ipfix-ipfixprobe-2-data.pcap"},
			index: 2,
			want: schema.Record{
				Stime: utc("2009-10-05T06:06:07.529046Z"), Ltime: utc("2009-10-05T06:06:15.106759Z"),
				Flgs: "N", Proto: "tcp", PNum: 6, EType: 0x0800,
				Saddr: "10.10.1.4", Daddr: "74.53.140.153",
				SaddrLo: 0xffff_0a0a0104, DaddrLo: 0xffff_4a358c99, HasAddrNum: true,
				Sport: 1470, Dport: 25, HasPorts: true,
				Dir: "->", State: "FIN", Cause: "Start",
				Spkts: 28, Dpkts: 25, Sbytes: 21673, Dbytes: 1546,
				Smac: "00:e0:1c:3c:17:c2", Dmac: "00:1f:33:d9:81:60",
				STCPFlags: 0x1b, DTCPFlags: 0x1b,
				Srcid: "127.0.0.1", Seq: 3, Trans: 1,
			},
		},
		{
			name:  "ipfixprobe UDP biflow",
			files: []string{"akvorado-ipfix-ipfixprobe-1-templates.pcap", "akvorado-ipfix-ipfixprobe-2-data.pcap"},
			index: 0,
			want: schema.Record{
				Stime: utc("2009-10-05T06:06:07.49206Z"), Ltime: utc("2009-10-05T06:06:07.526085Z"),
				Flgs: "N", Proto: "udp", PNum: 17, EType: 0x0800,
				Saddr: "10.10.1.4", Daddr: "10.10.1.1",
				SaddrLo: 0xffff_0a0a0104, DaddrLo: 0xffff_0a0a0101, HasAddrNum: true,
				Sport: 56166, Dport: 53, HasPorts: true,
				Dir: "<->", State: "CON", Cause: "Start",
				Spkts: 1, Dpkts: 1, Sbytes: 62, Dbytes: 128,
				Smac: "00:e0:1c:3c:17:c2", Dmac: "00:1f:33:d9:81:60",
				Srcid: "127.0.0.1", Seq: 1, Trans: 1,
			},
		},
		{
			name:  "ipfixprobe ICMP without type/code elements (ports 0: echo reply)",
			files: []string{"akvorado-ipfix-ipfixprobe-1-templates.pcap", "akvorado-ipfix-ipfixprobe-2-data.pcap"},
			index: 3,
			want: schema.Record{
				Stime: utc("2009-10-05T06:06:10.695115Z"), Ltime: utc("2009-10-05T06:06:10.696634Z"),
				Flgs: "N", Proto: "icmp", PNum: 1, EType: 0x0800,
				Saddr: "192.168.1.1", Daddr: "10.10.1.4",
				SaddrLo: 0xffff_c0a80101, DaddrLo: 0xffff_0a0a0104, HasAddrNum: true,
				HasPorts: true, Dir: "->", State: "ECR", Cause: "Start",
				Spkts: 4, Sbytes: 2304,
				Smac: "00:1f:33:d9:81:60", Dmac: "00:e0:1c:3c:17:c2",
				Srcid: "127.0.0.1", Seq: 4, Trans: 1,
			},
		},
		{
			name:  "pmacct IPFIX IPv6 with MPLS and TTL",
			files: []string{"pmacct-ipfix-cisco.pcap"},
			index: 4,
			want: schema.Record{
				Stime: utc("2023-02-28T09:45:58.784Z"), Ltime: utc("2023-02-28T09:46:53.312Z"),
				Flgs: "N", Proto: "udp", PNum: 17, EType: 0x86dd,
				Saddr: "2001:1700:f101:2000::1", Daddr: "2001:918:ffff:f9fc::3",
				SaddrHi: 0x20011700f1012000, SaddrLo: 1, DaddrHi: 0x20010918fffff9fc, DaddrLo: 3, HasAddrNum: true,
				Sport: 1024, Dport: 80, HasPorts: true,
				Dir: "->", State: "INT", Cause: "Start",
				Spkts: 4, Sbytes: 5512, Sttl: 254, HasSttl: true,
				Smpls: 20, HasSmpls: true,
				Srcid: "138.187.0.13", Seq: 5, Trans: 1,
			},
		},
		{
			name:  "akvorado v9 data before its template, sampled 1:100",
			files: []string{"akvorado-netflow-v9-templates-data.pcap"},
			index: 1,
			want: schema.Record{
				Stime: utc("2023-05-14T17:28:30.48Z"), Ltime: utc("2023-05-14T17:28:30.48Z"),
				Flgs: "N", Proto: "tcp", PNum: 6, EType: 0x0800,
				Saddr: "120.120.210.6", Daddr: "120.120.185.250",
				SaddrLo: 0xffff_7878d206, DaddrLo: 0xffff_7878b9fa, HasAddrNum: true,
				Sport: 45372, Dport: 3125, HasPorts: true,
				Dir: "->", State: "REQ", Cause: "Start",
				Spkts: 100, Sbytes: 6000, STCPFlags: 0x02,
				Srcid: "102.102.144.1", Seq: 2, Trans: 1,
			},
		},
		{
			name:  "v5 with uptime-relative times",
			files: []string{"akvorado-netflow-v5.pcap"},
			index: 1,
			want: schema.Record{
				Stime: utc("2023-04-04T16:44:15Z"), Ltime: utc("2023-04-04T16:44:24Z"),
				Flgs: "N", Proto: "tcp", PNum: 6, EType: 0x0800,
				Saddr: "173.194.4.8", Daddr: "202.160.21.5",
				SaddrLo: 0xffff_adc20408, DaddrLo: 0xffff_caa01505, HasAddrNum: true,
				Sport: 443, Dport: 37422, HasPorts: true,
				Dir: "->", State: "CON", Cause: "Start",
				Spkts: 7, Sbytes: 10262, STCPFlags: 0x10,
				Srcid: "10.19.144.41", Seq: 2, Trans: 1,
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, _, errs := decodeFiles(t, Config{PairWindow: -1}, tc.files...)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if tc.index >= len(got) {
				t.Fatalf("only %d records", len(got))
			}
			if d := recordDiff(got[tc.index], &tc.want); d != "" {
				t.Error(d)
			}
		})
	}
}

func TestSrcidConfig(t *testing.T) {
	got, _, _ := decodeFiles(t, Config{Srcid: "sensor-7", PairWindow: -1}, "akvorado-netflow-v5.pcap")
	for _, r := range got {
		if r.Srcid != "sensor-7" {
			t.Fatalf("srcid %q, want sensor-7", r.Srcid)
		}
	}
	for i, r := range got {
		if r.Seq != int64(i+1) {
			t.Fatalf("record %d: seq %d", i, r.Seq)
		}
	}
}

// The nDPI capture has 23 v9 data sets (ids 258–263, tshark) and no
// template at all.
func TestDataWithoutTemplates(t *testing.T) {
	d := NewDecoder(Config{})
	var n int
	emit := func(*schema.Record) error { n++; return nil }
	pkts := readExports(t, "testdata/ndpi-netflow-v9-no-templates.pcap")
	for _, p := range pkts {
		if err := d.Decode(p.from, p.payload, p.time, emit); err != nil {
			t.Errorf("Decode: %v", err)
		}
	}
	st := d.Stats()
	if st.V9.Datagrams != 10 || st.V9.Deferred != 23 || st.PendingSets != 23 || st.V9.MissingTemplate != 0 {
		t.Errorf("before flush: datagrams %d deferred %d pending %d missing %d, want 10 23 23 0",
			st.V9.Datagrams, st.V9.Deferred, st.PendingSets, st.V9.MissingTemplate)
	}
	// Nothing arrives for longer than the hold time: the sets are dropped.
	if err := d.Expire(pkts[0].time.Add(pendingTimeout+time.Second), emit); err != nil {
		t.Fatal(err)
	}
	st = d.Stats()
	if st.V9.MissingTemplate != 23 || st.PendingSets != 0 || n != 0 || st.V9.Records != 0 {
		t.Errorf("after expiry: missing %d pending %d records %d emitted %d, want 23 0 0 0", st.V9.MissingTemplate, st.PendingSets, st.V9.Records, n)
	}
}
