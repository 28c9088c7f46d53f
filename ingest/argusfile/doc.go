// Package argusfile reads native Argus 3 files — the record streams that
// argus 3.0.8 writes with `argus -r x.pcap -w x.argus` and ra writes with
// `ra -r x.argus -w y.argus`, plain or gzip'd — into schema.Record values,
// so that `tapdb import` and `tapdb ra -r` take an Argus archive as they
// take a capture.
//
// A file is a sequence of records, each a 4-byte header (type and version,
// cause, length in 32-bit words, big-endian) and a body. The first record
// is a management record (MAR) announcing version 3; management records
// are skipped and counted. A flow record (FAR) body is a list of data
// set records (DSRs), each with its own 4-byte header (type, subtype,
// qualifier, length in words): transport (srcid, seq), flow key, time,
// metrics, IP attributes (ttl, tos, options), network (TCP state,
// windows, bases, handshake times; ICMP; fragments), MAC, VLAN, MPLS,
// ICMP mapping, aggregation (trans), encapsulation. Unknown DSRs are
// skipped by their length.
//
// The columns ra computes when it prints — Flgs, Dir, State, Proto — are
// derived here from the same DSR bits the way ra 3.0.8 does, so that a
// decoded record prints as `ra -n` prints it (see the golden test, which
// sets every stored field against ra's CSV of the same file).
//
// A file damaged part-way (a truncated record, a record or DSR whose
// length runs past its end, a header of the wrong version) gives the
// records before the damage and then a *FormatError naming the file and
// the byte offset (of the decompressed stream) where the bad record
// starts.
package argusfile
