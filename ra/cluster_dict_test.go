package ra

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestClusterDictionary checks that merging flgs, proto and dir through
// the value dictionary gives what merging the strings themselves gives:
// racluster's output on real captures against one GROUP BY over the same
// records with the string merges (character by character maxima of the
// flag strings, min = max of the protocols, min of the directions where
// they agree).
func TestClusterDictionary(t *testing.T) {
	ctx := context.Background()
	flags := make([]string, flagPositions)
	for i := range flags {
		flags[i] = fmt.Sprintf("max(substr(rpad(coalesce(flgs, ''), %d, ' '), %d, 1))", flagPositions, i+1)
	}
	stringMerge := "rtrim(concat(" + strings.Join(flags, ", ") + ")), " +
		"CASE WHEN min(proto) = max(proto) THEN min(proto) ELSE 'ip' END, " +
		"CASE WHEN min(dir) IS NOT DISTINCT FROM max(dir) THEN min(dir) ELSE 'differ' END"
	tests := []struct {
		capture string
		key     string // -m and GROUP BY
	}{
		{"ndpi-gnutella-mixed.pcap", "saddr"},
		{"pcapplusplus-many-protocols-large.pcap", "saddr"},
		{"pcapplusplus-many-protocols-large.pcap", "daddr"},
		{"pcapplusplus-many-protocols-large.pcap", "srcid"}, // one record of all
		{"zeek-wikipedia-mixed.pcap", "saddr daddr"},
	}
	for _, tt := range tests {
		t.Run(tt.capture+" "+tt.key, func(t *testing.T) {
			args := []string{"-r", filepath.Join("..", "testdata", "pcaps", tt.capture), "-m", tt.key,
				"-M", "nocorrect", "-L", "-1", "-c", "|", "-s", tt.key + " flgs proto dir"}
			o, err := parseNoRC(Racluster, args)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := Run(ctx, Env{Stdout: &buf, Loc: time.UTC}, o); err != nil {
				t.Fatal(err)
			}
			nkeys := len(strings.Fields(tt.key))
			var got []string
			for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
				f := strings.Split(line, "|")
				// Printed flags are padded, Dir is recomputed when the
				// records disagree: compare it only where they agree.
				f[nkeys] = strings.TrimRight(f[nkeys], " ")
				got = append(got, strings.Join(f[:nkeys+2], "|"))
				got = append(got, "dir "+strings.Join(f[:nkeys], "|")+"|"+f[nkeys+1]+"|"+strings.TrimSpace(f[nkeys+2]))
			}

			src, err := Open(ctx, o, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			key := strings.ReplaceAll(tt.key, " ", ", ")
			rows, err := src.DB.QueryContext(ctx, "SELECT concat_ws('|', "+key+"), "+stringMerge+" FROM flows GROUP BY "+key+", (proto IN ('arp', 'rarp'))")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var want []string
			for rows.Next() {
				var k, fl, proto string
				var dir *string
				if err := rows.Scan(&k, &fl, &proto, &dir); err != nil {
					t.Fatal(err)
				}
				want = append(want, k+"|"+fl+"|"+proto)
				if dir != nil && *dir != "differ" {
					want = append(want, "dir "+k+"|"+proto+"|"+*dir)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			// Dir lines of groups whose records disagree are only in got.
			got = slices.DeleteFunc(got, func(s string) bool {
				return strings.HasPrefix(s, "dir ") && !slices.Contains(want, s) && !hasDirLine(want, s)
			})
			slices.Sort(got)
			slices.Sort(want)
			if len(want) == 0 {
				t.Fatal("no merged records: the capture tests nothing")
			}
			if !slices.Equal(got, want) {
				t.Errorf("racluster:\n%s\nstring merges:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// hasDirLine reports whether want has a dir line for the key of dir line s.
func hasDirLine(want []string, s string) bool {
	k := s[:strings.LastIndex(s, "|")+1]
	return slices.ContainsFunc(want, func(w string) bool { return strings.HasPrefix(w, k) })
}
