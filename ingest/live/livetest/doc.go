// Package livetest builds a veth pair between the test's network namespace
// and a new one (ip netns, as root) and makes real traffic across it: ICMP
// echo, a TCP transfer to a server in the other namespace, UDP datagrams.
// The live capture tests of ingest/live and of tapdb serve share it. Setup
// skips the test, saying why, where namespaces cannot be made.
package livetest
