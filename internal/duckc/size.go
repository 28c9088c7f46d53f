package duckc

import (
	"fmt"

	mapping "github.com/duckdb/duckdb-go-bindings"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// BufferLimitError ends a result that Buffer could not hold within its
// limit.
type BufferLimitError struct {
	Limit int64 // bytes
}

func (e *BufferLimitError) Error() string {
	return fmt.Sprintf("the rest of the result needs more than %d bytes of memory to be kept", e.Limit)
}

// chunkBytes estimates the memory a fetched chunk holds: each vector's
// values, the bytes of strings too long to be inline, and nested children.
func chunkBytes(chunk mapping.DataChunk, types []Type) int64 {
	n := uint64(mapping.DataChunkGetSize(chunk))
	var total int64
	for i := range types {
		total += vectorBytes(&types[i], mapping.DataChunkGetVector(chunk, mapping.IdxT(i)), n)
	}
	return total
}

func vectorBytes(t *Type, vec mapping.Vector, n uint64) int64 {
	size := int64(n)/8 + 8 // validity
	switch t.ID {
	case duckdb.TYPE_VARCHAR, duckdb.TYPE_BLOB:
		size += 16 * int64(n)
		data := mapping.VectorGetData(vec)
		for row := range n {
			if l := len(stringAt(data, row)); l > 12 {
				size += int64(l)
			}
		}
	case duckdb.TYPE_LIST:
		size += 16 * int64(n)
		size += vectorBytes(t.Elem, mapping.ListVectorGetChild(vec), uint64(mapping.ListVectorGetSize(vec)))
	case duckdb.TYPE_ARRAY:
		size += vectorBytes(t.Elem, mapping.ArrayVectorGetChild(vec), n*uint64(t.Size))
	case duckdb.TYPE_STRUCT:
		for i := range t.Fields {
			size += vectorBytes(&t.Fields[i].Type, mapping.StructVectorGetChild(vec, mapping.IdxT(i)), n)
		}
	default:
		size += int64(n) * int64(width(t))
	}
	return size
}

// width is the size of a fixed-width value.
func width(t *Type) int {
	id := t.ID
	if id == duckdb.TYPE_DECIMAL || id == duckdb.TYPE_ENUM {
		id = t.storage
	}
	switch id {
	case duckdb.TYPE_BOOLEAN, duckdb.TYPE_TINYINT, duckdb.TYPE_UTINYINT:
		return 1
	case duckdb.TYPE_SMALLINT, duckdb.TYPE_USMALLINT:
		return 2
	case duckdb.TYPE_INTEGER, duckdb.TYPE_UINTEGER, duckdb.TYPE_FLOAT, duckdb.TYPE_DATE:
		return 4
	case duckdb.TYPE_HUGEINT, duckdb.TYPE_UHUGEINT, duckdb.TYPE_UUID, duckdb.TYPE_INTERVAL:
		return 16
	case duckdb.TYPE_SQLNULL:
		return 0
	}
	return 8
}
