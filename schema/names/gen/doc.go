// Gen writes tables.go of package names from copies of /etc/services,
// /etc/protocols and a list of EtherType ranges:
//
//	go run ./gen -o tables.go testdata/services testdata/protocols testdata/ethertypes
//
// From /etc/services it takes, for each TCP and UDP port, the first name
// listed (the one getservbyport returns, and so the one ra prints), and
// every name and alias with its port and transports (for filters). From
// /etc/protocols it takes the keyword of each protocol number up to 142
// (the names tapdb prints; 4 is Argus's ipnip) and every name and alias
// (for filters). The EtherType file lists "lo hi name" ranges in
// hexadecimal, as measured from ra.
package main
