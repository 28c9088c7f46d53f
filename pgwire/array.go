package pgwire

import (
	"encoding/binary"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"
)

// Arrays.
//
// A DuckDB LIST (or fixed-size ARRAY) of a type with a PostgreSQL
// counterpart goes out as that type's PostgreSQL array: OID _int4, _text,
// …, text form {1,2,NULL} as array_out writes it, binary form as
// array_send. Lists of lists or of structs stay text in DuckDB's rendering:
// PostgreSQL arrays are rectangular, DuckDB's nested lists need not be.

// arrayOIDs maps an element type's OID to its array type's (pg_type.typarray).
var arrayOIDs = map[uint32]uint32{
	oidBool: 1000, oidBytea: 1001, oidInt2: 1005, oidInt4: 1007, oidText: 1009, oidInt8: 1016,
	oidFloat4: 1021, oidFloat8: 1022, oidDate: 1182, oidTime: 1183, oidTimestamp: 1115,
	oidTimestamptz: 1185, oidInterval: 1187, oidNumeric: 1231, oidUUID: 2951, oidJSON: 199,
}

// arrayOf is the wire type of an array of elem, ok false when PostgreSQL
// has no array of it.
func arrayOf(elem colType) (colType, bool) {
	oid, ok := arrayOIDs[elem.oid]
	if !ok || elem.elem != nil {
		return colType{}, false
	}
	e := elem
	return colType{oid: oid, size: -1, mod: -1, duck: elem.duck, elem: &e}, true
}

// appendArrayText appends a list in array_out's form: {a,b,NULL}, an
// element quoted when it is empty, is NULL in any case, or holds a space,
// a quote, a backslash, a brace or the delimiter.
func appendArrayText(buf []byte, list []any, elem colType) []byte {
	buf = append(buf, '{')
	var scratch []byte
	for i, v := range list {
		if i > 0 {
			buf = append(buf, ',')
		}
		if v == nil {
			buf = append(buf, "NULL"...)
			continue
		}
		scratch = appendText(scratch[:0], v, elem)
		if !needsQuotes(scratch) {
			buf = append(buf, scratch...)
			continue
		}
		buf = append(buf, '"')
		for _, c := range scratch {
			if c == '"' || c == '\\' {
				buf = append(buf, '\\')
			}
			buf = append(buf, c)
		}
		buf = append(buf, '"')
	}
	return append(buf, '}')
}

func needsQuotes(s []byte) bool {
	if len(s) == 0 {
		return true
	}
	if len(s) == 4 && (s[0]|0x20) == 'n' && (s[1]|0x20) == 'u' && (s[2]|0x20) == 'l' && (s[3]|0x20) == 'l' {
		return true
	}
	for _, c := range s {
		switch c {
		case '"', '\\', '{', '}', ',', ' ', '\t', '\n', '\r', '\v', '\f':
			return true
		}
	}
	return false
}

// appendArrayBinary appends a list in array_send's form: dimensions, a
// has-NULLs flag, the element OID, then each element as a length and its
// binary form (-1 for NULL).
func appendArrayBinary(m *pgtype.Map, buf []byte, list []any, elem colType) ([]byte, error) {
	hasNull := int32(0)
	for _, v := range list {
		if v == nil {
			hasNull = 1
			break
		}
	}
	ndim := int32(1)
	if len(list) == 0 {
		ndim = 0
	}
	buf = binary.BigEndian.AppendUint32(buf, uint32(ndim))
	buf = binary.BigEndian.AppendUint32(buf, uint32(hasNull))
	buf = binary.BigEndian.AppendUint32(buf, elem.oid)
	if ndim == 0 {
		return buf, nil
	}
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(list)))
	buf = binary.BigEndian.AppendUint32(buf, 1) // lower bound
	for i, v := range list {
		if v == nil {
			buf = binary.BigEndian.AppendUint32(buf, 0xffffffff)
			continue
		}
		at := len(buf)
		buf = append(buf, 0, 0, 0, 0)
		var err error
		if buf, err = appendBinary(m, buf, v, elem); err != nil {
			return nil, fmt.Errorf("array element %d: %w", i+1, err)
		}
		binary.BigEndian.PutUint32(buf[at:], uint32(len(buf)-at-4))
	}
	return buf, nil
}
