package argusref

import "tapdb/schema"

// FromSchema converts a tapdb flow record for comparison. tapdb stores ports
// the way this package reads Argus's (ICMP sport = type | code<<8, dport =
// the plain echo id or detail; ICMPv6 sport = type, dport = code), so no
// port is rewritten; addresses are put in the same canonical form.
func FromSchema(r *schema.Record) Record {
	rec := Record{
		Key:       NewKey(r.Proto, r.Saddr, 0, r.Daddr, 0),
		HasPorts:  r.HasPorts,
		Stime:     r.Stime,
		Ltime:     r.Ltime,
		Dir:       r.Dir,
		Flgs:      r.Flgs,
		State:     r.State,
		Cause:     r.Cause,
		Spkts:     r.Spkts,
		Dpkts:     r.Dpkts,
		Sbytes:    r.Sbytes,
		Dbytes:    r.Dbytes,
		Sappbytes: r.Sappbytes,
		Dappbytes: r.Dappbytes,
		Trans:     r.Trans,
	}
	if r.HasPorts {
		rec.Sport, rec.Dport = r.Sport, r.Dport
	}
	return rec
}
