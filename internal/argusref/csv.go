package argusref

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Column labels ra prints in its header line for the fields this package
// interprets.
const (
	colStime     = "StartTime"
	colLtime     = "LastTime"
	colProto     = "Proto"
	colSaddr     = "SrcAddr"
	colSport     = "Sport"
	colDir       = "Dir"
	colDaddr     = "DstAddr"
	colDport     = "Dport"
	colSpkts     = "SrcPkts"
	colDpkts     = "DstPkts"
	colSbytes    = "SrcBytes"
	colDbytes    = "DstBytes"
	colSappbytes = "SAppBytes"
	colDappbytes = "DAppBytes"
	colState     = "State"
	colFlgs      = "Flgs"
	colCause     = "Cause"
	colTrans     = "Trans"
)

// ReadFile parses a golden CSV file; see ParseCSV.
func ReadFile(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read argus golden: %w", err)
	}
	defer f.Close()
	recs, err := ParseCSV(f)
	if err != nil {
		return nil, fmt.Errorf("read argus golden %s: %w", path, err)
	}
	return recs, nil
}

// ParseCSV parses the output of `ra -n -u -c , -L 0 -s …` (or racluster's):
// one header line of column labels, then one record per line. Columns may
// come in any order; Proto, SrcAddr, Sport, DstAddr, Dport, SrcPkts, DstPkts,
// SrcBytes, DstBytes and State are required, unknown ones go to
// Record.Extra. Empty input (ra prints nothing, not even the header, when
// there is no record) gives no records and no error.
func ParseCSV(r io.Reader) ([]Record, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	idx := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		if _, dup := idx[h]; dup {
			return nil, fmt.Errorf("header: column %q appears twice", h)
		}
		idx[h] = i
	}
	// Without these a line cannot be compared.
	required := [...]string{colProto, colSaddr, colSport, colDaddr, colDport, colSpkts, colDpkts, colSbytes, colDbytes, colState}
	for _, c := range required {
		if _, ok := idx[c]; !ok {
			return nil, fmt.Errorf("header: no %s column", c)
		}
	}
	var out []Record
	for {
		fields, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err // csv errors carry the line number
		}
		line, _ := cr.FieldPos(0)
		rec, err := parseLine(header, idx, fields)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, rec)
	}
}

// parseLine turns one CSV line into a Record.
func parseLine(header []string, idx map[string]int, fields []string) (Record, error) {
	get := func(col string) (string, bool) {
		i, ok := idx[col]
		if !ok {
			return "", false
		}
		return strings.TrimSpace(fields[i]), true
	}
	var (
		rec  Record
		errs []error
	)
	num := func(col string, dst *int64) {
		s, ok := get(col)
		if !ok {
			return
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 0 {
			errs = append(errs, fmt.Errorf("%s %q is not a count", col, s))
			return
		}
		*dst = v
	}
	tm := func(col string, dst *time.Time) {
		s, ok := get(col)
		if !ok {
			return
		}
		t, err := parseUnixTime(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", col, err))
			return
		}
		*dst = t
	}

	proto, _ := get(colProto)
	if proto == "" {
		errs = append(errs, errors.New("empty Proto"))
	}
	saddr, _ := get(colSaddr)
	daddr, _ := get(colDaddr)
	sportText, _ := get(colSport)
	dportText, _ := get(colDport)
	sport, sok, err := parsePort(sportText, false)
	if err != nil {
		errs = append(errs, fmt.Errorf("Sport: %w", err))
	}
	dport, dok, err := parsePort(dportText, proto == "icmp")
	if err != nil {
		errs = append(errs, fmt.Errorf("Dport: %w", err))
	}
	rec.Key = NewKey(proto, saddr, sport, daddr, dport)
	rec.HasPorts = sok || dok

	tm(colStime, &rec.Stime)
	tm(colLtime, &rec.Ltime)
	num(colSpkts, &rec.Spkts)
	num(colDpkts, &rec.Dpkts)
	num(colSbytes, &rec.Sbytes)
	num(colDbytes, &rec.Dbytes)
	num(colSappbytes, &rec.Sappbytes)
	num(colDappbytes, &rec.Dappbytes)
	var trans int64
	num(colTrans, &trans)
	if trans > 1<<31-1 {
		errs = append(errs, fmt.Errorf("Trans %d out of range", trans))
	}
	rec.Trans = int32(trans)
	rec.Dir, _ = get(colDir)
	rec.State, _ = get(colState)
	rec.Flgs, _ = get(colFlgs)
	rec.Cause, _ = get(colCause)

	for i, h := range header {
		switch strings.TrimSpace(h) {
		case colStime, colLtime, colProto, colSaddr, colSport, colDir, colDaddr, colDport,
			colSpkts, colDpkts, colSbytes, colDbytes, colSappbytes, colDappbytes,
			colState, colFlgs, colCause, colTrans:
			continue
		}
		if rec.Extra == nil {
			rec.Extra = make(map[string]string)
		}
		rec.Extra[strings.TrimSpace(h)] = strings.TrimSpace(fields[i])
	}
	return rec, errors.Join(errs...)
}

// parsePort reads a port column: blank (no port), decimal, or Argus's
// hexadecimal ICMP form "0x0303". swap undoes the byte swap ra applies when
// it prints an ICMP destination port (echo id 7 is printed 0x0700).
func parsePort(s string, swap bool) (int32, bool, error) {
	if s == "" {
		return 0, false, nil
	}
	var (
		v   uint64
		err error
	)
	if h, ok := strings.CutPrefix(s, "0x"); ok {
		v, err = strconv.ParseUint(h, 16, 16)
	} else {
		v, err = strconv.ParseUint(s, 10, 16)
	}
	if err != nil {
		return 0, false, fmt.Errorf("%q is not a port", s)
	}
	if swap {
		v = (v&0xff)<<8 | v>>8
	}
	return int32(v), true, nil
}

// parseUnixTime reads ra -u's "seconds.micros" (any number of fraction
// digits up to nanoseconds) as a UTC time.
func parseUnixTime(s string) (time.Time, error) {
	secText, fracText, _ := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(secText, 10, 64)
	if err != nil || sec < 0 {
		return time.Time{}, fmt.Errorf("%q is not a Unix time", s)
	}
	var nsec int64
	if fracText != "" {
		if len(fracText) > 9 {
			return time.Time{}, fmt.Errorf("%q has more than 9 fraction digits", s)
		}
		f, err := strconv.ParseUint(fracText, 10, 32)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is not a Unix time", s)
		}
		nsec = int64(f)
		for i := len(fracText); i < 9; i++ {
			nsec *= 10
		}
	}
	return time.Unix(sec, nsec).UTC(), nil
}

// ParsePort reads a port column as ra prints it with -c: blank (no port,
// ok false), decimal, or hexadecimal "0x0303" (ICMP, and ICMPv6 without
// -n). swap undoes the byte swap ra applies to an ICMP destination port
// (0x0800 is id 8). Service names are the caller's business.
func ParsePort(s string, swap bool) (port int32, ok bool, err error) {
	return parsePort(strings.TrimSpace(s), swap)
}

// ParseUnixTime reads ra -u's "seconds.fraction" as a UTC time.
func ParseUnixTime(s string) (time.Time, error) { return parseUnixTime(strings.TrimSpace(s)) }
