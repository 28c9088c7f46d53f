package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSources(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, "", Options{})
	const (
		h  = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
		fp = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
	)
	if err := s.CheckSource(ctx, "a.pcap", h, false); err != nil {
		t.Fatalf("a new source: %v", err)
	}
	if err := s.CheckFingerprint(ctx, "a.pcap", fp, false); err != nil {
		t.Fatalf("a new source by fingerprint: %v", err)
	}
	first := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	if err := s.RecordSource(ctx, Source{SHA256: h, Fingerprint: fp, Size: 1234, Name: "a.pcap", Kind: "capture", First: first, Last: first.Add(time.Minute), Records: 42}); err != nil {
		t.Fatal(err)
	}
	err := s.CheckSource(ctx, "copy-of-a.pcap", h, false)
	var ie *IngestedError
	if !errors.As(err, &ie) || ie.Prev.Name != "a.pcap" || ie.Prev.Records != 42 || !ie.Prev.First.Equal(first) {
		t.Fatalf("the same source again: %v", err)
	}
	if !strings.Contains(err.Error(), "--again") || !strings.Contains(err.Error(), "copy-of-a.pcap was already ingested") {
		t.Errorf("message %q", err)
	}
	if err := s.CheckSource(ctx, "a.pcap", h, true); err != nil {
		t.Errorf("with again: %v", err)
	}
	err = s.CheckFingerprint(ctx, "b.pcap", fp, false)
	if !errors.As(err, &ie) || ie.Prev.SHA256 != h || ie.Prev.Fingerprint != fp || !strings.Contains(err.Error(), "b.pcap was already ingested") {
		t.Fatalf("the same fingerprint again: %v", err)
	}
	if err := s.CheckFingerprint(ctx, "b.pcap", fp, true); err != nil {
		t.Errorf("fingerprint with again: %v", err)
	}
	if err := s.RecordSource(ctx, Source{SHA256: h, Fingerprint: fp, Size: 1234, Name: "copy-of-a.pcap", Kind: "capture", Records: 0}); err != nil {
		t.Fatal(err)
	}
	// A source that gave no records (the last time) is not refused.
	if err := s.CheckSource(ctx, "a.pcap", h, false); err != nil {
		t.Errorf("a source that gave no records: %v", err)
	}
	if err := s.CheckFingerprint(ctx, "a.pcap", fp, false); err != nil {
		t.Errorf("a source that gave no records, by fingerprint: %v", err)
	}
	srcs, err := s.Sources(ctx)
	if err != nil || len(srcs) != 1 || srcs[0].Times != 2 || srcs[0].Name != "copy-of-a.pcap" || srcs[0].Fingerprint != fp || !srcs[0].First.IsZero() {
		t.Errorf("sources %+v, %v", srcs, err)
	}
}
