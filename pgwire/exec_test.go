package pgwire

import (
	"testing"
	"time"
)

// TestShowSettingsComplete checks that every setting SHOW answers itself
// has a value.
func TestShowSettingsComplete(t *testing.T) {
	ss := &session{srv: &Server{cfg: (&Config{}).withDefaults()}, params: map[string]string{"user": "u"}}
	settings := ss.pgSettings()
	for _, name := range []string{"application_name", "client_encoding", "datestyle", "default_transaction_read_only",
		"in_hot_standby", "integer_datetimes", "intervalstyle", "is_superuser", "server_encoding",
		"server_version", "session_authorization", "standard_conforming_strings", "timezone",
		"transaction_isolation", "transaction isolation level", "default_transaction_isolation",
		"transaction_read_only", "max_identifier_length", "server_version_num", "search_path",
		"lc_collate", "lc_ctype", "statement_timeout", "block_size", "bytea_output",
		"extra_float_digits", "time zone"} {
		if !isPGSetting(name) {
			t.Errorf("%s: not answered by SHOW", name)
		}
		if p, ok := settings[name]; !ok || p[0] == "" {
			t.Errorf("%s: no value", name)
		}
	}
}

func TestParsePGDuration(t *testing.T) {
	tests := map[string]time.Duration{
		"0": 0, "default": 0, "1500": 1500 * time.Millisecond, "5s": 5 * time.Second, "2 min": 2 * time.Minute,
		"250ms": 250 * time.Millisecond, "1h": time.Hour, "1.5s": 1500 * time.Millisecond,
	}
	for in, want := range tests {
		if got, err := parsePGDuration(in); err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"x", "-1", "5 parsecs"} {
		if _, err := parsePGDuration(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if got := formatPGDuration(5 * time.Second); got != "5s" {
		t.Errorf("format 5s: %q", got)
	}
}
