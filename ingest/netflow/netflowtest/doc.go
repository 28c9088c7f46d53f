// Package netflowtest drives the real export tools the collector is
// tested against: softflowd (an exporter that reads a capture and sends
// NetFlow v5, v9 or IPFIX) and nfdump's collector (nfcapd, then nfdump to
// read what it stored). The tests of the NetFlow decoder, the collector and
// the daemon share it.
// Every function skips the test when a tool is missing.
package netflowtest
