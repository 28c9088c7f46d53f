package pgwire

import (
	"crypto/tls"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// clientConnected reports whether the client's end of conn is still open,
// without reading from it: poll(2) with POLLRDHUP tells a peer that closed
// or reset the connection even when unread data (pipelined messages, a TLS
// close_notify) waits in the socket. Connections that are not sockets
// count as connected.
func clientConnected(conn net.Conn) bool {
	if tc, ok := conn.(*tls.Conn); ok {
		conn = tc.NetConn()
	}
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	connected := true
	err = rc.Control(func(fd uintptr) {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLRDHUP}}
		n, err := unix.Poll(fds, 0)
		if err == nil && n > 0 && fds[0].Revents&(unix.POLLRDHUP|unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0 {
			connected = false
		}
	})
	return connected && err == nil
}
