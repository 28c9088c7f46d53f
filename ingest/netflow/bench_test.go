package netflow

import (
	"runtime"
	"testing"

	"tapdb/schema"
)

// BenchmarkDecode measures records decoded per second and heap allocations
// per record on real export datagrams, with and without pairing.
func BenchmarkDecode(b *testing.B) {
	cases := []struct {
		name   string
		files  []string
		primer int // leading datagrams that only carry templates
	}{
		{"v5", []string{"akvorado-netflow-v5.pcap"}, 0},
		{"v9", []string{"akvorado-netflow-v9-templates-data.pcap"}, 0},
		{"v9-cisco", []string{"pmacct-netflow-v9-cisco.pcap"}, 1},
		{"ipfix-cisco", []string{"pmacct-ipfix-cisco.pcap"}, 2},
		{"ipfix-biflow", []string{"akvorado-ipfix-ipfixprobe-1-templates.pcap", "akvorado-ipfix-ipfixprobe-2-data.pcap"}, 1},
	}
	for _, tc := range cases {
		var pkts []exportPacket
		for _, f := range tc.files {
			pkts = append(pkts, readExports(b, "testdata/"+f)...)
		}
		for _, pairing := range []bool{false, true} {
			name := tc.name
			cfg := Config{PairWindow: -1}
			if pairing {
				name += "/paired"
				cfg.PairWindow = 0
			}
			b.Run(name, func(b *testing.B) {
				d := NewDecoder(cfg)
				records := 0
				emit := func(*schema.Record) error { records++; return nil }
				for _, p := range pkts[:tc.primer] {
					_ = d.Decode(p.from, p.payload, p.time, emit)
				}
				data := pkts[tc.primer:]
				records = 0
				var ms0, ms1 runtime.MemStats
				runtime.ReadMemStats(&ms0)
				b.ResetTimer()
				for i := 0; b.Loop(); i++ {
					p := data[i%len(data)]
					if err := d.Decode(p.from, p.payload, p.time, emit); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				_ = d.Flush(emit)
				runtime.ReadMemStats(&ms1)
				if records > 0 {
					b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
					b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(records), "allocs/record")
				}
			})
		}
	}
}
