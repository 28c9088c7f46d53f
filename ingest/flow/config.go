package flow

import (
	"fmt"
	"time"
)

// Config sets the table's timers and limits. A zero duration or MaxFlows
// means the default.
type Config struct {
	// StatusInterval is how long a record collects packets before it is
	// emitted as a status record (ARGUS_FLOW_STATUS_INTERVAL, 5 s).
	StatusInterval time.Duration

	// Idle timeouts per kind of flow (ArgusModeler.h defaults).
	TCPTimeout       time.Duration // 60 s
	TCPClosedTimeout time.Duration // 10 s, once a FIN or RST was seen
	IPTimeout        time.Duration // 30 s, IP protocols other than those below
	UDPTimeout       time.Duration // 30 s (Argus uses the IP timeout)
	ICMPTimeout      time.Duration // 5 s, ICMP and ICMPv6
	IGMPTimeout      time.Duration // 30 s
	ARPTimeout       time.Duration // 5 s, ARP and RARP
	FragTimeout      time.Duration // 5 s, fragment index and fragment-only flows
	OtherTimeout     time.Duration // 30 s, non-IP frames

	// MaxFlows bounds the number of live flows. When a new flow needs a
	// slot and the table is full, the least recently active flow is emitted
	// early and removed (Stats.Evicted).
	MaxFlows int

	// Srcid is written to every record's Srcid.
	Srcid string

	// Tunnels says which flow a packet decapsulated from an IP-in-IP,
	// 6in4, 4in6 or 6in6 tunnel counts on: the inner one (the default) or
	// the tunnel's, as Argus 3.0.8 reports it.
	Tunnels Tunnels
}

// Tunnels is how the table keys packets that came through an IP tunnel
// (decode.Packet.Outer). GRE is always looked through, as by Argus.
type Tunnels uint8

const (
	// TunnelsDecapsulate keys the inner packet: its own 5-tuple, with the
	// tunnel in the record's encapsulation (encaps, flgs).
	TunnelsDecapsulate Tunnels = iota
	// TunnelsOuter keys the outer header: one flow of protocol 4 (ipnip)
	// or 41 (ipv6) between the tunnel endpoints, whose application bytes
	// are the inner packets, as Argus 3.0.8 does (emp.: also for 4in6 and
	// 6in6, and whatever ARGUS_TUNNEL_DISCOVERY says).
	TunnelsOuter
)

// String returns the name ParseTunnels reads.
func (m Tunnels) String() string {
	if m == TunnelsOuter {
		return "outer"
	}
	return "decapsulate"
}

// MarshalText and UnmarshalText make Tunnels a text flag (flag.TextVar)
// and a text configuration value.
func (m Tunnels) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

func (m *Tunnels) UnmarshalText(b []byte) error {
	v, err := ParseTunnels(string(b))
	if err == nil {
		*m = v
	}
	return err
}

// ParseTunnels reads "decapsulate" or "outer".
func ParseTunnels(s string) (Tunnels, error) {
	switch s {
	case "decapsulate":
		return TunnelsDecapsulate, nil
	case "outer":
		return TunnelsOuter, nil
	}
	return 0, fmt.Errorf("flow: tunnels %q: want decapsulate or outer", s)
}

// DefaultMaxFlows is the MaxFlows used when Config.MaxFlows is zero.
const DefaultMaxFlows = 1 << 20

// DefaultConfig returns Argus 3.0.8's compiled-in timers.
func DefaultConfig() Config {
	return Config{
		StatusInterval:   5 * time.Second,
		TCPTimeout:       60 * time.Second,
		TCPClosedTimeout: 10 * time.Second,
		IPTimeout:        30 * time.Second,
		UDPTimeout:       30 * time.Second,
		ICMPTimeout:      5 * time.Second,
		IGMPTimeout:      30 * time.Second,
		ARPTimeout:       5 * time.Second,
		FragTimeout:      5 * time.Second,
		OtherTimeout:     30 * time.Second,
		MaxFlows:         DefaultMaxFlows,
	}
}

// withDefaults fills zero fields from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	def := func(v *time.Duration, dv time.Duration) {
		if *v <= 0 {
			*v = dv
		}
	}
	def(&c.StatusInterval, d.StatusInterval)
	def(&c.TCPTimeout, d.TCPTimeout)
	def(&c.TCPClosedTimeout, d.TCPClosedTimeout)
	def(&c.IPTimeout, d.IPTimeout)
	def(&c.UDPTimeout, d.UDPTimeout)
	def(&c.ICMPTimeout, d.ICMPTimeout)
	def(&c.IGMPTimeout, d.IGMPTimeout)
	def(&c.ARPTimeout, d.ARPTimeout)
	def(&c.FragTimeout, d.FragTimeout)
	def(&c.OtherTimeout, d.OtherTimeout)
	if c.MaxFlows <= 0 {
		c.MaxFlows = d.MaxFlows
	}
	return c
}

// Timeout classes: flows of one class share an idle timeout, so each class
// keeps its flows in one list ordered by last activity.
const (
	classTCP = iota
	classTCPClosed
	classUDP
	classIP
	classICMP
	classIGMP
	classARP
	classFrag
	classOther
	numClasses
)

func (c *Config) classTimeouts() [numClasses]int64 {
	var t [numClasses]int64
	t[classTCP] = int64(c.TCPTimeout)
	t[classTCPClosed] = int64(c.TCPClosedTimeout)
	t[classUDP] = int64(c.UDPTimeout)
	t[classIP] = int64(c.IPTimeout)
	t[classICMP] = int64(c.ICMPTimeout)
	t[classIGMP] = int64(c.IGMPTimeout)
	t[classARP] = int64(c.ARPTimeout)
	t[classFrag] = int64(c.FragTimeout)
	t[classOther] = int64(c.OtherTimeout)
	return t
}
