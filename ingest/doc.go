// Package ingest turns packets into flow records.
//
// The pipeline is capture (pcap/pcapng readers) → decode (link, network
// and transport headers into a decode.Packet, without allocating) → flow
// (the bidirectional flow table with Argus's keys, states and timers) →
// an emit callback, usually a store.Writer. ReadFiles runs it over capture
// files; subpackages hold each stage.
package ingest
