package collector

import (
	"net"

	"golang.org/x/sys/unix"
)

// setReadBuffer asks for a receive buffer of n bytes: with SO_RCVBUFFORCE
// when the process may (CAP_NET_ADMIN), since SO_RCVBUF is capped by
// net.core.rmem_max (about 200 KiB by default), too small for bursts.
func setReadBuffer(conn *net.UDPConn, n int) error {
	raw, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := raw.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, n)
	}); err != nil {
		return err
	}
	if serr == nil {
		return nil
	}
	return conn.SetReadBuffer(n)
}
