package duckc

import (
	mapping "github.com/duckdb/duckdb-go-bindings"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Type describes a result column's DuckDB type.
type Type struct {
	ID    duckdb.Type
	Alias string // "JSON" for DuckDB's JSON, else ""
	// Width and Scale of a DECIMAL.
	Width, Scale uint8
	// Elem is the element type of a LIST or ARRAY.
	Elem *Type
	// Size is an ARRAY's length.
	Size int
	// Fields are a STRUCT's fields.
	Fields []Field

	storage   duckdb.Type // a DECIMAL's or ENUM's physical type
	enum      []string    // an ENUM's dictionary
	decodable bool
}

// Decodable reports whether Rows can read values of the type.
func (t Type) Decodable() bool { return t.decodable }

// Field is a STRUCT field.
type Field struct {
	Name string
	Type Type
}

// typeOf describes a logical type; ok is false when Rows cannot decode it
// (MAP, UNION, BIT, TIME WITH TIME ZONE, BIGNUM, …).
func typeOf(lt mapping.LogicalType) (t Type, ok bool) {
	defer func() { t.decodable = ok }()
	t.ID = mapping.GetTypeId(lt)
	t.Alias = mapping.LogicalTypeGetAlias(lt)
	switch t.ID {
	case duckdb.TYPE_BOOLEAN,
		duckdb.TYPE_TINYINT, duckdb.TYPE_SMALLINT, duckdb.TYPE_INTEGER, duckdb.TYPE_BIGINT,
		duckdb.TYPE_UTINYINT, duckdb.TYPE_USMALLINT, duckdb.TYPE_UINTEGER, duckdb.TYPE_UBIGINT,
		duckdb.TYPE_HUGEINT, duckdb.TYPE_UHUGEINT, duckdb.TYPE_FLOAT, duckdb.TYPE_DOUBLE,
		duckdb.TYPE_VARCHAR, duckdb.TYPE_BLOB, duckdb.TYPE_DATE, duckdb.TYPE_TIME,
		duckdb.TYPE_TIMESTAMP, duckdb.TYPE_TIMESTAMP_S, duckdb.TYPE_TIMESTAMP_MS,
		duckdb.TYPE_TIMESTAMP_NS, duckdb.TYPE_TIMESTAMP_TZ, duckdb.TYPE_INTERVAL,
		duckdb.TYPE_UUID, duckdb.TYPE_SQLNULL:
		return t, true
	case duckdb.TYPE_DECIMAL:
		t.Width, t.Scale = mapping.DecimalWidth(lt), mapping.DecimalScale(lt)
		t.storage = mapping.DecimalInternalType(lt)
		switch t.storage {
		case duckdb.TYPE_SMALLINT, duckdb.TYPE_INTEGER, duckdb.TYPE_BIGINT, duckdb.TYPE_HUGEINT:
			return t, true
		}
		return t, false
	case duckdb.TYPE_ENUM:
		t.storage = mapping.EnumInternalType(lt)
		n := mapping.EnumDictionarySize(lt)
		t.enum = make([]string, n)
		for i := range t.enum {
			t.enum[i] = mapping.EnumDictionaryValue(lt, mapping.IdxT(i))
		}
		switch t.storage {
		case duckdb.TYPE_UTINYINT, duckdb.TYPE_USMALLINT, duckdb.TYPE_UINTEGER:
			return t, true
		}
		return t, false
	case duckdb.TYPE_LIST, duckdb.TYPE_ARRAY:
		var child mapping.LogicalType
		if t.ID == duckdb.TYPE_LIST {
			child = mapping.ListTypeChildType(lt)
		} else {
			child = mapping.ArrayTypeChildType(lt)
			t.Size = int(mapping.ArrayTypeArraySize(lt))
		}
		defer mapping.DestroyLogicalType(&child)
		elem, ok := typeOf(child)
		t.Elem = &elem
		return t, ok
	case duckdb.TYPE_STRUCT:
		n := mapping.StructTypeChildCount(lt)
		t.Fields = make([]Field, n)
		ok = true
		for i := range t.Fields {
			child := mapping.StructTypeChildType(lt, mapping.IdxT(i))
			ft, fok := typeOf(child)
			mapping.DestroyLogicalType(&child)
			t.Fields[i] = Field{Name: mapping.StructTypeChildName(lt, mapping.IdxT(i)), Type: ft}
			ok = ok && fok
		}
		return t, ok
	}
	return t, false
}
