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

	"tapdb/schema/rafmt"
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
		t, err := rafmt.ParseUnixTime(s)
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
	sport, sok, err := rafmt.ParsePort(sportText, false)
	if err != nil {
		errs = append(errs, fmt.Errorf("Sport: %w", err))
	}
	dport, dok, err := rafmt.ParsePort(dportText, proto == "icmp")
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
