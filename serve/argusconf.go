package serve

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ApplyArgusConf applies the keys of an argus.conf (VAR=value lines, '#'
// comments, optional quotes) that have a tapdb equivalent to cfg, and
// returns a warning for each key that has none. The equivalents, as
// [section] key:
//
//	ARGUS_INTERFACE              [capture] interface (ind:/dup:/bond: prefixes and /srcid suffixes dropped; comma lists)
//	ARGUS_FILTER                 [capture] bpf
//	ARGUS_GO_PROMISCUOUS         [capture] promisc
//	ARGUS_PCAP_BUF_SIZE          [capture] ring-mb
//	ARGUS_MONITOR_ID             [flow] srcid (`hostname` is the host name)
//	ARGUS_FLOW_STATUS_INTERVAL   [flow] status-interval (seconds, fractions allowed)
//	ARGUS_IP_TIMEOUT, ARGUS_TCP_TIMEOUT, ARGUS_ICMP_TIMEOUT, ARGUS_IGMP_TIMEOUT,
//	ARGUS_FRAG_TIMEOUT, ARGUS_ARP_TIMEOUT, ARGUS_OTHER_TIMEOUT  [flow] the *-timeout keys
//	                             (ARGUS_IP_TIMEOUT also sets udp-timeout, as in Argus)
//	ARGUS_BIND_IP, ARGUS_ACCESS_PORT  [endpoint] listen: the address and port clients reach the flows on
//	ARGUS_SET_PID, ARGUS_PID_PATH     [process] pid-file (PID_PATH/tapdb.pid when SET_PID is yes)
//	ARGUS_CAPTURE_DATA_LEN       ignored (tapdb stores no payload)
//
// [flow] tunnels has no argus.conf key: Argus 3.0.8 always reports IP-in-IP,
// 6in4, 4in6 and 6in6 as the outer flow (tunnels = "outer"), and
// ARGUS_TUNNEL_DISCOVERY, which concerns Teredo only, does not change that.
//
// A value that cannot be read is an error.
func ApplyArgusConf(cfg *Config, r io.Reader) (warnings []string, err error) {
	sc := bufio.NewScanner(r)
	var bindIP, port string
	var setPID, pidPath string
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			return warnings, fmt.Errorf("line %d: want VAR=value", n)
		}
		key = strings.TrimSpace(key)
		val = argusValue(val)
		bad := func(e error) error { return fmt.Errorf("line %d: %s=%s: %w", n, key, val, e) }
		secs := func(p *Duration) error {
			f, err := strconv.ParseFloat(val, 64)
			if err != nil || f < 0 {
				return bad(fmt.Errorf("want seconds"))
			}
			*p = Duration(time.Duration(f * float64(time.Second)))
			return nil
		}
		switch key {
		case "ARGUS_INTERFACE":
			cfg.Capture.Interfaces = nil
			for _, f := range strings.FieldsFunc(val, func(r rune) bool { return r == ',' || r == ' ' }) {
				for _, p := range []string{"ind:", "dup:", "bond:"} {
					f = strings.TrimPrefix(f, p)
				}
				f, _, _ = strings.Cut(f, "/")
				if f != "" && f != "all" {
					cfg.Capture.Interfaces = append(cfg.Capture.Interfaces, f)
				}
			}
		case "ARGUS_FILTER":
			cfg.Capture.BPF = val
		case "ARGUS_GO_PROMISCUOUS":
			cfg.Capture.Promisc = yes(val)
		case "ARGUS_MONITOR_ID":
			if val == "`hostname`" {
				val, _ = os.Hostname()
			}
			cfg.FlowTable.Srcid = val
		case "ARGUS_FLOW_STATUS_INTERVAL":
			if err := secs(&cfg.FlowTable.StatusInterval); err != nil {
				return warnings, err
			}
		case "ARGUS_BIND_IP":
			bindIP, _, _ = strings.Cut(val, ",")
		case "ARGUS_ACCESS_PORT":
			if _, err := strconv.ParseUint(val, 10, 16); err != nil {
				return warnings, bad(fmt.Errorf("want a port"))
			}
			port = val
		case "ARGUS_SET_PID":
			setPID = val
		case "ARGUS_PID_PATH":
			pidPath = val
		case "ARGUS_PCAP_BUF_SIZE":
			mb, err := sizeMB(val)
			if err != nil {
				return warnings, bad(err)
			}
			cfg.Capture.RingMB = mb
		case "ARGUS_IP_TIMEOUT":
			if err := secs(&cfg.FlowTable.IPTimeout); err != nil {
				return warnings, err
			}
			cfg.FlowTable.UDPTimeout = cfg.FlowTable.IPTimeout
		case "ARGUS_TCP_TIMEOUT":
			if err := secs(&cfg.FlowTable.TCPTimeout); err != nil {
				return warnings, err
			}
		case "ARGUS_ICMP_TIMEOUT":
			if err := secs(&cfg.FlowTable.ICMPTimeout); err != nil {
				return warnings, err
			}
		case "ARGUS_IGMP_TIMEOUT":
			if err := secs(&cfg.FlowTable.IGMPTimeout); err != nil {
				return warnings, err
			}
		case "ARGUS_FRAG_TIMEOUT":
			if err := secs(&cfg.FlowTable.FragTimeout); err != nil {
				return warnings, err
			}
		case "ARGUS_ARP_TIMEOUT":
			if err := secs(&cfg.FlowTable.ARPTimeout); err != nil {
				return warnings, err
			}
		case "ARGUS_OTHER_TIMEOUT":
			if err := secs(&cfg.FlowTable.OtherTimeout); err != nil {
				return warnings, err
			}
		case "ARGUS_CAPTURE_DATA_LEN", "ARGUS_FLOW_TYPE", "ARGUS_FLOW_KEY":
			if key == "ARGUS_FLOW_TYPE" && !strings.EqualFold(val, "Bidirectional") ||
				key == "ARGUS_FLOW_KEY" && val != "CLASSIC_5_TUPLE" {
				warnings = append(warnings, fmt.Sprintf("%s=%s: tapdb only builds bidirectional CLASSIC_5_TUPLE flows", key, val))
			}
		default:
			warnings = append(warnings, fmt.Sprintf("%s has no tapdb equivalent; ignored", key))
		}
	}
	if err := sc.Err(); err != nil {
		return warnings, err
	}
	if port != "" && port != "0" {
		host := bindIP
		if host == "" {
			host = "0.0.0.0" // Argus listens on every address unless ARGUS_BIND_IP says otherwise
		}
		cfg.Endpoint.Listen = net.JoinHostPort(host, port)
	} else if bindIP != "" {
		_, p, err := net.SplitHostPort(cfg.Endpoint.Listen)
		if err != nil {
			p = "5433"
		}
		cfg.Endpoint.Listen = net.JoinHostPort(bindIP, p)
	}
	if setPID != "" && yes(setPID) {
		if pidPath == "" {
			pidPath = "/var/run"
		}
		cfg.Process.PIDFile = filepath.Join(pidPath, "tapdb.pid")
	}
	return warnings, nil
}

// argusValue strips quotes, and a trailing comment ("# …" or "// …", as
// Debian's sample writes them) after the value.
func argusValue(v string) string {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, `"`) {
		if end := strings.Index(v[1:], `"`); end >= 0 {
			return v[1 : 1+end]
		}
		return strings.Trim(v, `"`)
	}
	for _, c := range []string{" #", "\t#", " //", "\t//"} {
		if i := strings.Index(v, c); i >= 0 {
			v = v[:i]
		}
	}
	return strings.TrimSpace(v)
}

func yes(v string) bool {
	switch strings.ToLower(v) {
	case "yes", "true", "1", "on":
		return true
	}
	return false
}

// sizeMB reads a byte size with an optional K, M or G suffix into MiB (at
// least 1).
func sizeMB(v string) (int, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(v, "K"), strings.HasSuffix(v, "k"):
		mult = 1 << 10
	case strings.HasSuffix(v, "M"), strings.HasSuffix(v, "m"):
		mult = 1 << 20
	case strings.HasSuffix(v, "G"), strings.HasSuffix(v, "g"):
		mult = 1 << 30
	}
	if mult != 1 {
		v = v[:len(v)-1]
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("want a size such as 64M")
	}
	return int(max(1, n*mult>>20)), nil
}
