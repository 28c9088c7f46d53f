// Command fixedcost measures the fixed cost of a statement on stores of
// growing retention: a one-hour count(*) over the flows view, written with
// literals and with parameters, each prepared and executed through
// database/sql as a client would, on stores of 1, 30 and 365 days of
// records. The store's second design (one time-ordered table) is meant to
// keep that cost flat in retention; the first design's figures (a table per
// day under a UNION ALL view) are in the README for comparison.
//
//	go run ./bench/fixedcost                   # -days 1,30,365 -per-day 100000
//
// Stores are built once into bench/out/fixedcost and reused.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"tapdb/schema"
	"tapdb/store"
)

func main() {
	daysFlag := flag.String("days", "1,30,365", "store sizes in days, comma-separated")
	perDay := flag.Int("per-day", 100_000, "records per day")
	dir := flag.String("dir", "bench/out/fixedcost", "where the stores are kept")
	buildOnly := flag.Bool("build-only", false, "build the stores, measure nothing (bench/scan.sh's 100 M-record store)")
	runs := flag.Int("runs", 300, "executions of each statement")
	flag.Parse()
	ctx := context.Background()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	fmt.Printf("one-hour count(*) over the flows view, prepare + execute through database/sql, %d runs each (median, p90)\n\n", *runs)
	fmt.Printf("| days | records | literals median | literals p90 | parameters median | parameters p90 |\n|---|---|---|---|---|---|\n")
	var first [2]time.Duration
	for i, d := range strings.Split(*daysFlag, ",") {
		days, err := strconv.Atoi(strings.TrimSpace(d))
		if err != nil || days <= 0 {
			log.Fatalf("-days: %q", d)
		}
		path := filepath.Join(*dir, fmt.Sprintf("days-%d-%d.duckdb", days, *perDay))
		if _, err := os.Stat(path); err != nil {
			if err := build(ctx, path, start, days, *perDay); err != nil {
				log.Fatal(err)
			}
		}
		if *buildOnly {
			fmt.Println(path)
			continue
		}
		st, err := store.Open(ctx, path, store.Options{ReadOnly: true})
		if err != nil {
			log.Fatal(err)
		}
		db := st.DB()
		db.SetMaxOpenConns(1)
		hours := days * 24
		rng := rand.New(rand.NewPCG(1, 2))
		var lit, par []time.Duration
		var n int64
		for r := 0; r < *runs; r++ {
			lo := start.Add(time.Duration(rng.IntN(hours)) * time.Hour)
			hi := lo.Add(time.Hour)
			q := fmt.Sprintf("SELECT count(*) FROM flows WHERE stime >= TIMESTAMPTZ '%s' AND stime < TIMESTAMPTZ '%s'", lo.Format("2006-01-02 15:04:05+00"), hi.Format("2006-01-02 15:04:05+00"))
			t0 := time.Now()
			if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
				log.Fatal(err)
			}
			lit = append(lit, time.Since(t0))
			t0 = time.Now()
			if err := db.QueryRowContext(ctx, "SELECT count(*) FROM flows WHERE stime >= ? AND stime < ?", lo, hi).Scan(&n); err != nil {
				log.Fatal(err)
			}
			par = append(par, time.Since(t0))
			if n < int64(*perDay/24/2) {
				log.Fatalf("hour %v holds %d records", lo, n)
			}
		}
		st.Close()
		ml, pl := pct(lit, 50), pct(lit, 90)
		mp, pp := pct(par, 50), pct(par, 90)
		fmt.Printf("| %d | %d | %s | %s | %s | %s |\n", days, days**perDay, ms(ml), ms(pl), ms(mp), ms(pp))
		if i == 0 {
			first = [2]time.Duration{ml, mp}
		} else {
			defer fmt.Printf("%d days / %d days: literals %.2fx, parameters %.2fx\n", days, mustAtoi(strings.Split(*daysFlag, ",")[0]), float64(ml)/float64(first[0]), float64(mp)/float64(first[1]))
		}
	}
	fmt.Println()
}

func mustAtoi(s string) int { n, _ := strconv.Atoi(strings.TrimSpace(s)); return n }

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// build writes days×perDay synthetic records, evenly spread in time, in
// time order, through the store's writer.
func build(ctx context.Context, path string, start time.Time, days, perDay int) error {
	log.Printf("building %s (%d records, once) ...", path, days*perDay)
	tmp := path + ".tmp"
	os.Remove(tmp)
	os.Remove(tmp + ".wal")
	st, err := store.Open(ctx, tmp, store.Options{})
	if err != nil {
		return err
	}
	w, err := st.NewWriter(ctx, store.WriterOptions{})
	if err != nil {
		st.Close()
		return err
	}
	step := 24 * time.Hour / time.Duration(perDay)
	rng := rand.New(rand.NewPCG(3, 4))
	r := schema.Record{EType: 0x0800, HasPorts: true, Dir: "->", Cause: "Start",
		Flgs: " e", Encaps: "eth", Srcid: "bench", Trans: 1, HasAddrNum: true, HasSttl: true, HasDttl: true, Sttl: 64, Dttl: 57,
		Smac: "00:11:22:33:44:55", Dmac: "66:77:88:99:aa:bb"}
	for i := range days * perDay {
		r.Stime = start.Add(time.Duration(i) * step)
		r.Ltime = r.Stime.Add(time.Duration(rng.IntN(5000)) * time.Millisecond)
		s, d := rng.Uint32N(1<<16), rng.Uint32N(1<<12)
		r.Saddr = fmt.Sprintf("10.%d.%d.%d", 1+s>>8&0x7f, s&0xff, 1+i%200)
		r.Daddr = fmt.Sprintf("192.168.%d.%d", d>>8, d&0xff)
		r.SaddrHi, r.SaddrLo = 0, 0xffff00000000|uint64(10)<<24|uint64(1+s>>8&0x7f)<<16|uint64(s&0xff)<<8|uint64(1+i%200)
		r.DaddrHi, r.DaddrLo = 0, 0xffff00000000|uint64(192)<<24|uint64(168)<<16|uint64(d>>8)<<8|uint64(d&0xff)
		// A protocol mix: TCP to common services, UDP (DNS mostly), ICMP.
		switch x := rng.IntN(100); {
		case x < 78:
			r.Proto, r.PNum, r.State = "tcp", 6, "FIN"
			r.Sport, r.Dport = int32(1024+rng.IntN(60000)), []int32{80, 443, 22, 25, 8080}[rng.IntN(5)]
		case x < 98:
			r.Proto, r.PNum, r.State = "udp", 17, "CON"
			r.Sport, r.Dport = int32(1024+rng.IntN(60000)), []int32{53, 53, 53, 123, 443}[rng.IntN(5)]
		default:
			r.Proto, r.PNum, r.State = "icmp", 1, "ECO"
			r.Sport, r.Dport = 8, int32(rng.IntN(65536))
		}
		r.Spkts, r.Dpkts = int64(1+rng.IntN(40)), int64(rng.IntN(40))
		r.Sbytes, r.Dbytes = r.Spkts*int64(60+rng.IntN(1400)), r.Dpkts*int64(60+rng.IntN(1400))
		r.Seq = int64(i)
		if err := w.Write(&r); err != nil {
			w.Close()
			st.Close()
			return err
		}
	}
	if err := w.Close(); err != nil {
		st.Close()
		return err
	}
	if err := st.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
