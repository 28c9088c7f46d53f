package ra

import (
	"fmt"
	"strings"

	"tapdb/schema"
)

// descending are the rasort keys Argus sorts largest first: counters,
// rates and loads (and the TCP base sequence numbers, as 3.0.8 does).
// Every other key (times, durations, addresses, ports, protocol, TTL, TOS,
// labels, ids) sorts ascending.
var descending = map[string]bool{
	"pkts": true, "spkts": true, "dpkts": true,
	"bytes": true, "sbytes": true, "dbytes": true,
	"appbytes": true, "sappbytes": true, "dappbytes": true,
	"load": true, "sload": true, "dload": true,
	"rate": true, "srate": true, "drate": true,
	"sretrans": true, "dretrans": true,
	"stcpb": true, "dtcpb": true,
	"trans": true,
}

// sortKey is the ORDER BY term of one rasort key. Addresses sort by their
// numeric form so that 10.0.0.9 comes before 10.0.0.10; the protocol by
// its number.
func sortKey(key string) (string, error) {
	name := key
	if a, ok := aliases[name]; ok {
		name = a
	}
	c, ok := schema.Lookup(name)
	if !ok || c.Kind == schema.KindAddrNum {
		return "", &OptionError{Msg: fmt.Sprintf("-m: unknown sort key %q", key)}
	}
	col := c.Name
	if c.Kind == schema.KindAddr {
		if _, ok := schema.Lookup(c.Name + "_num"); ok {
			col = c.Name + "_num"
		}
	}
	if c.Name == "proto" {
		col = "pnum"
	}
	if descending[c.Name] {
		return col + " DESC NULLS LAST", nil
	}
	return col + " ASC NULLS FIRST", nil
}

// sortSQL is rasort: the records in key order, ties in input order. With
// no -m, Argus sorts by stime.
func sortSQL(o *Options, where string, fields []Field) (string, error) {
	keys := o.Keys
	if len(keys) == 0 {
		keys = []string{"stime"}
	}
	var order []string
	for _, k := range keys {
		for _, k := range strings.Fields(k) {
			t, err := sortKey(k)
			if err != nil {
				return "", err
			}
			order = append(order, t)
		}
	}
	order = append(order, inputOrder)
	return "SELECT " + selectList(fields, nil) + " FROM " + source(o, where) + " AS f ORDER BY " +
		strings.Join(order, ", ") + outputLimit(o), nil
}
