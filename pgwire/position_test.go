package pgwire

import "testing"

func TestExcerptPosition(t *testing.T) {
	tests := []struct {
		msg, query string
		want       int
	}{
		{"Binder Error: x\n\nLINE 1: select nope from t\n               ^", "select nope from t", 8},
		{"Binder Error: x\n\nLINE 2: where zz > 1\n              ^", "select a from t\nwhere zz > 1", 23},
		{"Binder Error: x\n\nLINE 1: ...from t where zz > 1\n                        ^", "select aaaaaaaaaaaa from t where zz > 1", 34},
		{"Binder Error: x\n\nLINE 1: select é, nope from t\n                   ^", "select é, nope from t", 11},
		{"no excerpt", "select 1", 0},
		{"LINE 9: x\n        ^", "select 1", 0},
	}
	for _, tc := range tests {
		if got := excerptPosition(tc.msg, tc.query); got != tc.want {
			t.Errorf("%q in %q: got %d, want %d", tc.msg, tc.query, got, tc.want)
		}
	}
}
