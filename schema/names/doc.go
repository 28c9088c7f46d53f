// Package names holds tapdb's one table of protocol, service and
// EtherType names: the IP protocol and TCP/UDP port names printed without
// -nn (ProtoName says where tapdb's IP protocol names differ from ra's),
// the names and aliases the ra filter language accepts for "proto",
// "port" and "ether proto", and the names ra prints as the proto of a
// non-IP flow.
//
// Argus reads /etc/services and /etc/protocols on the host it runs on;
// tapdb carries fixed copies, so that what it prints and how it reads a
// filter do not depend on the host. tables.go is generated from the files
// in testdata/ by the program in gen/ (go generate); testdata/README says
// where each file comes from, and a test checks that generating again
// gives tables.go byte for byte.
//
// Everything here is a read-only table; the package imports nothing of
// tapdb, so every other package may use it.
package names

//go:generate go run ./gen -o tables.go testdata/services testdata/protocols testdata/ethertypes
