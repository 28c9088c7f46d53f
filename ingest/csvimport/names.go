package csvimport

import (
	"fmt"

	"tapdb/ra"
	"tapdb/schema"
	"tapdb/translate"
)

// names resolves service and protocol names to numbers with tapdb's
// built-in tables (Debian's /etc/services and /etc/protocols, the ones ra
// reads), so that results do not depend on the host.
type names struct {
	services map[string]int // "tcp/http" → 80, built on first use
	protos   map[string]int // "ospf" → 89, -1 unknown; cached answers
}

// isWord reports whether s can only be read by the filter parser as one
// name: letters, digits, '-', '_', '.', '+', starting with a letter.
func isWord(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '+'):
		default:
			return false
		}
	}
	return true
}

// service returns the port of a TCP or UDP service name as ra prints it
// (ra.ServiceName, the table tapdb ra prints names from; the lowest port
// for a name printed for several).
func (n *names) service(name string, tcp bool) (int, error) {
	if n.services == nil {
		n.services = make(map[string]int)
		for port := 0xffff; port >= 0; port-- {
			for _, proto := range [...]string{"tcp/", "udp/"} {
				if s := ra.ServiceName(port, proto == "tcp/"); s != "" {
					n.services[proto+s] = port
				}
			}
		}
	}
	key := "udp/" + name
	if tcp {
		key = "tcp/" + name
	}
	if v, ok := n.services[key]; ok {
		return v, nil
	}
	return 0, fmt.Errorf("unknown service %q", name)
}

// ipProto returns the number of an IP protocol name: a name ra prints,
// or another /etc/protocols name or alias the filter language knows.
func (n *names) ipProto(name string) (int, error) {
	if v, ok := schema.ProtoNumber(name); ok {
		return int(v), nil
	}
	if v, ok := n.protos[name]; ok {
		if v < 0 {
			return 0, fmt.Errorf("unknown protocol %q", name)
		}
		return v, nil
	}
	if n.protos == nil {
		n.protos = make(map[string]int)
	}
	v := -1
	if isWord(name) {
		// The backslash makes keywords (tcp, icmp, esp) plain names.
		if e, err := translate.Parse(`proto \` + name); err == nil {
			if x, ok := e.Root.(*translate.IPProto); ok {
				v = x.Num
			}
		}
	}
	if len(n.protos) < 1024 {
		n.protos[name] = v
	}
	if v < 0 {
		return 0, fmt.Errorf("unknown protocol %q", name)
	}
	return v, nil
}
