package translate

import (
	"fmt"
	"slices"
	"testing"
)

// TestSelect runs filters against DuckDB and checks each selects exactly
// the expected records (by seq) of the fixture, with both placeholder
// styles.
func TestSelect(t *testing.T) {
	db := openFlows(t, fixture())
	all := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
	except := func(out ...int64) []int64 {
		var r []int64
		for _, s := range all {
			if !slices.Contains(out, s) {
				r = append(r, s)
			}
		}
		return r
	}
	tests := []struct {
		filter string
		want   []int64
	}{
		{"tcp", []int64{1, 2, 6}},
		{"udp", []int64{3, 5, 8}},
		{"icmp", []int64{4, 9, 10}},
		{"icmpv6", []int64{13}},
		{"ip", except(7, 12)},
		{"ipv4", []int64{1, 2, 3, 4, 5, 8, 9, 10, 11}},
		{"ipv6", []int64{6, 13}},
		{"arp", []int64{7}},
		{"rarp", nil},
		{"tcp and dst port 80", []int64{1}},
		{"tcp && dst port 80", []int64{1}},
		{"port 53", []int64{3}},
		{"udp port domain", []int64{3}},
		{"port http", []int64{1}},
		{"port 80 or 443", []int64{1, 6}},
		{"tcp dst port 80 or 443", []int64{1, 6}},
		{"port 53-215", []int64{1, 2, 3}}, // Argus: sport or dport >= 53, and sport or dport <= 215 (40000 -> 23)
		{"dst port 53-215", []int64{1, 3}},
		{"src port 40000-40010", []int64{2, 3}},
		{"port 0x50", []int64{1}},
		{"port 0120", []int64{1}},
		{"not port 80", except(1)},
		{"host 192.0.2.2", []int64{1, 2, 5, 10}},
		{"src host 192.0.2.1 and src port 55308", []int64{1}},
		{"dst host 192.0.2.2 and tcp", []int64{1, 2}},
		{"host 192.0.2.53 or 192.0.2.99", []int64{3, 7}},
		{"src 198.51.100.9", []int64{5}},
		{"src and dst host 2001:db8::1", nil},
		{"src or dst host 2001:db8::1", []int64{6, 13}},
		{"host 2001:db8::1 and host 2001:db8::2", []int64{6, 13}},
		{"net 192.0.2.0/24", []int64{1, 2, 3, 4, 5, 7, 9, 10, 11}},
		{"net 192.0.2.1/24", []int64{1, 2, 3, 4, 5, 7, 9, 10, 11}},
		{"src net 198.51.100.0/24", []int64{5}},
		{"net 198.51.100.0 mask 255.255.255.0", []int64{4, 5}},
		{"dst net 2001:db8::/32", []int64{6, 13}},
		{"net 10/8", []int64{8, 9}},
		{"net 10.1", []int64{8}},
		{"not tcp and not udp", []int64{4, 7, 9, 10, 11, 12, 13}},
		{"not ( tcp or udp )", []int64{4, 7, 9, 10, 11, 12, 13}},
		{"!(tcp||udp)", []int64{4, 7, 9, 10, 11, 12, 13}},
		{"tcp and not (port 80 or port 22)", []int64{2, 6}},
		{"icmp or tcp and port 80", []int64{1}},
		{"tcp and port 80 or icmp", []int64{1, 4, 9, 10}},
		{"not host 192.0.2.1 and 192.0.2.2", []int64{5}},
		{"host 192.0.2.1 or not 192.0.2.2", except(5)},
		{"bytes gt 1000", []int64{1, 6, 10}},
		{"bytes >= 1500", []int64{1, 6, 10}},
		{"bytes > 1000", []int64{1, 6, 10}},
		{"src bytes gt 1000", []int64{6, 10}},
		{"src and dst bytes gt 50", []int64{1, 2, 3, 4, 6, 10, 13}},
		{"dst pkts eq 0", []int64{5, 7, 8, 9, 11, 12}},
		{"pkts 2", []int64{4, 5, 7, 8, 9, 11, 12, 13}},
		{"bytes lt 100 or 1500", []int64{1, 2, 3, 5, 7, 8, 9, 11, 12}},
		{"sbytes gt 10000", []int64{6}},
		{"sbytes != 200", []int64{1, 2, 3, 6, 10}},
		{"dur gt 1.5", []int64{6}},
		{"rate gt 10", []int64{6}},
		{"tcprtt gt 0", []int64{1}},
		{"appbytes gt 1000", []int64{1}},
		{"ttl eq 64", []int64{1, 2, 3, 5, 8, 9, 10, 11}},
		{"src ttl 1", []int64{4}},
		{"src tos 184", []int64{8}},
		{"dsb ef", []int64{8}},
		{"vid 42", []int64{8}},
		{"vlan", []int64{8}},
		{"vlan 42", []int64{8}},
		{"mid 1234", []int64{9}},
		{"mpls", []int64{9}},
		{"trans 1", all},
		{"seq gt 11", []int64{12, 13}},
		{"sport 8", []int64{4, 10}},
		{"syn", []int64{1, 2}},
		{"src and dst syn", []int64{1}},
		{"syn and not synack", []int64{2}},
		{"tcp and reset and not fin", []int64{2}},
		{"dst rst", []int64{2}},
		{"fin", []int64{1}},
		{"finack", []int64{1}},
		{"con", []int64{1, 2, 3, 4, 6, 10, 13}},
		{"synack", []int64{1}},
		{"not con", []int64{5, 7, 8, 9, 11, 12}},
		{"retrans", []int64{6}},
		{"dst retrans", nil},
		{"winshut", []int64{6}},
		{"src winshut", []int64{6}},
		{"dst winshut", nil},
		{"ecn", []int64{10}},
		{"dst ecn", []int64{10}},
		{"src ecn", nil},
		{"frag", []int64{10}},
		{"fragonly", nil},
		{"echo", []int64{4, 10}},
		{"icmpv6 and echo", nil},
		{"unreach", []int64{5, 9}},
		{"icmpmap", []int64{5}},
		{"timexed", nil},
		{"int", []int64{5, 7, 11, 12}},
		{"ip proto 89", []int64{11}},
		{"proto ospf", []int64{11}},
		{"ip proto \\tcp", []int64{1, 2, 6}},
		{"proto 6 or 17", []int64{1, 2, 3, 5, 6, 8}},
		{"ipv6 proto 6", []int64{6}},
		{"ether proto 2054", []int64{7}},
		{"ether src 02:00:00:00:00:01", []int64{1, 7}},
		{"ether host 2:0:0:0:0:2", []int64{1}},
		{"ether broadcast", []int64{7}},
		{"ether multicast", []int64{7, 8}},
		{"multicast", []int64{8, 11}},
		{"ip multicast", []int64{8, 11}},
		{"status", []int64{8}},
		{"start", except(8)},
		{"man", nil},
		{"not man", all},
		{"far", all},
		{"encaps 802q", []int64{8}},
		{"encaps \\mpls", []int64{9}},
		{"encaps llc", []int64{12}},
		{"inode 192.0.2.2", []int64{5}},
		{"srcid 0.0.0.0", all},
		{"local tcp", []int64{1, 2, 6}},
	}
	for _, style := range []Placeholder{Dollar, Question} {
		for _, tc := range tests {
			t.Run(fmt.Sprintf("%d/%s", style, tc.filter), func(t *testing.T) {
				e, err := Parse(tc.filter)
				if err != nil {
					t.Fatalf("Parse(%q): %v", tc.filter, err)
				}
				where, args, err := e.SQL(SQLOptions{Placeholder: style})
				if err != nil {
					t.Fatalf("SQL: %v", err)
				}
				rows, err := db.Query("SELECT seq FROM flows WHERE "+where+" ORDER BY seq", args...)
				if err != nil {
					t.Fatalf("query %s %v: %v", where, args, err)
				}
				defer rows.Close()
				var got []int64
				for rows.Next() {
					var s int64
					if err := rows.Scan(&s); err != nil {
						t.Fatal(err)
					}
					got = append(got, s)
				}
				if err := rows.Err(); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("%q selected %v, want %v\nSQL: %s\nargs: %v", tc.filter, got, tc.want, where, args)
				}
			})
		}
	}
}
