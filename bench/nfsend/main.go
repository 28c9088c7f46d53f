// Command nfsend sends synthetic NetFlow v5 datagrams (30 records each) to
// a collector on this host as fast as the collector's socket drains them
// (it watches the socket's receive queue in /proc/net/udp, so nothing is
// lost to a full buffer), then waits until the collector says it has
// everything, and prints the records per second. bench/netflow.sh uses it
// for tapdb and for nfcapd.
//
//	nfsend -addr 127.0.0.1:2055 -n 100000 [-metrics http://127.0.0.1:9108/metrics]
//
// With -metrics it waits until tapdb_flows_written_total reaches 30·n (the
// records are decoded and committed to the store); without it, until the
// socket's queue is empty (the collector has read every datagram).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"tapdb/ingest/netflow/netflowtest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:2055", "collector address")
	n := flag.Int("n", 100000, "datagrams to send (30 records each)")
	metrics := flag.String("metrics", "", "tapdb metrics URL to wait on")
	queue := flag.Int64("queue", 192<<10, "most bytes allowed in the collector's receive queue (keep it under the socket buffer, net.core.rmem_max)")
	flag.Parse()
	if err := run(*addr, *n, *metrics, *queue); err != nil {
		fmt.Fprintln(os.Stderr, "nfsend:", err)
		os.Exit(1)
	}
}

func run(addr string, n int, metrics string, limit int64) error {
	const distinct = 4096 // datagrams made once and sent round-robin
	dgs := netflowtest.V5Datagrams(min(n, distinct), time.Now(), 7)
	c, err := net.Dial("udp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	port := c.RemoteAddr().(*net.UDPAddr).Port
	var base float64
	if metrics != "" {
		if base, err = written(metrics); err != nil {
			return err
		}
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		p := dgs[i%len(dgs)].Payload
		if _, err := c.Write(p); err != nil {
			return fmt.Errorf("send: %w", err)
		}
		if i%32 == 31 {
			for queued(port) > limit {
				time.Sleep(50 * time.Microsecond)
			}
		}
	}
	sent := time.Since(start)
	want := float64(n) * 30
	if metrics != "" {
		for {
			w, err := written(metrics)
			if err != nil {
				return err
			}
			if w-base >= want {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	} else {
		for queued(port) > 0 {
			time.Sleep(time.Millisecond)
		}
	}
	el := time.Since(start)
	fmt.Printf("records=%d sent_in=%.3fs done_in=%.3fs records_per_s=%.0f\n", n*30, sent.Seconds(), el.Seconds(), want/el.Seconds())
	return nil
}

func written(url string) (float64, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "tapdb_flows_written_total "); ok {
			return strconv.ParseFloat(v, 64)
		}
	}
	return 0, fmt.Errorf("no tapdb_flows_written_total at %s", url)
}

// queued is the receive queue of the UDP socket bound to port.
func queued(port int) int64 {
	b, err := os.ReadFile("/proc/net/udp")
	if err != nil {
		return 0
	}
	suffix := fmt.Sprintf(":%04X", port)
	var total int64
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && strings.HasSuffix(f[1], suffix) {
			_, rx, _ := strings.Cut(f[4], ":")
			v, _ := strconv.ParseInt(rx, 16, 64)
			total += v
		}
	}
	return total
}
