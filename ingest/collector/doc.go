// Package collector receives NetFlow v5, v9 and IPFIX exports and hands the
// flow records that ingest/netflow decodes from them to an emit function
// (usually the store's writer).
//
// Two sources feed the same decoder:
//
//   - Collector listens on UDP sockets (one per configured address). Every
//     datagram is decoded with the sender's address as the exporter, so
//     templates are kept per exporter and observation domain. A malformed
//     datagram is counted and logged (at most one log line per exporter every
//     LogEvery, with the count of those not logged) and never stops the
//     collector.
//   - ReadCaptures reads capture files (pcap, pcapng) and decodes the UDP
//     payloads addressed to export ports (2055, 4739, 9995, 9996 by default)
//     or, with Detect, any UDP payload that is shaped like an export
//     datagram (version 5, 9 or 10 with a consistent header). The capture
//     time is the receive time, so templates and pairing expire as they did
//     on the wire.
//
// UDPDatagram gets from a captured frame to its UDP payload with
// ingest/decode, the sensor's decoder, so every link type and
// encapsulation the sensor reads is read here too (Ethernet with VLAN
// tags, MPLS, PPPoE, Linux cooked v1/v2, raw IP, BSD loopback, NFLOG, GRE
// and IP-in-IP tunnels…) without allocating. IP fragments of UDP datagrams
// are skipped and counted, since an export datagram split in fragments is
// rare and cannot be decoded from its first piece. ReadCaptures shares its
// frame loop over the files with the sensor (capture.ReadFrames).
package collector
