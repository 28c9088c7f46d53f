package serve

import (
	"bytes"
	"math"
	"testing"
)

func TestExposition(t *testing.T) {
	var b bytes.Buffer
	e := &exposition{w: &b}
	e.one("tapdb_x_total", "counter", "an example", 3, "interface", `eth"0\`)
	e.family("tapdb_y", "gauge", "values")
	e.sample("tapdb_y", math.Inf(1))
	e.sample("tapdb_y", 0.25, "a", "1", "b", "line\nbreak")
	h := newHistogram([]float64{1, 0.1})
	for _, v := range []float64{0.05, 0.5, 0.5, 7} {
		h.observe(v)
	}
	h.write(e, "tapdb_h_seconds", "latency")
	want := `# HELP tapdb_x_total an example
# TYPE tapdb_x_total counter
tapdb_x_total{interface="eth\"0\\"} 3
# HELP tapdb_y values
# TYPE tapdb_y gauge
tapdb_y +Inf
tapdb_y{a="1",b="line\nbreak"} 0.25
# HELP tapdb_h_seconds latency
# TYPE tapdb_h_seconds histogram
tapdb_h_seconds_bucket{le="0.1"} 1
tapdb_h_seconds_bucket{le="1"} 3
tapdb_h_seconds_bucket{le="+Inf"} 4
tapdb_h_seconds_sum 8.05
tapdb_h_seconds_count 4
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}
