//go:build !linux

package collector

import "net"

// setReadBuffer asks for a receive buffer of n bytes.
func setReadBuffer(conn *net.UDPConn, n int) error { return conn.SetReadBuffer(n) }
