//go:build linux

package livetest

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Veth is a veth pair: Host stays in the test's namespace with HostIP, Peer
// is in namespace NS with PeerIP.
type Veth struct {
	Host, Peer     string
	HostIP, PeerIP netip.Addr
	NS             string
}

var seq atomic.Int32

// Setup makes the namespace and the veth pair (removed at the end of the
// test). n (0–250) picks the /24 (10.203.n.0) so parallel packages do not
// collide.
func Setup(t testing.TB, n int) *Veth {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("live capture tests need root (ip netns, AF_PACKET); skipping")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("the ip command (iproute2) is not installed; skipping the live capture test")
	}
	id := fmt.Sprintf("%d%d", os.Getpid()%10000, seq.Add(1))
	v := &Veth{
		Host: "tdh" + id, Peer: "tdp" + id, NS: "tapdbtest" + id,
		HostIP: netip.AddrFrom4([4]byte{10, 203, byte(n), 1}), PeerIP: netip.AddrFrom4([4]byte{10, 203, byte(n), 2}),
	}
	run := func(args ...string) error {
		out, err := exec.Command("ip", args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	if err := run("netns", "add", v.NS); err != nil {
		t.Skipf("cannot make a network namespace here: %v", err)
	}
	t.Cleanup(func() {
		exec.Command("ip", "link", "del", v.Host).Run()
		exec.Command("ip", "netns", "del", v.NS).Run()
	})
	for _, args := range [][]string{
		{"link", "add", v.Host, "type", "veth", "peer", "name", v.Peer},
		{"link", "set", v.Peer, "netns", v.NS},
		{"addr", "add", v.HostIP.String() + "/24", "dev", v.Host},
		{"link", "set", v.Host, "up"},
		{"-n", v.NS, "addr", "add", v.PeerIP.String() + "/24", "dev", v.Peer},
		{"-n", v.NS, "link", "set", v.Peer, "up"},
		{"-n", v.NS, "link", "set", "lo", "up"},
	} {
		if err := run(args...); err != nil {
			t.Fatal(err)
		}
	}
	// IPv6 duplicate address detection and router solicitations would add
	// flows nobody asked for.
	for _, args := range [][]string{
		{"sysctl", "-qw", "net.ipv6.conf." + v.Host + ".disable_ipv6=1"},
		{"ip", "netns", "exec", v.NS, "sysctl", "-qw", "net.ipv6.conf." + v.Peer + ".disable_ipv6=1"},
	} {
		exec.Command(args[0], args[1:]...).Run()
	}
	return v
}

// InNS runs fn on an OS thread switched into the namespace; sockets fn
// opens belong to the namespace for their whole life. The thread is
// discarded afterwards.
func (v *Veth) InNS(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
		f, err := os.Open("/var/run/netns/" + v.NS)
		if err != nil {
			errc <- err
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("setns: %w", err)
			return
		}
		errc <- fn()
	}()
	return <-errc
}

// TCPServer listens in the namespace; each connection is read to its end,
// then answered with reply bytes and closed. It returns the port.
func (v *Veth) TCPServer(t testing.TB, reply int) int {
	t.Helper()
	var ln net.Listener
	if err := v.InNS(func() (err error) {
		ln, err = net.Listen("tcp4", net.JoinHostPort(v.PeerIP.String(), "0"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(io.Discard, c)
				c.Write(make([]byte, reply))
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// TCPTransfer connects from the host to the server, sends n bytes, half
// closes, reads the reply to its end and returns its length.
func (v *Veth) TCPTransfer(t testing.TB, port, n int) int {
	t.Helper()
	c, err := net.DialTimeout("tcp4", net.JoinHostPort(v.PeerIP.String(), fmt.Sprint(port)), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.Write(make([]byte, n)); err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).CloseWrite()
	got, err := io.Copy(io.Discard, c)
	if err != nil {
		t.Fatal(err)
	}
	return int(got)
}

// UDPServer opens a UDP socket in the namespace that counts what arrives.
func (v *Veth) UDPServer(t testing.TB) (port int, received *atomic.Int64) {
	t.Helper()
	var pc net.PacketConn
	if err := v.InNS(func() (err error) {
		pc, err = net.ListenPacket("udp4", net.JoinHostPort(v.PeerIP.String(), "0"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	received = &atomic.Int64{}
	go func() {
		buf := make([]byte, 65536)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
			received.Add(1)
		}
	}()
	return pc.LocalAddr().(*net.UDPAddr).Port, received
}

// UDPSend sends count datagrams of size bytes from one host socket.
func (v *Veth) UDPSend(t testing.TB, port, count, size int) {
	t.Helper()
	c, err := net.Dial("udp4", net.JoinHostPort(v.PeerIP.String(), fmt.Sprint(port)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 0; i < count; i++ {
		if _, err := c.Write(make([]byte, size)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
}

// Ping sends count ICMP echo requests (id, sequence 1…count) with
// payload bytes each and waits for every reply.
func (v *Veth) Ping(t testing.TB, id uint16, count, payload int) {
	t.Helper()
	c, err := net.ListenPacket("ip4:icmp", v.HostIP.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	buf := make([]byte, 1500)
	for s := 1; s <= count; s++ {
		msg := make([]byte, 8+payload)
		msg[0] = 8 // echo request
		binary.BigEndian.PutUint16(msg[4:], id)
		binary.BigEndian.PutUint16(msg[6:], uint16(s))
		binary.BigEndian.PutUint16(msg[2:], checksum(msg))
		if _, err := c.WriteTo(msg, &net.IPAddr{IP: v.PeerIP.AsSlice()}); err != nil {
			t.Fatal(err)
		}
		for {
			dl, _ := ctx.Deadline()
			c.SetReadDeadline(dl)
			n, _, err := c.ReadFrom(buf)
			if err != nil {
				t.Fatalf("no echo reply for sequence %d: %v", s, err)
			}
			if n >= 8 && buf[0] == 0 && binary.BigEndian.Uint16(buf[4:]) == id && binary.BigEndian.Uint16(buf[6:]) == uint16(s) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func checksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}
