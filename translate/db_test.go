package translate

import (
	"context"
	"database/sql"
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"tapdb/schema"
	"tapdb/store"
)

// openFlows opens a scratch store (the flows table as the store lays it
// out) holding recs, written through the store's writer.
func openFlows(t testing.TB, recs []schema.Record) *sql.DB {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "", store.Options{})
	if err != nil {
		t.Fatalf("open a scratch store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Load(ctx, store.WriterOptions{}, func(ctx context.Context, emit func(*schema.Record) error) error {
		for i := range recs {
			if err := emit(&recs[i]); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatalf("store %d records: %v", len(recs), err)
	}
	return st.DB()
}

var t0 = time.Date(2026, 11, 27, 5, 8, 0, 0, time.UTC)

// rec builds a flow record; seq identifies it in the tests.
func rec(seq int64, proto string, pnum int32, saddr string, sport int32, daddr string, dport int32) schema.Record {
	r := schema.Record{
		Stime: t0.Add(time.Duration(seq) * time.Second), Ltime: t0.Add(time.Duration(seq)*time.Second + 500*time.Millisecond),
		Proto: proto, PNum: pnum, Saddr: saddr, Daddr: daddr, Sport: sport, Dport: dport,
		Dir: "<->", State: "CON", Cause: "Start", Spkts: 2, Dpkts: 2, Sbytes: 200, Dbytes: 300,
		Seq: seq, Trans: 1, Srcid: "0.0.0.0", Encaps: "eth", Flgs: " e",
	}
	if a, err := netip.ParseAddr(saddr); err == nil {
		b := netip.MustParseAddr(daddr)
		r.HasAddrNum = true
		r.SaddrHi, r.SaddrLo = split128(a)
		r.DaddrHi, r.DaddrLo = split128(b)
		r.EType = 0x0800
		if a.Is6() {
			r.EType = 0x86dd
		}
		r.HasSttl, r.HasDttl, r.Sttl, r.Dttl = true, true, 64, 64
	}
	r.HasPorts = pnum == 6 || pnum == 17 || pnum == 1 || pnum == 58
	return r
}

func split128(a netip.Addr) (hi, lo uint64) {
	b := a.As16()
	return binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
}

// fixture is a small set of flows, one of each kind the filters tell apart.
func fixture() []schema.Record {
	var rs []schema.Record
	add := func(r schema.Record, f func(*schema.Record)) {
		if f != nil {
			f(&r)
		}
		rs = append(rs, r)
	}
	// 1: HTTP over TCP, completed with FIN
	add(rec(1, "tcp", 6, "192.0.2.1", 55308, "192.0.2.2", 80), func(r *schema.Record) {
		r.State, r.STCPFlags, r.DTCPFlags = "FIN", 0x1b, 0x1b // FIN SYN PSH ACK both ways
		r.Spkts, r.Dpkts, r.Sbytes, r.Dbytes = 6, 6, 483, 1500
		r.Smac, r.Dmac = "02:00:00:00:00:01", "02:00:00:00:00:02"
		r.Dir = "->"
		r.Synack, r.Ackdat = 0.0002, 0.0001
		r.Sappbytes, r.Dappbytes = 80, 1200
	})
	// 2: unanswered SYN, then reset by the destination
	add(rec(2, "tcp", 6, "192.0.2.1", 40000, "192.0.2.2", 23), func(r *schema.Record) {
		r.State, r.STCPFlags, r.DTCPFlags = "RST", 0x02, 0x14 // SYN / RST ACK
		r.Spkts, r.Dpkts, r.Sbytes, r.Dbytes = 1, 1, 74, 60
	})
	// 3: DNS over UDP, answered
	add(rec(3, "udp", 17, "192.0.2.1", 40001, "192.0.2.53", 53), func(r *schema.Record) {
		r.Spkts, r.Dpkts, r.Sbytes, r.Dbytes = 1, 1, 80, 120
	})
	// 4: ICMP echo with reply, TTL 1 towards a router
	add(rec(4, "icmp", 1, "192.0.2.1", 0x0008, "198.51.100.7", 7), func(r *schema.Record) {
		r.State, r.Sttl, r.Dttl = "ECO", 1, 255
	})
	// 5: UDP to a closed port answered by port unreachable, mapped
	add(rec(5, "udp", 17, "198.51.100.9", 41000, "192.0.2.2", 9999), func(r *schema.Record) {
		r.State, r.Flgs, r.Inode, r.Dpkts, r.Dbytes = "INT", " eU", "192.0.2.2", 0, 0
		r.Dir = "->"
	})
	// 6: IPv6 TCP, long, with retransmissions and a zero window
	add(rec(6, "tcp", 6, "2001:db8::1", 8080, "2001:db8::2", 443), func(r *schema.Record) {
		r.Ltime = r.Stime.Add(3 * time.Second)
		r.State, r.STCPFlags, r.DTCPFlags = "CON", 0x18, 0x18
		r.Sretrans, r.Flgs = 2, " e sS"
		r.Spkts, r.Dpkts, r.Sbytes, r.Dbytes = 40, 30, 40000, 3000
		r.Sttl, r.Dttl = 64, 64
	})
	// 7: ARP request without answer
	add(rec(7, "arp", 2054, "192.0.2.1", 0, "192.0.2.99", 0), func(r *schema.Record) {
		r.EType, r.HasPorts, r.State, r.Dir, r.Dpkts, r.Dbytes = 0x0806, false, "INT", "who", 0, 0
		r.HasSttl, r.HasDttl, r.Sttl, r.Dttl = false, false, 0, 0
		r.Dmac = "ff:ff:ff:ff:ff:ff"
		r.Smac = "02:00:00:00:00:01"
	})
	// 8: VLAN-tagged UDP, multicast mDNS, a status record
	add(rec(8, "udp", 17, "10.1.2.3", 5353, "224.0.0.251", 5353), func(r *schema.Record) {
		r.Svlan, r.HasSvlan, r.Dvlan, r.HasDvlan = 42, true, 42, true
		r.Encaps, r.Flgs, r.Cause, r.Dpkts, r.Dbytes = "eth,vlan", " *", "Status", 0, 0
		r.Stos = 184
		r.Dmac = "01:00:5e:00:00:fb"
	})
	// 9: MPLS-labelled ICMP host unreachable
	add(rec(9, "icmp", 1, "10.9.9.9", 0x0103, "192.0.2.1", 0), func(r *schema.Record) {
		r.Smpls, r.HasSmpls, r.Encaps, r.State, r.Flgs = 1234, true, "eth,mpls", "URH", " *"
		r.Dpkts, r.Dbytes = 0, 0
	})
	// 10: fragmented ping with ECN from the destination
	add(rec(10, "icmp", 1, "192.0.2.1", 0x0008, "192.0.2.2", 9), func(r *schema.Record) {
		r.State, r.Flgs = "ECO", " e   tF"
		r.Spkts, r.Dpkts, r.Sbytes, r.Dbytes = 3, 3, 3042, 3042
	})
	// 11: OSPF
	add(rec(11, "ospf", 89, "192.0.2.5", 0, "224.0.0.5", 0), func(r *schema.Record) {
		r.HasPorts, r.State, r.Dpkts, r.Dbytes = false, "INT", 0, 0
	})
	// 12: STP (LLC) frame: MACs as addresses, no IP
	add(rec(12, "34928", 34928, "00:11:22:33:44:55", 0, "01:80:c2:00:00:00", 0), func(r *schema.Record) {
		r.EType, r.HasPorts, r.State, r.Dpkts, r.Dbytes, r.Encaps = 0, false, "INT", 0, 0, "eth,llc"
	})
	// 13: ICMPv6 echo over IPv6
	add(rec(13, "ipv6-icmp", 58, "2001:db8::1", 128, "2001:db8::2", 0), func(r *schema.Record) {
		r.State = "ECO"
	})
	return rs
}
