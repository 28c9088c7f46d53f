package csvimport

import (
	"fmt"
	"strconv"
	"strings"

	"tapdb/schema"
)

// setter stores one field's text (trimmed, not empty) in a record.
type setter func(r *schema.Record, s string) error

// parseUint reads a decimal or 0x-hexadecimal unsigned number of bits
// bits.
func parseUint(s string, bits int) (uint64, error) {
	var (
		v   uint64
		err error
	)
	if h, ok := strings.CutPrefix(s, "0x"); ok {
		v, err = strconv.ParseUint(h, 16, bits)
	} else {
		v, err = strconv.ParseUint(s, 10, bits)
	}
	if err != nil {
		return 0, fmt.Errorf("%q is not a number from 0 to %d", s, uint64(1)<<bits-1)
	}
	return v, nil
}

// setterFor returns the setter of a plain stored column, nil if the
// column is not one.
func setterFor(name string) setter {
	switch name {
	case "flgs":
		return func(r *schema.Record, s string) error { r.Flgs = s; return nil }
	case "dir":
		return func(r *schema.Record, s string) error { r.Dir = s; return nil }
	case "state":
		return func(r *schema.Record, s string) error { r.State = s; return nil }
	case "cause":
		return func(r *schema.Record, s string) error { r.Cause = s; return nil }
	case "encaps":
		return func(r *schema.Record, s string) error { r.Encaps = s; return nil }
	case "inode":
		return func(r *schema.Record, s string) error { r.Inode = s; return nil }
	case "srcid":
		return func(r *schema.Record, s string) error { r.Srcid = s; return nil }
	case "smac":
		return func(r *schema.Record, s string) error { r.Smac = strings.ToLower(s); return nil }
	case "dmac":
		return func(r *schema.Record, s string) error { r.Dmac = strings.ToLower(s); return nil }
	case "sttl":
		return uintSetter(8, func(r *schema.Record, v uint64) { r.Sttl, r.HasSttl = uint8(v), true })
	case "dttl":
		return uintSetter(8, func(r *schema.Record, v uint64) { r.Dttl, r.HasDttl = uint8(v), true })
	case "stos":
		return uintSetter(8, func(r *schema.Record, v uint64) { r.Stos, r.HasSttl = uint8(v), true })
	case "dtos":
		return uintSetter(8, func(r *schema.Record, v uint64) { r.Dtos, r.HasDttl = uint8(v), true })
	case "svlan":
		return uintSetter(16, func(r *schema.Record, v uint64) { r.Svlan, r.HasSvlan = uint16(v), true })
	case "dvlan":
		return uintSetter(16, func(r *schema.Record, v uint64) { r.Dvlan, r.HasDvlan = uint16(v), true })
	case "smpls":
		return uintSetter(32, func(r *schema.Record, v uint64) { r.Smpls, r.HasSmpls = uint32(v), true })
	case "dmpls":
		return uintSetter(32, func(r *schema.Record, v uint64) { r.Dmpls, r.HasDmpls = uint32(v), true })
	case "stcpflags":
		return uintSetter(8, func(r *schema.Record, v uint64) { r.STCPFlags = uint8(v) })
	case "dtcpflags":
		return uintSetter(8, func(r *schema.Record, v uint64) { r.DTCPFlags = uint8(v) })
	case "sretrans":
		return uintSetter(63, func(r *schema.Record, v uint64) { r.Sretrans = int64(v) })
	case "dretrans":
		return uintSetter(63, func(r *schema.Record, v uint64) { r.Dretrans = int64(v) })
	case "swin":
		return windowSetter("SrcWin", func(r *schema.Record, v uint16) { r.Swin = v })
	case "dwin":
		return windowSetter("DstWin", func(r *schema.Record, v uint16) { r.Dwin = v })
	case "stcpb":
		return uintSetter(32, func(r *schema.Record, v uint64) { r.Stcpb = uint32(v) })
	case "dtcpb":
		return uintSetter(32, func(r *schema.Record, v uint64) { r.Dtcpb = uint32(v) })
	case "synack":
		return floatSetter(func(r *schema.Record, v float64) { r.Synack = v })
	case "ackdat":
		return floatSetter(func(r *schema.Record, v float64) { r.Ackdat = v })
	case "seq":
		return uintSetter(63, func(r *schema.Record, v uint64) { r.Seq = int64(v) })
	case "trans":
		return uintSetter(31, func(r *schema.Record, v uint64) { r.Trans = int32(v) })
	}
	return nil
}

func uintSetter(bits int, set func(*schema.Record, uint64)) setter {
	return func(r *schema.Record, s string) error {
		v, err := parseUint(s, bits)
		if err != nil {
			return err
		}
		set(r, v)
		return nil
	}
}

func floatSetter(set func(*schema.Record, float64)) setter {
	return func(r *schema.Record, s string) error {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v != v || v < 0 || v > 1e9 {
			return fmt.Errorf("%q is not a number of seconds", s)
		}
		set(r, v)
		return nil
	}
}

// tooBig is a value the store cannot hold, clamped to the column's
// maximum; Reader counts it as a note rather than failing the row.
type tooBig struct{ label string }

func (e *tooBig) Error() string {
	return e.label + " above 65535 (ra prints the scaled TCP window): stored as 65535"
}

// windowSetter reads a TCP window. ra prints the window scaled by the
// window-scale option; the store keeps 16 bits, so larger values are
// clamped, set and then reported with a *tooBig.
func windowSetter(label string, set func(*schema.Record, uint16)) setter {
	return func(r *schema.Record, s string) error {
		v, err := parseUint(s, 32)
		if err != nil {
			return err
		}
		if v > 0xffff {
			set(r, 0xffff)
			return &tooBig{label: label}
		}
		set(r, uint16(v))
		return nil
	}
}
