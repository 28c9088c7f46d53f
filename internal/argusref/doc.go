// Package argusref reads the golden CSV files that the real Argus 3.0.8
// tools wrote for the captures under testdata/pcaps, and compares flow
// records with them. It exists for tests: ingest's faithfulness test runs
// tapdb's sensor over a capture and hands both sides to Compare.
//
// The goldens live in testdata/argus (made by testdata/argus/regen.sh):
// NAME.ra.csv holds every record argus wrote, NAME.racluster.csv the same
// records merged per flow key. ParseCSV reads either. Ports come out as
// tapdb stores them: Argus prints an ICMP destination port (echo id or
// error detail) byte-swapped in hex, which ParseCSV undoes, so an ICMP
// record has sport = type | code<<8 and dport = the plain id or detail;
// ICMPv6 has sport = type and dport = code.
//
// Merge sums the records of one flow the way racluster does (same directed
// 5-tuple; racluster's rule for the merged state), so that tapdb's status
// records can be set against racluster's output. Compare then matches flows
// by 5-tuple, a reversed 5-tuple also matching, and reports per capture the
// fraction of 5-tuples whose packet and byte totals agree each way and the
// fraction whose presence, initiator and final state agree, with a readable
// list of every mismatch.
//
// Captures lists every capture with goldens and how the faithfulness test
// treats it; testdata/argus/DIFFERENCES.md gives the reasons at length.
package argusref
