// Package netflow decodes NetFlow v5, NetFlow v9 (RFC 3954) and IPFIX
// (RFC 7011) export datagrams into Argus-style flow records
// (schema.Record), and pairs unidirectional exports into bidirectional
// records the way Argus's clients do with NetFlow.
//
// The package knows nothing about sockets: a listener (or a capture-file
// reader) hands each UDP payload to Decoder.Decode with the exporter's
// address and the time it was received.
//
// # Contracts
//
//   - Decode never panics and never trusts a length in the datagram: every
//     header, set, template and record is bounds-checked. A malformed set is
//     skipped and counted (Stats), the rest of the datagram is still decoded
//     when its framing allows, and the first problem is returned as a
//     *DecodeError naming the exporter, the version and the byte offset.
//   - Templates are kept per (exporter address, observation domain or v9
//     source id, template id) and expire TemplateTimeout after they were last
//     announced. Templates (65536 in all), held data sets, records waiting
//     for a partner, sampler ids and interned address strings are bounded,
//     so a hostile exporter cannot grow memory without limit.
//   - Within one datagram, template and options-template sets are applied
//     first, then options data, then flow data, so a data set that precedes
//     its template in the same datagram decodes (akvorado's v9 capture). A
//     data set whose template is unknown is held (a copy; at most 1024 sets
//     and 1 MiB in all) for 10 s of receive time and decoded when the
//     template arrives (counted as Deferred); otherwise it is dropped and
//     counted as MissingTemplate.
//   - A Decoder is safe for concurrent use; emit is called with the
//     Decoder's lock held and must not call back into it. Records handed to
//     emit belong to the callee.
//
// # Mapping to the flow record
//
//   - saddr/daddr come from the IPv4 (8, 12) or IPv6 (27, 28) elements; when
//     both are present the non-zero pair wins, IP_PROTOCOL_VERSION (60)
//     decides when present. The numeric halves are the IPv4-mapped 128-bit
//     values (HasAddrNum).
//   - Counts: octet/packet delta (1, 2), else totals (85, 86), else the v9
//     OUT_BYTES/OUT_PKTS (23, 24); initiator/responder counts (231/232,
//     298/299) and RFC 5103 reverse elements (enterprise 29305) fill the
//     destination side. Counts are multiplied by the sampling rate: the
//     record's own samplingInterval/samplerRandomInterval, else the rate of
//     its sampler id (48) or selector id (302) from options data, else the
//     exporter-wide rate from options data (or v5's header). Bytes are IP
//     bytes as exported, not frame bytes as Argus counts them.
//   - Times: v5 and v9 uptime-relative first/last switched (21, 22) are made
//     absolute with the header's uptime and export time; IPFIX absolute
//     seconds/milliseconds/microseconds/nanoseconds (150–157), uptime (21,
//     22) with systemInitTimeMilliseconds (160), and deltas (158, 159) are
//     understood; with no time at all a record gets the export time. v9
//     export times are whole seconds, so v9 times can be up to a second
//     early (as with every v9 collector).
//   - Ports: TCP/UDP/SCTP/DCCP/UDP-Lite ports as exported. IPv4 ICMP:
//     sport = type | code<<8 as Argus stores it, dport 0; IPv6 ICMP: sport =
//     type, dport = code (ARGUS-NOTES 2.6). The ICMP type/code comes from
//     icmpTypeCode (32, 139, 176/177, 178/179), else from the destination
//     port, where v5/v9 exporters put type<<8|code.
//   - flgs is "N" (position 1: from NetFlow), cause "Start", trans 1 (2 for
//     a record paired from two exports), seq a per-Decoder counter in
//     emission order, srcid Config.Srcid or the exporter's address.
//   - Records without IP addresses (layer-2 or MPLS-only templates) are
//     skipped and counted (NoAddress).
//   - svlan/dvlan: vlanId (58, 243) and postVlanId (59, 254); smpls: the
//     label of mplsTopLabelStackSection (70). VLAN 0 and MPLS label 0 are
//     taken as "not present", because exporters fill them for untagged
//     traffic. sttl/dttl from minimumTTL (52), else maximumTTL (53).
//
// # State and direction (ARGUS-NOTES 2.4, 2.5)
//
// NetFlow carries only the OR of the TCP flags, so the state is derived from
// them the way Argus's NetFlow conversion can: TCP is RST when R was seen,
// FIN when F was seen, REQ when SYN was seen without any ACK, CON when some
// flags were seen, and with no flags at all CON when both directions sent and
// INT otherwise. UDP and other protocols are CON when both directions sent,
// INT otherwise (every exported record is a "Start" record). ICMP states come
// from the type and code (ECO, ECR, URP, TXD, …; an echo request paired with
// its reply is ECO).
//
// dir is "->" for a one-way record. A bidirectional record (paired, or an
// IPFIX biflow with packets both ways) is "<->", except TCP with a SYN seen,
// which Argus prints as "->" whichever side sent more.
//
// # Pairing
//
// A one-way record whose reverse (same exporter, protocol, swapped addresses
// and ports; ICMP echo/timestamp/information/mask request and reply) is
// already waiting, and whose time range overlaps it within PairWindow,
// becomes one record: the earlier-starting side is the source (for ICMP
// queries, the requester), the other side's packets, bytes, TCP flags, TTL,
// TOS, MAC, VLAN and MPLS label become the destination side. Records wait for
// a partner for PairWindow of receive time (the recvTime given to Decode or
// Expire; receive time rather than flow time, because exporters send flows
// long after they started), or until Flush; at most 65536 wait at once, the
// oldest are emitted unpaired first. A negative PairWindow turns pairing off.
package netflow
