// Package ingest turns packets into flow records.
//
// The pipeline is capture (pcap/pcapng readers) → decode (link, network
// and transport headers into a decode.Packet, without allocating) → flow
// (the bidirectional flow table with Argus's keys, states and timers) →
// an emit callback, usually a store.Writer. ReadFiles runs it over capture
// files; subpackages hold each stage.
//
// IP tunnels (IP-in-IP, 6in4, 4in6, 6in6) are decapsulated by the decoder
// always; flow.Config.Tunnels decides which flow the packets count on, the
// inner one (default) or the tunnel's outer one as Argus 3.0.8 reports it.
package ingest
