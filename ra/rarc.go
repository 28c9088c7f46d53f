package ra

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Config says which rarc files (rarc(5)) a command line starts from. ra
// 3.0.8 reads /etc/ra.conf, then $ARGUSHOME/ra.conf, then $HOME/.rarc,
// each overriding the one before, unless -X is given; then the command
// line, where -F FILE applies FILE at its place among the options (a later
// option overrides it, and it overrides earlier ones: checked with ra).
type Config struct {
	System    string // the system file, /etc/ra.conf; "" reads none
	ArgusHome string // $ARGUSHOME: its ra.conf is read; "" reads none
	Home      string // $HOME: its .rarc is read; "" reads none
	// ReadFile reads a file; nil reads it from disk (at most 1 MiB and a
	// byte, so that a larger file is refused).
	ReadFile func(name string) ([]byte, error)
}

// DefaultConfig is ra's: /etc/ra.conf, $ARGUSHOME/ra.conf, $HOME/.rarc.
func DefaultConfig() Config {
	return Config{System: "/etc/ra.conf", ArgusHome: os.Getenv("ARGUSHOME"), Home: os.Getenv("HOME")}
}

// files are the rarc files read before the command line, in order.
func (c Config) files() []string {
	var out []string
	if c.System != "" {
		out = append(out, c.System)
	}
	if c.ArgusHome != "" {
		out = append(out, filepath.Join(c.ArgusHome, "ra.conf"))
	}
	if c.Home != "" {
		out = append(out, filepath.Join(c.Home, ".rarc"))
	}
	return out
}

func (c Config) read(name string) ([]byte, error) {
	if c.ReadFile != nil {
		return c.ReadFile(name)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Bounded: -F /dev/zero must not take the machine.
	return io.ReadAll(io.LimitReader(f, maxRarcSize+1))
}

// moot reports whether a key ignored for this reason cannot change what
// tapdb prints (records the store never holds): no warning is worth it,
// and every Debian ra.conf sets such keys.
func moot(why string) bool {
	return why == "the store holds flow records only" || why == "the store keeps no user data"
}

// rarcIgnored are the rarc(5) keys ra 3.0.8 knows and tapdb does not
// honour, with why; a file setting one gets a warning naming it, unless
// the key is moot.
var rarcIgnored = map[string]string{
	"RA_PRINT_MAN_RECORDS":                   "the store holds flow records only",
	"RA_PRINT_EVENT_RECORDS":                 "the store holds flow records only",
	"RA_GENERATE_BIN_MAR_RECORDS":            "the store holds flow records only",
	"RA_PORT_DIRECTION":                      "tapdb prints the direction the sensor recorded",
	"RA_LOCAL_DIRECTION":                     "tapdb prints the direction the sensor recorded",
	"RA_LOCAL":                               "no locality labels",
	"RA_USERDATA_ENCODE":                     "the store keeps no user data",
	"RA_PRINT_RESPONSE_DATA":                 "the store keeps no user data",
	"RA_CIDR_ADDRESS_FORMAT":                 "",
	"RA_ASN_PRINT_FORMAT":                    "",
	"RA_TZ":                                  "set TZ instead",
	"RA_ARGUS_SERVER":                        "give -S",
	"RA_SOURCE_PORT":                         "",
	"RA_ARGUS_SERVERPORT":                    "",
	"RA_CISCONETFLOW_PORT":                   "",
	"RA_INPUT_FILE":                          "give -r",
	"RA_OUTPUT_FILE":                         "",
	"RA_EXCEPTION_OUTPUT_FILE":               "",
	"RA_SET_PID":                             "",
	"RA_PID_PATH":                            "",
	"RA_RUN_TIME":                            "",
	"RA_FILTER_TIMEOUT":                      "",
	"RA_USER_AUTH":                           "",
	"RA_AUTH_PASS":                           "",
	"RA_MIN_SSF":                             "",
	"RA_MAX_SSF":                             "",
	"RA_DEBUG_LEVEL":                         "",
	"RA_CONNECT_TIME":                        "",
	"RA_RELIABLE_CONNECT":                    "",
	"RA_SORT_ALGORITHMS":                     "give rasort -m",
	"RA_TIMEOUT_INTERVAL":                    "",
	"RA_UPDATE_INTERVAL":                     "",
	"RA_PRINT_ETHERNET_VENDORS":              "",
	"RA_ETHERNET_VENDORS":                    "",
	"RA_DELEGATED_IP":                        "",
	"RA_DATABASE":                            "",
	"RA_DB_TABLE":                            "",
	"RA_DB_USER":                             "",
	"RA_DB_PASS":                             "",
	"RA_DB_HOST":                             "",
	"RA_DB_PORT":                             "",
	"MYSQL_DB_ENGINE":                        "",
	"RA_COLOR_SUPPORT":                       "",
	"RA_COLOR_CONFIG":                        "",
	"RA_AIS_CACHE":                           "",
	"RA_CORRELATE_EVENTS":                    "",
	"RA_FIELD_QUOTED":                        "",
	"RA_FIELD_WIDTH":                         "",
	"RA_FLOW_MODEL":                          "",
	"RA_NO_OUTPUT":                           "",
	"RA_NUMBER":                              "",
	"RA_PRINT_DOMAINONLY":                    "",
	"RA_PRINT_LOCALONLY":                     "",
	"RA_PRINT_SUMMARY":                       "",
	"RA_PRINT_TCPFLAGS":                      "",
	"RA_PRINT_TCPSTATES":                     "",
	"RA_SEPARATE_ADDR_FROM_PORT_WITH_PERIOD": "",
	"RA_SERVICES_SIGNATURES":                 "",
}

// maxRarcSize bounds an rarc file: real ones are a few KiB.
const maxRarcSize = 1 << 20

// applyRarc reads one rarc file into o. A missing file is no error when
// optional (the files ra looks for); keys tapdb does not honour are named
// in one warning.
func (o *Options) applyRarc(c Config, name string, optional bool) error {
	data, err := c.read(name)
	if err != nil {
		if optional && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return optErr("read rarc file: %v", err)
	}
	if len(data) > maxRarcSize {
		return optErr("%s: rarc file larger than %d bytes", name, maxRarcSize)
	}
	var ignored, unknown []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, maxRarcSize)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		key, val, ok := strings.Cut(text, "=")
		if !ok {
			return optErr("%s:%d: want KEY=value, got %q", name, line, text)
		}
		key, val = strings.TrimSpace(key), unquote(strings.TrimSpace(val))
		known, err := o.setRarc(key, val)
		if err != nil {
			return optErr("%s:%d: %s: %v", name, line, key, err)
		}
		if known {
			continue
		}
		if why, ok := rarcIgnored[key]; ok {
			if !moot(why) {
				ignored = append(ignored, key)
			}
		} else {
			unknown = append(unknown, key)
		}
	}
	if err := sc.Err(); err != nil {
		return optErr("read rarc file %s: %v", name, err)
	}
	if len(ignored) > 0 {
		sort.Strings(ignored)
		o.Warnings = append(o.Warnings, fmt.Sprintf("%s: ignoring keys tapdb does not support: %s", name, strings.Join(ignored, ", ")))
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		o.Warnings = append(o.Warnings, fmt.Sprintf("%s: ignoring unknown keys: %s", name, strings.Join(unknown, ", ")))
	}
	return nil
}

// unquote strips one pair of matching quotes ("…" or '…').
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// setRarc applies one key. It reports whether tapdb honours the key.
func (o *Options) setRarc(key, val string) (bool, error) {
	switch key {
	case "RA_FIELD_DELIMITER":
		// "" is ra's aligned layout; ra reads one character.
		if val == `\t` {
			val = "\t"
		}
		o.Delim = val
	case "RA_PRINT_LABELS":
		n, err := strconv.Atoi(val)
		if err != nil {
			return true, fmt.Errorf("%q is not a number", val)
		}
		o.Labels = n
	case "RA_PRINT_NAMES":
		// rarc(5): none, proto, port (the default), all; anything else is
		// port, silently. tapdb never looks host names up.
		switch val {
		case "none":
			o.Numeric = 2
		case "proto":
			o.Numeric = 1
		case "all":
			o.Numeric = 0
			o.Warnings = append(o.Warnings, "RA_PRINT_NAMES=all: host names are not looked up; printing port and protocol names")
		default:
			o.Numeric = 0
		}
	case "RA_PRINT_UNIX_TIME":
		o.Epoch = yes(val)
	case "RA_TIME_FORMAT":
		if val != "%T.%f" && val != "%H:%M:%S.%f" {
			o.Warnings = append(o.Warnings, fmt.Sprintf("RA_TIME_FORMAT=%q: tapdb prints %%T.%%f (or Unix seconds with RA_PRINT_UNIX_TIME=yes, -u)", val))
		}
	case "RA_USEC_PRECISION":
		n, err := strconv.Atoi(val)
		if err != nil || n < 0 || n > 9 {
			return true, fmt.Errorf("%q: want a precision from 0 to 9", val)
		}
		o.Precision = n
	case "RA_FIELD_SPECIFIER":
		o.BaseFields = strings.Fields(val)
	case "RA_TIMERANGE":
		o.TimeRange = val
	case "RA_FILTER":
		o.rcFilter = val
	default:
		return false, nil
	}
	return true, nil
}

// yes reads an rarc boolean.
func yes(s string) bool {
	switch strings.ToLower(s) {
	case "yes", "y", "1", "true", "on":
		return true
	}
	return false
}

// noRarc reports whether the command line has -X before the filter:
// ra then reads no rarc file (-F still applies).
func noRarc(args []string) bool {
	for _, a := range args {
		if a == "-" || a == "--" {
			return false
		}
		if len(a) < 2 || a[0] != '-' || a[1] == '-' {
			continue
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			if c == 'X' {
				return true
			}
			if strings.IndexByte(optionsBool, c) < 0 {
				break // an option with an argument: the rest is its value
			}
		}
	}
	return false
}
