package flow_test

import (
	"context"
	"flag"
	"io"
	"path/filepath"
	"testing"

	"tapdb/ingest"
	"tapdb/ingest/flow"
	"tapdb/internal/argusref"
	"tapdb/schema"
)

// TestTunnelsOuterMatchArgus checks Config.Tunnels: with TunnelsOuter the
// IP-in-IP and 6in4 captures, and the crafted testdata/tunnels.pcap (4in4,
// 6in4, 4in6, 6in6), give Argus 3.0.8's records exactly (one flow between
// the tunnel endpoints, protocol ipnip or ipv6): every column of rowOf and
// of extraColumns, and the application bytes. With the default they give
// the inner flows, so no record is Argus's.
func TestTunnelsOuterMatchArgus(t *testing.T) {
	for _, tc := range []struct{ pcap, golden string }{
		{"../../testdata/pcaps/zeek-ipip-4in4.pcap", "../../testdata/argus/zeek-ipip-4in4.pcap.ra.csv"},
		{"../../testdata/pcaps/ndpi-6in4-tunnel.pcap", "../../testdata/argus/ndpi-6in4-tunnel.pcap.ra.csv"},
		{"testdata/tunnels.pcap", "testdata/tunnels.pcap.ra.csv"},
	} {
		t.Run(filepath.Base(tc.pcap), func(t *testing.T) {
			golden, err := argusref.ReadFile(tc.golden)
			if err != nil {
				t.Fatal(err)
			}
			cfg := flow.DefaultConfig()
			cfg.Tunnels = flow.TunnelsOuter
			cfg.Srcid = "0.0.0.0"
			var got []schema.Record
			emit := func(r *schema.Record) error { got = append(got, *r); return nil }
			if _, err := ingest.ReadFiles(context.Background(), []string{tc.pcap}, ingest.Options{Flow: cfg}, emit); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(golden) {
				t.Fatalf("outer: %d records, argus %d", len(got), len(golden))
			}
			for i := range got {
				g := &golden[i]
				rec := argusref.FromSchema(&got[i])
				if a, b := rowOf(g), rowOf(&rec); a != b {
					t.Errorf("record %d:\nargus %s\ntapdb %s", i+1, a, b)
				}
				if got[i].Sappbytes != g.Sappbytes || got[i].Dappbytes != g.Dappbytes {
					t.Errorf("record %d: appbytes %d/%d, argus %d/%d", i+1, got[i].Sappbytes, got[i].Dappbytes, g.Sappbytes, g.Dappbytes)
				}
				for col, v := range extraColumns(&got[i]) {
					if g.Extra[col] != v {
						t.Errorf("record %d: %s %q, argus %q", i+1, col, v, g.Extra[col])
					}
				}
			}
			inner := recordsOf(t, tc.pcap, flow.DefaultConfig())
			want := make([]string, len(golden))
			for i := range golden {
				want[i] = rowOf(&golden[i])
			}
			if n, _, _ := matchRows(want, inner); n != 0 || len(inner) == 0 {
				t.Errorf("decapsulate: %d records, %d of them Argus's outer records", len(inner), n)
			}
		})
	}
}

func TestParseTunnels(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want flow.Tunnels
		ok   bool
	}{
		{"decapsulate", flow.TunnelsDecapsulate, true},
		{"outer", flow.TunnelsOuter, true},
		{"", 0, false},
		{"Outer", 0, false},
	} {
		got, err := flow.ParseTunnels(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseTunnels(%q) = %v, %v", tc.in, got, err)
		}
		if tc.ok && got.String() != tc.in {
			t.Errorf("%v.String() = %q", got, got.String())
		}
		var fv flow.Tunnels
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.TextVar(&fv, "tunnels", flow.TunnelsDecapsulate, "")
		if err := fs.Parse([]string{"--tunnels=" + tc.in}); (err == nil) != tc.ok || fv != tc.want {
			t.Errorf("--tunnels=%s: %v, %v", tc.in, fv, err)
		}
	}
}
