package capture

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name string
		head []byte
		want Format
	}{
		{"pcap µs little-endian", []byte{0xd4, 0xc3, 0xb2, 0xa1}, FormatPcap},
		{"pcap µs big-endian", []byte{0xa1, 0xb2, 0xc3, 0xd4}, FormatPcap},
		{"pcap ns little-endian", []byte{0x4d, 0x3c, 0xb2, 0xa1}, FormatPcap},
		{"pcap ns big-endian", []byte{0xa1, 0xb2, 0x3c, 0x4d}, FormatPcap},
		{"pcapng", []byte{0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0}, FormatPcapng},
		{"gzip", []byte{0x1f, 0x8b, 0x08, 0x00}, FormatGzip},
		{"gzip, two bytes", []byte{0x1f, 0x8b}, FormatGzip},
		{"Kuznetzov little-endian", []byte{0x34, 0xcd, 0xb2, 0xa1}, FormatKuznetzov},
		{"Kuznetzov big-endian", []byte{0xa1, 0xb2, 0xcd, 0x34}, FormatKuznetzov},
		{"short", []byte{0xd4, 0xc3, 0xb2}, FormatUnknown},
		{"empty", nil, FormatUnknown},
		{"text", []byte("# Te"), FormatUnknown},
		// A DuckDB file starts with an 8-byte checksum, then "DUCK".
		{"duckdb", []byte{0, 0, 0, 0, 0, 0, 0, 0, 'D', 'U', 'C', 'K'}, FormatUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Detect(tc.head); got != tc.want {
				t.Errorf("Detect(% x) = %v, want %v", tc.head, got, tc.want)
			}
		})
	}
}

// Every capture of the repository's test data and of this package's is
// recognised, and Open agrees: it reads the file header of every file
// Detect accepts (the damaged files are damaged further on).
func TestDetectFileCaptures(t *testing.T) {
	var paths []string
	for _, dir := range []string{"../../testdata/pcaps", "testdata"} {
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".md") {
				continue
			}
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	if len(paths) < 40 {
		t.Fatalf("only %d captures found", len(paths))
	}
	for _, p := range paths {
		f, err := DetectFile(p)
		if err != nil || f == FormatUnknown || f == FormatKuznetzov {
			t.Errorf("%s: %v, %v", p, f, err)
			continue
		}
		r, err := Open(p)
		if err != nil {
			t.Errorf("%s: detected as %v, Open: %v", p, f, err)
			continue
		}
		r.Close()
	}
	short := filepath.Join(t.TempDir(), "short")
	if err := os.WriteFile(short, []byte{0xd4, 0xc3}, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := DetectFile(short); err == nil || !strings.Contains(err.Error(), "too short") {
		t.Errorf("short file: err = %v", err)
	}
	if _, err := DetectFile(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v", err)
	}
}

func TestReadFrames(t *testing.T) {
	good := filepath.Join("testdata", "zeek-icmp-5-pings.pcap")                 // 10 frames, Ethernet
	damaged := filepath.Join("testdata", "zeek-wikipedia-mixed-truncated.pcap") // 92 whole frames
	sll2 := filepath.Join("testdata", "zeek-linux-sll2.pcap")
	notCapture := filepath.Join("testdata", "README.md")
	errStop := errors.New("stop")

	t.Run("damage is reported after the other files", func(t *testing.T) {
		var got []string
		var progress []Progress
		rd, err := ReadFrames(context.Background(), []string{damaged, good}, FilesOptions{Progress: func(p Progress) { progress = append(progress, p) }},
			func(path string, f *Frame) error {
				if len(got) == 0 || got[len(got)-1] != path {
					got = append(got, path)
				}
				return nil
			})
		if err != nil {
			t.Fatal(err)
		}
		var fe *FormatError
		if rd.Files != 2 || rd.Frames != 92+10 || !errors.As(rd.Damage, &fe) || fe.Packet != 93 || fe.Offset != 19932 {
			t.Errorf("read %+v", rd)
		}
		if len(got) != 2 || got[0] != damaged || got[1] != good {
			t.Errorf("files in order %v", got)
		}
		if len(progress) != 2 || !progress[1].Done || progress[1].File != good || progress[1].Packets != 102 {
			t.Errorf("progress %+v", progress)
		}
	})
	t.Run("fn's error stops the loop with the file, packet and offset", func(t *testing.T) {
		n := 0
		rd, err := ReadFrames(context.Background(), []string{good, good}, FilesOptions{}, func(path string, f *Frame) error {
			if n++; n == 3 {
				return errStop
			}
			return nil
		})
		if !errors.Is(err, errStop) || !strings.Contains(err.Error(), good+": packet 3 at offset ") || rd.Frames != 3 || rd.Files != 1 {
			t.Errorf("err %v, read %+v", err, rd)
		}
	})
	t.Run("a file that is not a capture refuses all before any frame", func(t *testing.T) {
		_, err := ReadFrames(context.Background(), []string{good, notCapture}, FilesOptions{}, func(string, *Frame) error {
			t.Fatal("frame handed on")
			return nil
		})
		var fe *FormatError
		if !errors.As(err, &fe) || fe.File != notCapture {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("an unsupported link type refuses all before any frame", func(t *testing.T) {
		_, err := ReadFrames(context.Background(), []string{good, sll2}, FilesOptions{Supported: func(lt uint32) bool { return lt == LinkEthernet }},
			func(string, *Frame) error {
				t.Fatal("frame handed on")
				return nil
			})
		if err == nil || !strings.Contains(err.Error(), sll2) || !strings.Contains(err.Error(), "link type 276") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("a cancelled context stops the loop", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		many := filepath.Join("testdata", "pcapplusplus-many-interfaces.pcapng") // 64 frames
		paths := make([]string, ctxEvery/64+1)                                   // more frames than ctxEvery
		for i := range paths {
			paths[i] = many
		}
		rd, err := ReadFrames(ctx, paths, FilesOptions{}, func(string, *Frame) error { return nil })
		if !errors.Is(err, context.Canceled) || rd.Frames != ctxEvery {
			t.Errorf("err %v after %d frames", err, rd.Frames)
		}
	})
}
