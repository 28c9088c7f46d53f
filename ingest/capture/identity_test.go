package capture

import (
	"bytes"
	"context"
	"crypto/sha256"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestHashReader reads files of sizes around the fingerprint's and the
// chunks' lengths in reads of random sizes: the identity is the SHA-256
// of the bytes and the fingerprint FingerprintFile computes.
func TestHashReader(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, FingerprintLen - 1, FingerprintLen, 2*FingerprintLen + 1, hashChunk - 1, hashChunk, hashChunk + 1,
		hashChunk + FingerprintLen/2, 3*hashChunk + 7, (hashChunks + 3) * hashChunk} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		path := filepath.Join(dir, "f")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		fp, fsize, ok, err := FingerprintFile(path)
		if err != nil || !ok || fsize != int64(size) {
			t.Fatalf("size %d: FingerprintFile: %d %v %v", size, fsize, ok, err)
		}
		for _, drain := range []bool{false, true} {
			hr := NewHashReader(bytes.NewReader(data))
			buf := make([]byte, 70000)
			read := size
			if drain {
				read = size / 3 // Sum reads the rest
			}
			for done := 0; done < read; {
				n, err := hr.Read(buf[:min(1+rng.IntN(len(buf)), read-done)])
				if err != nil {
					t.Fatal(err)
				}
				done += n
			}
			id, err := hr.Sum(drain)
			if err != nil {
				t.Fatal(err)
			}
			if id.SHA256 != sha256.Sum256(data) || id.Size != int64(size) || id.Fingerprint != fp {
				t.Errorf("size %d drain %v: identity %x %d %x, want %x %d %x", size, drain, id.SHA256, id.Size, id.Fingerprint, sha256.Sum256(data), size, fp)
			}
		}
	}
}

// TestReadFramesIdentity checks the identity and times ReadFrames reports:
// plain, gzip'd (the compressed bytes) and damaged files (every byte,
// those after the damage too).
func TestReadFramesIdentity(t *testing.T) {
	dir := t.TempDir()
	pings, err := os.ReadFile(filepath.Join("testdata", "zeek-icmp-5-pings.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(dir, "pings.pcap.gz")
	if err := os.WriteFile(gz, gzipBytes(t, pings), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path    string
		frames  int64
		damaged bool
	}{
		{filepath.Join("testdata", "zeek-icmp-5-pings.pcap"), 10, false},
		{gz, 10, false},
		{filepath.Join("testdata", "zeek-wikipedia-mixed-truncated.pcap"), 92, true},
		{filepath.Join("testdata", "tcpdump-empty-header-only.pcap"), 0, false},
	}
	paths := make([]string, len(tests))
	for i, tc := range tests {
		paths[i] = tc.path
	}
	var done []string
	rd, err := ReadFrames(context.Background(), paths, FilesOptions{Hash: true, FileDone: func(f *FileRead) error {
		done = append(done, f.Path)
		f.Records = 7
		return nil
	}}, func(string, *Frame) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(rd.PerFile) != len(tests) || len(done) != len(tests) {
		t.Fatalf("%d files reported, %d done; want %d", len(rd.PerFile), len(done), len(tests))
	}
	for i, tc := range tests {
		f := rd.PerFile[i]
		data, err := os.ReadFile(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		fp, _, _, err := FingerprintFile(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if !f.Hashed || !f.Ended || f.Path != tc.path || f.Frames != tc.frames || f.Damaged != tc.damaged || f.Records != 7 {
			t.Errorf("%s: %+v", tc.path, f)
		}
		if f.Identity.SHA256 != sha256.Sum256(data) || f.Identity.Size != int64(len(data)) || f.Identity.Fingerprint != fp {
			t.Errorf("%s: identity %x of %d bytes, want %x of %d", tc.path, f.Identity.SHA256, f.Identity.Size, sha256.Sum256(data), len(data))
		}
		if (tc.frames > 0) != (f.First > 0 && f.Last >= f.First) {
			t.Errorf("%s: times %d..%d", tc.path, f.First, f.Last)
		}
	}
	if got := rd.PerFile[0]; got.First != 1607454603986596000 || got.Last != 1607454608018993000 {
		t.Errorf("pings: times %d..%d, want the first and the last ping's", got.First, got.Last)
	}
}

// A reader over a file it was not asked to hash identifies nothing.
func TestReadFramesWithoutHash(t *testing.T) {
	rd, err := ReadFrames(context.Background(), []string{filepath.Join("testdata", "zeek-icmp-5-pings.pcap")}, FilesOptions{},
		func(string, *Frame) error { return nil })
	if err != nil || len(rd.PerFile) != 1 || rd.PerFile[0].Hashed || !rd.PerFile[0].Ended {
		t.Errorf("%+v %v", rd.PerFile, err)
	}
}
