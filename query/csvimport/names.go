package csvimport

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"tapdb/query/ra"
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

// service returns the port of a TCP or UDP service name as ra prints it.
// The table is the one tapdb ra prints names from (query/ra's generated
// copy of Debian's /etc/services, first name per port), read back once by
// printing every port.
func (n *names) service(name string, tcp bool) (int, error) {
	if n.services == nil {
		m, err := serviceTable()
		if err != nil {
			return 0, err
		}
		n.services = m
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

// serviceTable prints every TCP and UDP port through ra's printer and
// keeps the names it prints: "tcp/http" → 80.
func serviceTable() (map[string]int, error) {
	fields, err := ra.ResolveFields([]string{"sport"})
	if err != nil {
		return nil, fmt.Errorf("service names: %w", err)
	}
	m := make(map[string]int)
	for _, pnum := range [...]int64{pnumTCP, pnumUDP} {
		var buf bytes.Buffer
		pr := ra.NewPrinter(&buf, fields, ra.Format{Delim: ",", Labels: -1, Loc: time.UTC})
		for port := int64(0); port <= 0xffff; port++ {
			if err := pr.Row([]any{port, pnum}); err != nil {
				return nil, fmt.Errorf("service names: %w", err)
			}
		}
		if err := pr.Flush(); err != nil {
			return nil, fmt.Errorf("service names: %w", err)
		}
		prefix := "udp/"
		if pnum == pnumTCP {
			prefix = "tcp/"
		}
		for port, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
			if line != "" && (line[0] < '0' || line[0] > '9') {
				if _, dup := m[prefix+line]; !dup {
					m[prefix+line] = port
				}
			}
		}
	}
	return m, nil
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
