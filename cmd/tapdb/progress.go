package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"tapdb/ingest"
)

// progressBar draws a one-line progress bar on a terminal.
type progressBar struct {
	w       io.Writer
	sizes   map[string]int64
	total   int64
	done    int64 // bytes of finished files
	start   time.Time
	last    time.Time
	packets int64
}

func newProgressBar(w io.Writer, files []string) *progressBar {
	b := &progressBar{w: w, sizes: map[string]int64{}, start: time.Now()}
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			b.sizes[f] = fi.Size()
			b.total += fi.Size()
		}
	}
	return b
}

func (b *progressBar) update(p ingest.Progress) {
	b.packets = p.Packets
	pos := b.done + min(p.Offset, b.sizes[p.File])
	if p.Done {
		b.done += b.sizes[p.File]
		pos = b.done
	}
	if now := time.Now(); now.Sub(b.last) < 200*time.Millisecond && !p.Done {
		return
	} else {
		b.last = now
	}
	frac := 0.0
	if b.total > 0 {
		frac = min(float64(pos)/float64(b.total), 1)
	}
	const width = 30
	filled := int(frac * width)
	bar := make([]byte, width)
	for i := range bar {
		if i < filled {
			bar[i] = '#'
		} else {
			bar[i] = '.'
		}
	}
	rate := float64(b.packets) / max(time.Since(b.start).Seconds(), 1e-9)
	fmt.Fprintf(b.w, "\r[%s] %5.1f%%  %d packets  %.0f packets/s ", bar, frac*100, b.packets, rate)
}

func (b *progressBar) finish() { fmt.Fprintln(b.w) }
