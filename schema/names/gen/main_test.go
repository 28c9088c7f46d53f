package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestTablesUpToDate checks that generating from the committed inputs
// gives the committed tables.go byte for byte.
func TestTablesUpToDate(t *testing.T) {
	got, err := generateFiles("../testdata/services", "../testdata/protocols", "../testdata/ethertypes")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../tables.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("tables.go is not what gen makes of testdata/: run go generate in schema/names")
	}
	if !bytes.HasPrefix(got, []byte("// Code generated ")) || !bytes.Contains(got, []byte("DO NOT EDIT.")) {
		t.Error("tables.go does not say it is generated")
	}
}

func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name                            string
		services, protocols, ethertypes string
		err                             string
	}{
		{"port without protocol", "http 80\n", "", "", "not port/protocol"},
		{"bad port", "http 80x/tcp\n", "", "", "bad number"},
		{"name only", "", "ip\n", "", "no number"},
		{"unsorted ethertypes", "", "", "0x0800 0x0800 ip\n0x0600 0x0600 idp\n", "unsorted"},
		{"ethertype range reversed", "", "", "0x0801 0x0800 ip\n", "unsorted"},
		{"ethertype without name", "", "", "0x0800 0x0800\n", "want lo hi name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := generate([]byte(tc.services), []byte(tc.protocols), []byte(tc.ethertypes))
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("err = %v, want %q", err, tc.err)
			}
		})
	}
}
