// Package flow is the bidirectional flow table: it turns decoded packets
// (decode.Packet) into Argus 3.0.8-style flow records (schema.Record).
//
// The rules below reproduce what the installed argus 3.0.8.2 does; "emp."
// marks those checked by running it on synthetic captures while writing this
// package, and TestRecordsMatchArgus compares every record with the real
// Argus's on the captures under testdata/pcaps (99.5% identical when this
// was written).
//
// # Keys
//
// A packet is keyed the way Argus's CLASSIC_5_TUPLE model keys it
// (ARGUS-NOTES 3.1):
//
//   - TCP and UDP: {proto, address pair, port pair}, ordered so that both
//     directions share one key. UDP to or from port 53 adds the DNS
//     transaction id, so every query/answer pair is its own record.
//   - IPv4 ICMP echo, timestamp, information and mask: {address pair,
//     request type, id, sequence}; replies join the request, so every ping
//     is one record.
//   - IPv4 ICMP errors: {address pair, type, code, detail}, where the detail
//     is the quoted destination port (port unreachable), protocol (protocol
//     unreachable), the first two bytes of the quoted destination address
//     (net/host unreachable, redirect), else 0. The error is also mapped onto
//     the flow it quotes: that flow gets flgs U/R/T/I, its inode is the ICMP
//     sender and its last time moves to the error's.
//   - ICMPv6: {address pair, type, code}, answers folded onto requests (echo
//     reply onto echo, neighbour and router advertisements onto the
//     solicitations): sport prints the request type, state its name.
//   - Other IP protocols: {proto, address pair}, no ports.
//   - IPv4 fragments: the first counts on its flow and registers {src, dst,
//     proto, ip id} for FragTimeout; later fragments fold into that flow
//     (flgs F) until the last one; others form fragment-only records with
//     ports 0 (flgs f), adopted by the flow if their first fragment comes
//     late. IPv6 fragments are not folded: the first counts on its flow
//     (no F) and later ones always form fragment-only records keyed {address
//     pair, proto, fragment id}, even when the first was seen. Their ports
//     are the id's bytes as Argus's key holds them (fragPorts: 16-bit halves
//     byte-swapped, their order by address order, turned round after the
//     first record; ICMPv6 type and code from its low bytes, state named
//     from them). Fragment-only IPv4 ICMP is state ECR and fragment-only
//     TCP prints dir -> (no TCP header to tell), as Argus does.
//   - ARP: {requester IP, target IP, requester MAC}; replies join the
//     request; dir "who" ("tel" for RARP).
//   - Non-IP frames: {MACs ordered lowest first, EtherType, LLC SAPs}; proto
//     is ra's EtherType name ("llc" for 802.3 frames, whose SAPs are the
//     ports) or the number.
//
// IPv6 keys are ordered by address only: when source and destination are the
// same address each direction is its own record, as in Argus.
//
// The record's source is the sender of the first packet seen for the key,
// except that a TCP flow first seen at its SYN/ACK is turned round when the
// client answers (client -> server, state CLO), and the requester of an
// ICMP echo or ARP is the source even when only the reply was seen. Non-IP
// records print the MACs in key order but count the first sender as src.
//
// # Records and timers
//
// A flow's counters cover one record. The first packet of a record starts
// a status timer of Config.StatusInterval (5 s, Argus 3.0.8's compiled
// default); the record is emitted at the first packet (or Tick) at or after
// that time, before the packet is accounted, so a 12 s connection gives
// three records. Cause is "Start" for a flow's first record, "Status" for
// later ones (what Argus writes reading capture files) and "Stop" for the
// record a TCP port reuse ends; "Timeout" and the TIM state are not produced.
//
// Idle timeouts (TCP 60 s, 10 s once a FIN or RST was seen; UDP and other
// IP 30 s; ICMP 5 s; IGMP 30 s; ARP 5 s; lone fragments 5 s; non-IP 30 s)
// count, as Argus's timeout queues do, from the moment a flow's record was
// emitted at its status tick, and remove the flow at the first packet (or
// Tick) after that, once the packet was accounted: a flow's own packet after
// a silent gap continues it as a Status record, while other traffic after
// the timeout ends it (emp.: UDP resumed after 35 s continued, after 40 s
// restarted; the gnutella capture agrees).
//
// A new SYN on a TCP key whose connection was closed (FIN or RST seen) ends
// the old flow and starts a new one (port reuse); the old record gets cause
// Stop and the new SYN's time as its last time. Flush emits every live flow
// at the end of input, in record start order.
//
// # Time going backwards
//
// The timers run on the table's clock, the latest packet time seen since
// the last Flush; it never goes back. A packet older than the clock (out of
// order in its capture) is accounted on its flow with its own time and moves
// no timer: it neither emits nor removes anything. A record's stime and
// ltime are always times of packets in it: stime the earliest packet of the
// side it is taken from (below), ltime the latest packet of the record.
// Argus 3.0.8 runs its timers the same way (emp.: after a jump back of an
// hour, packets dated 6 s past a record's start neither ended it nor any
// other) and also keeps the latest time as ltime, but its stime is not
// always the earliest: a record that got an older packet after its first
// printed the first one's time (106 for packets at 106, 103, 107), once
// neither the first's nor the earliest's (407 for 4001, 401, 407).
// testdata/argus/DIFFERENCES.md lists this.
//
// Flush empties the table and starts the clock and the flow numbers again;
// ingest.ReadFiles flushes at the end of every capture file, as Argus reads
// each file of `argus -r a -r b` with fresh state (emp.: the same file
// given twice gave every record twice, seq from 1 each time). So captures
// may be given in any time order, and no flow spans two files.
//
// Timers cost no scan of the table: records waiting for their status tick sit
// in a FIFO ordered by start time, emitted flows wait for their timeout in a
// binary heap, and every flow is on a least-recently-used list that gives
// the flow to evict when MaxFlows is reached.
//
// # Columns
//
// Seq numbers flows, not records, from 1 in the order they were created
// (per Flush): every record of a flow carries its flow's number, as Argus's
// (emp.: a TCP connection's Start and Status records both had seq 1).
// Fields follow ra's printing (ARGUS-NOTES 2). Proto is the /etc/protocols
// name (ipnip for 4). IPv4 ICMP Sport is type | code<<8 and Dport the echo
// id or error detail, stored so that ra's byte-swapped hex printing matches;
// ICMPv6 Sport/Dport are type and code. Stime is the source's earliest
// packet in the record when the source sent any (ra's choice), else the
// destination's; Ltime the latest packet. Flgs is trimmed of trailing blanks:
// position 2 is the encapsulation letter ('*' for more than one, cooked
// captures included) or 'M' when a second MAC pair was seen (tapdb always
// records MACs, like argus -m); 3 the ICMP mapping; 4 retransmissions and
// out-of-order segments by Argus's TCP sequence rules (window scaling is not
// in decode.Packet and is taken as absent); 5 zero windows; 6 ECN
// congestion (ECE once ECN was negotiated, kept for the flow); 7 fragments;
// 8 IP options. TTL, TOS and TCP window are the last seen per side; MACs,
// VLAN and MPLS are kept per side; TCP base sequence numbers (seq-1 for a
// connection seen mid-stream), synack and ackdat repeat in every record.
//
// # Contracts
//
// The Table is not safe for concurrent use. Add does not allocate for a
// packet of an existing flow; records are formatted (text addresses, flags,
// state) only when emitted. The *schema.Record passed to emit is reused by the
// next emit: an emit function that keeps it must copy it. An error returned
// by emit stops the operation and is returned, wrapped, by Add, Tick or
// Flush.
package flow
