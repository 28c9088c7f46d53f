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
// Values are read as ra prints them with or without -n: padded Dir and
// Flgs fields, service names for TCP and UDP ports and SAP names for LLC
// ports (stp, snap; schema/names and schema/rafmt, so results do not
// depend on the host), ra 3.0.8's own protocol names (st2, sep, cphb, …:
// its built-in table, which is not /etc/protocols; unas and any name
// several numbers and are stored with protocol number -1 and a note,
// rsvp is read as 46), ICMP ports in hex with the destination port
// byte-swapped (0x0800 is 8), "192.0.2.1.80" address.port joins when there
// is no port column, protocol names or numbers (-nn), and times as Unix
// seconds (-u), full dates ("2026/11/27.05:00:01.123456") or time of day
// ("05:00:01.123456", ra's default %T.%f), which needs Options.Date.
// Host names (ra -nnn) are refused: resolving them would depend on the
// machine and the day. Input starting with gzip's magic bytes (a .csv.gz
// archive) is decompressed, as the sensor reads gzip'd captures.
//
// Reader reads one record at a time; a bad row gives a *RowError carrying
// its line number and the reader goes on with the next row, so a caller can
// validate a whole file before it writes anything.
package csvimport
