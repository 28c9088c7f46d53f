package csvimport

import (
	"fmt"

	tables "tapdb/schema/names"
)

// names resolves the names ra prints to numbers and back with tapdb's
// built-in tables (package schema/names: Debian's /etc/services and
// /etc/protocols, the ones ra reads), so that results do not depend on
// the host. It holds nothing: the tables are read-only.
type names struct{}

// protoName is the name the sensor stores for IP protocol p.
func (names) protoName(p uint8) string { return tables.ProtoName(p) }

// service returns the port of a TCP or UDP service name as ra prints it
// (the lowest port for a name printed for several).
func (names) service(name string, tcp bool) (int, error) {
	if v, ok := tables.ServicePort(name, tcp); ok {
		return v, nil
	}
	return 0, fmt.Errorf("unknown service %q", name)
}

// ipProto returns the number of an IP protocol name: a name ra prints,
// or another /etc/protocols name or alias the filter language knows.
func (names) ipProto(name string) (int, error) {
	if v, ok := tables.ProtoNumber(name); ok {
		return int(v), nil
	}
	if v, ok := tables.ProtoByName(name); ok {
		return v, nil
	}
	return 0, fmt.Errorf("unknown protocol %q", name)
}
