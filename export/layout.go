package export

import (
	"fmt"
	"strings"
	"time"

	"tapdb/store"
)

// flowsDir is the lake's directory of flow records; metaDir holds the
// manifest and the files being written.
const (
	flowsDir     = "flows"
	metaDir      = "_tapdb"
	tmpDir       = metaDir + "/tmp"
	manifestName = metaDir + "/manifest.json"
)

// periodDir is the Hive partition path of the period starting at lo.
func periodDir(g store.Granularity, lo time.Time) string {
	lo = lo.UTC()
	switch g {
	case store.Hour:
		return fmt.Sprintf("date=%s/hour=%02d", lo.Format("2006-01-02"), lo.Hour())
	case store.Month:
		return "month=" + lo.Format("2006-01")
	default:
		return "date=" + lo.Format("2006-01-02")
	}
}

// layout describes the lake's paths for a period width.
func layout(g store.Granularity) string {
	switch g {
	case store.Hour:
		return flowsDir + "/date=YYYY-MM-DD/hour=HH/srcid=SRCID/part-N.parquet"
	case store.Month:
		return flowsDir + "/month=YYYY-MM/srcid=SRCID/part-N.parquet"
	default:
		return flowsDir + "/date=YYYY-MM-DD/srcid=SRCID/part-N.parquet"
	}
}

// filePath is the lake-relative path of a part of a period for a srcid.
func filePath(g store.Granularity, lo time.Time, srcid string, part int) string {
	return fmt.Sprintf("%s/%s/%s=%s/part-%d.parquet", flowsDir, periodDir(g, lo), partitionColumn, hiveEscape(srcid), part)
}

// hiveDefault is Hive's name for a partition whose value is NULL or empty.
const hiveDefault = "__HIVE_DEFAULT_PARTITION__"

// hiveEscape escapes a partition value as Hive does (FileUtils.escapePathName):
// control characters and "#%'*/:=?\{[]^ become %XX, which readers decode.
func hiveEscape(v string) string {
	if v == "" {
		return hiveDefault
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 || c == 0x7f || strings.IndexByte("\"#%'*/:=?\\{[]^", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
