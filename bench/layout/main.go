// Command layout measures candidate column layouts for the flow store on
// the same records: the time DuckDB takes to store them (INSERT … SELECT
// into a file table and CHECKPOINT, no Go in the path), the file size, and
// the time of the queries people run. It is the measurement behind the
// store's second design (store/FORMAT.md); run it with
//
//	go run ./bench/layout -base flows.duckdb -rows 5000000
//
// where flows.duckdb is a store made by `tapdb sensor` from real captures.
// The base records are repeated, each copy shifted in time and with its IPv4
// addresses moved, until there are -rows of them.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

// firstLayout are the 46 stored columns of the layout the candidates are
// measured against (addresses as text and as one 128-bit number each); a
// store of any layout has them, stored or generated.
const firstLayout = "stime, ltime, flgs, proto, pnum, etype, saddr, sport, dir, daddr, dport, spkts, dpkts, sbytes, dbytes, " +
	"sappbytes, dappbytes, state, cause, smac, dmac, sttl, dttl, stos, dtos, svlan, dvlan, smpls, dmpls, stcpflags, dtcpflags, " +
	"sretrans, dretrans, swin, dwin, stcpb, dtcpb, synack, ackdat, encaps, inode, srcid, seq, trans, saddr_num, daddr_num"

const v4text = `CASE WHEN %[1]s_num >> 32 = 281470681743360::UHUGEINT >> 32 THEN ` +
	`((%[1]s_num >> 24) & 255)::VARCHAR || '.' || ((%[1]s_num >> 16) & 255)::VARCHAR || '.' || ((%[1]s_num >> 8) & 255)::VARCHAR || '.' || (%[1]s_num & 255)::VARCHAR ` +
	`ELSE %[1]s_txt END`

func main() {
	base := flag.String("base", "", "store made by tapdb sensor (the base records)")
	rows := flag.Int("rows", 5_000_000, "records per layout")
	dir := flag.String("dir", os.TempDir(), "directory for the layout files")
	threads := flag.Int("threads", 2, "DuckDB threads")
	only := flag.Int("only", -1, "measure only this layout (0, 1, 2)")
	var sets multiFlag
	flag.Var(&sets, "set", "a DuckDB setting (name=value) before the runs; repeatable")
	flag.Parse()
	if *base == "" {
		log.Fatal("-base is required")
	}
	ctx := context.Background()
	db, err := sql.Open("duckdb", "?autoinstall_known_extensions=false&autoload_known_extensions=false")
	if err != nil {
		log.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	must := func(q string, args ...any) {
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			log.Fatalf("%s: %v", firstLine(q), err)
		}
	}
	must(fmt.Sprintf("SET threads = %d", *threads))
	for _, kv := range sets {
		must("SET " + kv)
	}
	must("ATTACH '" + *base + "' AS base (READ_ONLY)")
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM base.flows").Scan(&n); err != nil {
		log.Fatal(err)
	}
	copies := (*rows + n - 1) / n
	// src: the base repeated, copy c shifted by c*601 s and its IPv4
	// addresses moved by c*256 (text and number alike).
	must(fmt.Sprintf(`CREATE TABLE src AS
		WITH b AS (SELECT `+firstLayout+` FROM base.flows),
		c AS (SELECT range AS c FROM range(%d))
		SELECT * EXCLUDE (c, s4, d4) REPLACE (
			stime + to_seconds(c * 601) AS stime, ltime + to_seconds(c * 601) AS ltime,
			CASE WHEN s4 IS NULL THEN saddr ELSE ((s4 >> 24) & 255)::VARCHAR || '.' || ((s4 >> 16) & 255)::VARCHAR || '.' || ((s4 >> 8) & 255)::VARCHAR || '.' || (s4 & 255)::VARCHAR END AS saddr,
			CASE WHEN d4 IS NULL THEN daddr ELSE ((d4 >> 24) & 255)::VARCHAR || '.' || ((d4 >> 16) & 255)::VARCHAR || '.' || ((d4 >> 8) & 255)::VARCHAR || '.' || (d4 & 255)::VARCHAR END AS daddr,
			CASE WHEN s4 IS NULL THEN saddr_num ELSE 281470681743360::UHUGEINT + s4 END AS saddr_num,
			CASE WHEN d4 IS NULL THEN daddr_num ELSE 281470681743360::UHUGEINT + d4 END AS daddr_num)
		FROM (SELECT *, CASE WHEN saddr_num >> 32 = 65535 THEN (((saddr_num & 4294967295)::UBIGINT + c::UBIGINT * 256) %% 4294967296)::UBIGINT END AS s4,
			CASE WHEN daddr_num >> 32 = 65535 THEN (((daddr_num & 4294967295)::UBIGINT + c::UBIGINT * 256) %% 4294967296)::UBIGINT END AS d4
			FROM b, c) ORDER BY stime LIMIT %d`, copies, *rows))
	var distinct int
	db.QueryRowContext(ctx, "SELECT count(DISTINCT saddr) FROM src").Scan(&distinct)
	fmt.Printf("records: %d (%d base records x %d copies), distinct saddr %d, threads %d\n\n", *rows, n, copies, distinct, *threads)

	var srcCols []string
	r, err := db.QueryContext(ctx, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'src' ORDER BY ordinal_position")
	if err != nil {
		log.Fatal(err)
	}
	for r.Next() {
		var c, t string
		r.Scan(&c, &t)
		srcCols = append(srcCols, c+" "+t)
	}
	r.Close()

	// Precompute every candidate's encodings in src, so that the timed
	// INSERT … SELECT reads plain columns and measures storing only.
	enumOf := func(col string) string {
		var vals []string
		r, err := db.QueryContext(ctx, "SELECT DISTINCT "+col+" FROM src WHERE "+col+" IS NOT NULL ORDER BY 1")
		if err != nil {
			log.Fatal(err)
		}
		for r.Next() {
			var v string
			r.Scan(&v)
			vals = append(vals, "'"+strings.ReplaceAll(v, "'", "''")+"'")
		}
		r.Close()
		return "ENUM(" + strings.Join(vals, ", ") + ")"
	}
	enums := map[string]string{}
	for _, c := range []string{"dir", "state", "cause", "proto", "flgs", "encaps"} {
		enums[c] = enumOf(c)
	}
	mac := func(col string) string { return fmt.Sprintf("('0x' || replace(%s, ':', ''))::UBIGINT", col) }
	must(`CREATE TABLE src2 AS SELECT *,
		dir::` + enums["dir"] + ` AS dir_e, state::` + enums["state"] + ` AS state_e, cause::` + enums["cause"] + ` AS cause_e,
		proto::` + enums["proto"] + ` AS proto_e, flgs::` + enums["flgs"] + ` AS flgs_e, encaps::` + enums["encaps"] + ` AS encaps_e,
		` + mac("smac") + ` AS smac_n, ` + mac("dmac") + ` AS dmac_n,
		CASE WHEN saddr_num >> 32 = 65535 THEN NULL ELSE saddr END AS saddr_t, CASE WHEN daddr_num >> 32 = 65535 THEN NULL ELSE daddr END AS daddr_t
		FROM src`)
	must("DROP TABLE src")
	must("ALTER TABLE src2 RENAME TO src")

	// A layout is a list of "name TYPE" columns and what fills each from src.
	type col struct{ def, fill string }
	today := []col{}
	for _, c := range srcCols {
		name := strings.Fields(c)[0]
		if strings.HasSuffix(name, "_e") || strings.HasSuffix(name, "_n") || strings.HasSuffix(name, "_t") {
			continue
		}
		today = append(today, col{c, name})
	}
	replace := func(cols []col, with map[string]col, drop ...string) []col {
		var out []col
		for _, c := range cols {
			name := strings.Fields(c.def)[0]
			if slices.Contains(drop, name) {
				continue
			}
			if w, ok := with[name]; ok {
				out = append(out, w)
				continue
			}
			out = append(out, c)
		}
		return out
	}
	codes := replace(today, map[string]col{
		"dir":   {"dir " + enums["dir"], "dir_e"},
		"state": {"state " + enums["state"], "state_e"},
		"cause": {"cause " + enums["cause"], "cause_e"},
		"smac":  {"smac UBIGINT", "smac_n"},
		"dmac":  {"dmac UBIGINT", "dmac_n"},
	})
	allEnum := replace(codes, map[string]col{
		"proto":  {"proto " + enums["proto"], "proto_e"},
		"flgs":   {"flgs " + enums["flgs"], "flgs_e"},
		"encaps": {"encaps " + enums["encaps"], "encaps_e"},
	})
	derivedV4 := append(replace(allEnum, nil, "saddr", "daddr"), col{"saddr_txt VARCHAR", "saddr_t"}, col{"daddr_txt VARCHAR", "daddr_t"})
	numeric := replace(today, nil, "flgs", "proto", "saddr", "dir", "daddr", "state", "cause", "smac", "dmac", "encaps", "inode", "srcid")
	layouts := []struct {
		name   string
		cols   []col
		view   string
		rewrit bool
	}{
		{"today: 46 columns, 12 VARCHAR", today, "*", false},
		{"dir, state, cause ENUM; MACs UBIGINT (7 VARCHAR)", codes, "*", false},
		{"also proto, flgs, encaps ENUM (4 VARCHAR: addresses, inode, srcid)", allEnum, "*", false},
		{"also IPv4 address text derived from the numbers (2 VARCHAR, mostly NULL)", derivedV4,
			"*, " + fmt.Sprintf(v4text, "saddr") + " AS saddr, " + fmt.Sprintf(v4text, "daddr") + " AS daddr", true},
		{"numbers only: the 34 numeric columns (a floor, not a candidate)", numeric, "*", false},
	}
	queries := []struct{ name, text, rewritten string }{
		{"one hour count(*)", "SELECT count(*) FROM v WHERE stime >= (SELECT min(stime) FROM src) + INTERVAL 100 HOUR AND stime < (SELECT min(stime) FROM src) + INTERVAL 101 HOUR", ""},
		{"saddr = text", "SELECT count(*) FROM v WHERE saddr = '192.168.1.34'", "SELECT count(*) FROM v WHERE saddr_num = 281470681743360::UHUGEINT + 3232235810"},
		{"net 10.0.0.0/8 (numbers)", "SELECT count(*) FROM v WHERE saddr_num BETWEEN 281470849515520::UHUGEINT AND 281470866292735::UHUGEINT", ""},
		{"group by saddr top 10", "SELECT saddr, sum(sbytes) FROM v GROUP BY 1 ORDER BY 2 DESC LIMIT 10", ""},
		{"udp and port domain", "SELECT count(*) FROM v WHERE pnum = 17 AND (sport = 53 OR dport = 53)", ""},
		{"print tcp as ra's fields", "SELECT sum(length(concat_ws(',', stime, flgs, proto, saddr, sport, dir, daddr, dport, spkts + dpkts, sbytes + dbytes, state))) FROM v WHERE pnum = 6", ""},
	}
	for i, l := range layouts {
		if *only >= 0 && i != *only {
			continue
		}
		path := filepath.Join(*dir, fmt.Sprintf("layout%d.duckdb", i))
		os.Remove(path)
		os.Remove(path + ".wal")
		var defs, fills []string
		for _, c := range l.cols {
			defs = append(defs, c.def)
			fills = append(fills, c.fill)
		}
		must("ATTACH '" + path + "' AS l")
		must("CREATE TABLE l.t (" + strings.Join(defs, ", ") + ")")
		start := time.Now()
		must("INSERT INTO l.t SELECT " + strings.Join(fills, ", ") + " FROM src")
		must("CHECKPOINT l")
		el := time.Since(start)
		fi, _ := os.Stat(path)
		must("CREATE VIEW l.v AS SELECT " + l.view + " FROM l.t")
		must("USE l")
		fmt.Printf("%s\n  store: %.2f s, %.2f M records/s, %.2f µs/record, file %.1f MiB (%.1f B/record)\n",
			l.name, el.Seconds(), float64(*rows)/el.Seconds()/1e6, el.Seconds()*1e6/float64(*rows), float64(fi.Size())/(1<<20), float64(fi.Size())/float64(*rows))
		for _, q := range queries {
			text := q.text
			if l.rewrit && q.rewritten != "" {
				text = q.rewritten
			}
			best := time.Hour
			for range 3 {
				t0 := time.Now()
				rows, err := db.QueryContext(ctx, strings.ReplaceAll(text, "FROM src", "FROM memory.src"))
				if err != nil {
					best = -1
					break
				}
				for rows.Next() {
				}
				rows.Close()
				best = min(best, time.Since(t0))
			}
			note := ""
			if l.rewrit && q.rewritten != "" {
				note = " (rewritten to numbers)"
			}
			if best < 0 {
				fmt.Printf("  %-26s        - (the layout lacks a column)\n", q.name)
				continue
			}
			fmt.Printf("  %-26s %8.2f ms%s\n", q.name, float64(best.Microseconds())/1000, note)
			if l.rewrit && q.rewritten != "" {
				t0 := time.Now()
				rows, err := db.QueryContext(ctx, q.text)
				if err == nil {
					for rows.Next() {
					}
					rows.Close()
				}
				fmt.Printf("  %-26s %8.2f ms (text form, not rewritten)\n", q.name, float64(time.Since(t0).Microseconds())/1000)
			}
		}
		must("USE memory")
		must("DETACH l")
	}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
