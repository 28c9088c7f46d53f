// Package csvimport reads flow records written as delimited text with a
// header line — what `ra -c , -s …` prints — into schema.Record values, the
// way Argus's rasqlinsert loads records into SQL, so that a site can bring
// its Argus archives (through ra) and other tools' flows into a tapdb store.
//
// Header words are matched to the flow table only through schema.Columns():
// a word is a column's ra label (StartTime, SrcAddr, …) or its field name
// (stime, saddr, …). Derived columns (Dur, TotPkts, Rate, …) are not
// stored; TotPkts, TotBytes and TotAppByte are used when the per-side
// columns are missing (the total goes to the source side, with a warning, or
// the missing side is the total minus the other), and Dur gives LastTime
// when there is no LastTime column. Words that name no column are ignored
// with a warning.
//
// Values are read as ra prints them: padded Dir and Flgs fields, service
// names for ports (translate's built-in /etc/services table, so results do
// not depend on the host), ICMP ports in hex with the destination port
// byte-swapped (0x0800 is 8), "192.0.2.1.80" address.port joins when there
// is no port column, protocol names or numbers (-nn), and times as Unix
// seconds (-u), full dates ("2026/11/27.05:00:01.123456") or time of day
// ("05:00:01.123456", ra's default %T.%f), which needs Options.Date.
//
// Reader reads one record at a time; a bad row gives a *RowError carrying
// its line number and the reader goes on with the next row, so a caller can
// validate a whole file before it writes anything.
package csvimport
