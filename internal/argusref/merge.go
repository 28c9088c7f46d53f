package argusref

import "time"

// Flow is the sum of the records of one directed 5-tuple: what racluster
// prints for a flow whose status records it merged.
type Flow struct {
	Key
	Stime, Ltime         time.Time
	Spkts, Dpkts         int64
	Sbytes, Dbytes       int64
	Sappbytes, Dappbytes int64
	State                string // the merged state, by racluster's rule (see Merge)
	Records              int    // how many records were merged
}

// Pkts is the packet total both ways.
func (f *Flow) Pkts() int64 { return f.Spkts + f.Dpkts }

// Bytes is the byte total both ways.
func (f *Flow) Bytes() int64 { return f.Sbytes + f.Dbytes }

// Merge sums records that have the same directed 5-tuple, in the order the
// 5-tuples first appear. Records of reversed 5-tuples stay apart, as in
// racluster's output for ARP and for IPv6 flows between one address and
// itself (Argus never writes the same flow both ways round otherwise).
//
// Counters add, stime is the minimum and ltime the maximum. The state is
// chosen as racluster 3.0.8 chooses it (checked against every golden by this
// package's tests): for TCP the strongest state of any record, in the order
// RST, FIN, CLO, TIM, CON, ACC, REQ, INT; for ICMP and ICMPv6 the first
// record's state; for other protocols CON when any record is CON or packets
// went both ways, otherwise the first record's state. "First" is the input
// order, which for Argus and tapdb alike is the order records were written.
func Merge(recs []Record) []Flow {
	pos := make(map[Key]int, len(recs))
	var (
		flows  []Flow
		states [][]string
	)
	for i := range recs {
		r := &recs[i]
		j, ok := pos[r.Key]
		if !ok {
			j = len(flows)
			pos[r.Key] = j
			flows = append(flows, Flow{Key: r.Key, Stime: r.Stime, Ltime: r.Ltime})
			states = append(states, nil)
		}
		f := &flows[j]
		if r.Stime.Before(f.Stime) {
			f.Stime = r.Stime
		}
		if r.Ltime.After(f.Ltime) {
			f.Ltime = r.Ltime
		}
		f.Spkts += r.Spkts
		f.Dpkts += r.Dpkts
		f.Sbytes += r.Sbytes
		f.Dbytes += r.Dbytes
		f.Sappbytes += r.Sappbytes
		f.Dappbytes += r.Dappbytes
		f.Records++
		states[j] = append(states[j], r.State)
	}
	for j := range flows {
		f := &flows[j]
		f.State = mergedState(f.Proto, states[j], f.Spkts > 0 && f.Dpkts > 0)
	}
	return flows
}

// tcpStrength orders TCP states: a merged TCP record shows the strongest
// state any of its records had, because racluster ORs the status bits.
func tcpStrength(s string) int {
	switch s {
	case "RST":
		return 7
	case "FIN":
		return 6
	case "CLO":
		return 5
	case "TIM":
		return 4
	case "CON":
		return 3
	case "ACC":
		return 2
	case "REQ":
		return 1
	}
	return 0
}

// mergedState applies racluster's rule (see Merge) to the states of one
// flow's records, in order; both says packets went both ways.
func mergedState(proto string, states []string, both bool) string {
	if len(states) == 0 {
		return ""
	}
	switch proto {
	case "tcp":
		best := states[0]
		for _, s := range states[1:] {
			if tcpStrength(s) > tcpStrength(best) {
				best = s
			}
		}
		return best
	case "icmp", "ipv6-icmp":
		return states[0]
	}
	if both {
		return "CON"
	}
	for _, s := range states {
		if s == "CON" {
			return "CON"
		}
	}
	return states[0]
}
