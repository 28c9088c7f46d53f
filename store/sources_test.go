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
	const h = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	if err := s.CheckSource(ctx, "a.pcap", h, false); err != nil {
		t.Fatalf("a new source: %v", err)
	}
	first := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	if err := s.RecordSource(ctx, Source{SHA256: h, Size: 1234, Name: "a.pcap", Kind: "capture", First: first, Last: first.Add(time.Minute), Records: 42}); err != nil {
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
	if err := s.RecordSource(ctx, Source{SHA256: h, Size: 1234, Name: "copy-of-a.pcap", Kind: "capture", Records: 0}); err != nil {
		t.Fatal(err)
	}
	srcs, err := s.Sources(ctx)
	if err != nil || len(srcs) != 1 || srcs[0].Times != 2 || srcs[0].Name != "copy-of-a.pcap" || !srcs[0].First.IsZero() {
		t.Errorf("sources %+v, %v", srcs, err)
	}
}
