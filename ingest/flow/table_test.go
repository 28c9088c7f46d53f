package flow

import (
	"slices"
	"testing"

	"tapdb/ingest/decode"
)

const (
	syn    = decode.TCPSyn
	ack    = decode.TCPAck
	fin    = decode.TCPFin
	rst    = decode.TCPRst
	psh    = decode.TCPPsh
	synack = decode.TCPSyn | decode.TCPAck
	finack = decode.TCPFin | decode.TCPAck
	rstack = decode.TCPRst | decode.TCPAck
)

// TestScenarios pins the records of the edge cases listed in ARGUS-NOTES
// 5.2/5.3 (expected rows copied from the real ra output there, trimmed) and
// of experiments run against argus 3.0.8.2 while writing this package.
func TestScenarios(t *testing.T) {
	const (
		cli = "198.51.100.20"
		srv = "198.51.100.10"
	)
	vlan := func(p decode.Packet) decode.Packet {
		p.Encaps |= decode.EncVLAN
		p.HasVLAN, p.VLANID = true, 42
		return p
	}
	mpls := func(p decode.Packet) decode.Packet {
		p.Encaps |= decode.EncMPLS
		p.HasMPLS, p.MPLSLabel = true, 1234
		return p
	}
	frag := func(p decode.Packet, id uint32, off uint16, more bool) decode.Packet {
		p.Fragment, p.IPID, p.FragOffset, p.MoreFrags = true, id, off, more
		if off != 0 {
			p.HasPorts, p.SrcPort, p.DstPort = false, 0, 0
		}
		return p
	}
	win0 := func(p decode.Packet) decode.Packet { p.TCPWindow = 0; return p }
	ece := func(p decode.Packet) decode.Packet { p.TCPFlags |= decode.TCPEce; return p }
	rr := func(p decode.Packet) decode.Packet { p.IPOptions = decode.OptRecordRoute; return p }
	raw := func(p decode.Packet) decode.Packet {
		p.Encaps, p.HasMAC = decode.EncRaw, false
		return p
	}

	tests := []struct {
		name string
		cfg  Config
		pkts func(t *testing.T) []decode.Packet
		want []string
	}{
		{
			name: "client with the higher address is the source",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					tcpP(t, 0, cli, 40001, srv, 80, syn, 100, 0),
					tcpP(t, 0.01, srv, 80, cli, 40001, synack, 900, 0),
					tcpP(t, 0.02, cli, 40001, srv, 80, ack, 101, 0),
					tcpP(t, 0.03, cli, 40001, srv, 80, psh|ack, 101, 20),
					tcpP(t, 0.04, srv, 80, cli, 40001, psh|ack, 901, 100),
					tcpP(t, 0.05, cli, 40001, srv, 80, finack, 121, 0),
					tcpP(t, 0.06, srv, 80, cli, 40001, finack, 1001, 0),
					tcpP(t, 0.07, srv, 80, cli, 40001, ack, 1002, 0),
				}
			},
			want: []string{"tcp,198.51.100.20,40001,->,198.51.100.10,80,4,4,FIN, e,Start"},
		},
		{
			name: "mid-stream, server sent first",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					tcpP(t, 0, srv, 443, cli, 40002, psh|ack, 5000, 100),
					tcpP(t, 0.1, cli, 40002, srv, 443, ack, 300, 0),
					tcpP(t, 0.2, srv, 443, cli, 40002, psh|ack, 5100, 100),
					tcpP(t, 0.3, cli, 40002, srv, 443, psh|ack, 300, 10),
					tcpP(t, 0.4, srv, 443, cli, 40002, ack, 5200, 0),
					tcpP(t, 0.5, cli, 40002, srv, 443, ack, 310, 0),
				}
			},
			want: []string{"tcp,198.51.100.10,443,<?>,198.51.100.20,40002,3,3,CON, e,Start"},
		},
		{
			name: "first seen at the SYN/ACK, client answers",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					tcpP(t, 0, srv, 22, cli, 40003, synack, 5000, 0),
					tcpP(t, 0.001, cli, 40003, srv, 22, ack, 101, 0),
					tcpP(t, 0.002, srv, 22, cli, 40003, psh|ack, 5001, 10),
				}
			},
			want: []string{"tcp,198.51.100.20,40003,->,198.51.100.10,22,1,2,CLO, e,Start"},
		},
		{
			name: "lone SYN/ACK",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{tcpP(t, 0, srv, 25, cli, 40040, synack, 5000, 0)}
			},
			want: []string{"tcp,198.51.100.10,25,->,198.51.100.20,40040,1,0,ACC, e,Start"},
		},
		{
			name: "SYN sent twice",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					tcpP(t, 0, cli, 40004, srv, 25, syn, 700, 0),
					tcpP(t, 1, cli, 40004, srv, 25, syn, 700, 0),
				}
			},
			want: []string{"tcp,198.51.100.20,40004,->,198.51.100.10,25,2,0,REQ, e s,Start"},
		},
		{
			name: "retransmission, zero window, reset",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					tcpP(t, 0, cli, 40005, srv, 8080, syn, 100, 0),
					acked(tcpP(t, 0.01, srv, 8080, cli, 40005, synack, 900, 0), 101),
					acked(tcpP(t, 0.02, cli, 40005, srv, 8080, psh|ack, 101, 50), 901),
					acked(tcpP(t, 0.3, cli, 40005, srv, 8080, psh|ack, 101, 50), 901),
					win0(acked(tcpP(t, 0.31, srv, 8080, cli, 40005, ack, 901, 0), 151)),
					tcpP(t, 0.4, cli, 40005, srv, 8080, rst, 151, 0),
				}
			},
			want: []string{"tcp,198.51.100.20,40005,->,198.51.100.10,8080,4,2,RST, e sD,Start"},
		},
		{
			name: "12 s connection gives CON, CON, FIN",
			pkts: func(t *testing.T) []decode.Packet {
				ps := []decode.Packet{
					tcpP(t, 0, "127.0.0.1", 54656, "127.0.0.1", 18090, syn, 100, 0),
					tcpP(t, 0.0001, "127.0.0.1", 18090, "127.0.0.1", 54656, synack, 900, 0),
					tcpP(t, 0.0002, "127.0.0.1", 54656, "127.0.0.1", 18090, ack, 101, 0),
				}
				for i := 0; i < 12; i++ {
					s := 0.001 + float64(i)*1.0006
					ps = append(ps,
						tcpP(t, s, "127.0.0.1", 54656, "127.0.0.1", 18090, psh|ack, uint32(101+10*i), 10),
						tcpP(t, s+0.0001, "127.0.0.1", 18090, "127.0.0.1", 54656, ack, 901, 0))
				}
				return append(ps,
					tcpP(t, 12.01, "127.0.0.1", 54656, "127.0.0.1", 18090, finack, 221, 0),
					tcpP(t, 12.02, "127.0.0.1", 18090, "127.0.0.1", 54656, finack, 901, 0))
			},
			want: []string{
				"tcp,127.0.0.1,54656,->,127.0.0.1,18090,7,6,CON, e,Start",
				"tcp,127.0.0.1,54656,->,127.0.0.1,18090,5,5,CON, e,Status",
				"tcp,127.0.0.1,54656,->,127.0.0.1,18090,3,3,FIN, e,Status",
			},
		},
		{
			name: "one-way UDP: INT then REQ",
			pkts: func(t *testing.T) []decode.Packet {
				var ps []decode.Packet
				for i := 0; i < 12; i++ {
					ps = append(ps, udpP(t, float64(i), "203.0.113.5", 5004, "203.0.113.9", 5006, 100))
				}
				return ps
			},
			want: []string{
				"udp,203.0.113.5,5004,->,203.0.113.9,5006,5,0,INT, e,Start",
				"udp,203.0.113.5,5004,->,203.0.113.9,5006,5,0,REQ, e,Status",
				"udp,203.0.113.5,5004,->,203.0.113.9,5006,2,0,REQ, e,Status",
			},
		},
		{
			name: "VLAN-tagged UDP",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					vlan(udpP(t, 0, "192.0.2.30", 1111, "192.0.2.31", 161, 40)),
					vlan(udpP(t, 0.01, "192.0.2.31", 161, "192.0.2.30", 1111, 40)),
				}
			},
			want: []string{"udp,192.0.2.30,1111,<->,192.0.2.31,161,1,1,CON, *,Start"},
		},
		{
			name: "MPLS echo",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					mpls(icmpP(t, 0, "192.0.2.40", "192.0.2.41", 8, 0, 7, 1)),
					mpls(icmpP(t, 0.01, "192.0.2.41", "192.0.2.40", 0, 0, 7, 1)),
				}
			},
			want: []string{"icmp,192.0.2.40,0x0008,<->,192.0.2.41,0x0700,1,1,ECO, *,Start"},
		},
		{
			name: "record route option",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{rr(udpP(t, 0, "192.0.2.50", 2222, "192.0.2.51", 69, 20))}
			},
			want: []string{"udp,192.0.2.50,2222,->,192.0.2.51,69,1,0,INT, e     R,Start"},
		},
		{
			name: "traceroute probe and time exceeded",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					udpP(t, 0, "192.0.2.60", 33434, "203.0.113.200", 33435, 20),
					icmpErr(t, 0.01, "192.0.2.1", "192.0.2.60", 11, 0, protoUDP, "192.0.2.60", 33434, "203.0.113.200", 33435),
				}
			},
			want: []string{
				"udp,192.0.2.60,33434,->,203.0.113.200,33435,1,0,INT, eT,Start",
				"icmp,192.0.2.1,0x000b,->,192.0.2.60,0x0000,1,0,TXD, e,Start",
			},
		},
		{
			name: "SYN answered by host unreachable",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					tcpP(t, 0, "192.0.2.61", 40012, "203.0.113.201", 443, syn, 1, 0),
					icmpErr(t, 0.01, "192.0.2.1", "192.0.2.61", 3, 1, protoTCP, "192.0.2.61", 40012, "203.0.113.201", 443),
				}
			},
			want: []string{
				"tcp,192.0.2.61,40012,->,203.0.113.201,443,1,0,REQ, eU,Start",
				"icmp,192.0.2.1,0x0103,->,192.0.2.61,0xcb00,1,0,URH, e,Start",
			},
		},
		{
			name: "DNS to a closed port: port unreachable mapped onto the query",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					dnsP(t, 0, "127.0.0.1", 35047, "127.0.0.1", 53, 0x1234),
					icmpErr(t, 0.0001, "127.0.0.1", "127.0.0.1", 3, 3, protoUDP, "127.0.0.1", 35047, "127.0.0.1", 53),
				}
			},
			want: []string{
				"udp,127.0.0.1,35047,->,127.0.0.1,53,1,0,INT, eU,Start",
				"icmp,127.0.0.1,0x0303,->,127.0.0.1,0x3500,1,0,URP, e,Start",
			},
		},
		{
			name: "ARP answered and unanswered",
			pkts: func(t *testing.T) []decode.Packet {
				bc := [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
				return []decode.Packet{
					arpP(t, 0, 1, "192.0.2.1", "192.0.2.2", macA, bc),
					arpP(t, 0.001, 2, "192.0.2.2", "192.0.2.1", macB, macA),
					arpP(t, 1, 1, "192.0.2.1", "192.0.2.77", macA, bc),
					arpP(t, 2, 1, "192.0.2.1", "192.0.2.77", macA, bc),
					arpP(t, 3, 1, "192.0.2.1", "192.0.2.77", macA, bc),
				}
			},
			// tapdb always records MACs, like argus -m: the broadcast
			// request and the unicast reply are two MAC pairs, 'M'.
			want: []string{
				"arp,192.0.2.1,,who,192.0.2.2,,1,1,CON, M,Start",
				"arp,192.0.2.1,,who,192.0.2.77,,3,0,INT, e,Start",
			},
		},
		{
			// The notes' "STP" frame was built by scapy with EtherType 0x8870.
			name: "EtherType 0x8870 frame: MACs ordered lowest first",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{{
					TimeNanos: at(0), WireLen: 60, Encaps: decode.EncEthernet, EtherType: 0x8870,
					HasMAC: true, SrcMAC: [6]byte{2, 0, 0, 0, 0, 5}, DstMAC: [6]byte{1, 0x80, 0xc2, 0, 0, 0},
					Net: decode.NetOther,
				}}
			},
			want: []string{"34928,01:80:c2:00:00:00,0,->,02:00:00:00:00:05,0,1,0,INT, e,Start"},
		},
		{
			name: "802.3/LLC frame (CDP): proto llc, SAPs as ports",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{{
					TimeNanos: at(0), WireLen: 375, Encaps: decode.EncEthernet | decode.EncLLC,
					HasMAC: true, SrcMAC: [6]byte{0, 0x13, 0xc3, 0xdf, 0xae, 0x18}, DstMAC: [6]byte{1, 0, 0x0c, 0xcd, 0xcd, 0xd0},
					Net: decode.NetOther, LLCDSAP: 0xaa, LLCSSAP: 0xaa,
				}}
			},
			want: []string{"llc,00:13:c3:df:ae:18,170,->,01:00:0c:cd:cd:d0,170,1,0,INT, *,Start"},
		},
		{
			name: "fragments with and without the first fragment",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					frag(udpP(t, 0, "192.0.2.80", 3333, "192.0.2.81", 4444, 1472), 77, 0, true),
					frag(udpP(t, 0.001, "192.0.2.80", 3333, "192.0.2.81", 4444, 1480), 77, 185, true),
					frag(udpP(t, 0.002, "192.0.2.80", 3333, "192.0.2.81", 4444, 100), 77, 370, false),
					frag(udpP(t, 1, "192.0.2.82", 3333, "192.0.2.83", 4444, 100), 78, 185, false),
				}
			},
			want: []string{
				"udp,192.0.2.80,3333,->,192.0.2.81,4444,3,0,INT, e    F,Start",
				"udp,192.0.2.82,0,->,192.0.2.83,0,1,0,INT, e    f,Start",
			},
		},
		{
			name: "two DNS transactions on one 5-tuple",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					dnsP(t, 0, cli, 50001, srv, 53, 0xaaaa),
					dnsP(t, 0.01, srv, 53, cli, 50001, 0xaaaa),
					dnsP(t, 0.02, cli, 50001, srv, 53, 0xbbbb),
					dnsP(t, 0.03, srv, 53, cli, 50001, 0xbbbb),
				}
			},
			want: []string{
				"udp,198.51.100.20,50001,<->,198.51.100.10,53,1,1,CON, e,Start",
				"udp,198.51.100.20,50001,<->,198.51.100.10,53,1,1,CON, e,Start",
			},
		},
		{
			name: "one record per ping, replies join, one unanswered",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					icmpP(t, 0, "192.0.2.1", "192.0.2.2", 8, 0, 99, 1),
					icmpP(t, 0.001, "192.0.2.2", "192.0.2.1", 0, 0, 99, 1),
					icmpP(t, 1, "192.0.2.1", "192.0.2.2", 8, 0, 99, 2),
				}
			},
			want: []string{
				"icmp,192.0.2.1,0x0008,<->,192.0.2.2,0x6300,1,1,ECO, e,Start",
				"icmp,192.0.2.1,0x0008,->,192.0.2.2,0x6300,1,0,ECO, e,Start",
			},
		},
		{
			name: "echo reply only: the requester is still the source",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{icmpP(t, 0, "192.0.2.2", "192.0.2.1", 0, 0, 99, 1)}
			},
			want: []string{"icmp,192.0.2.1,0x0000,<-,192.0.2.2,0x6300,0,1,ECR, e,Start"},
		},
		{
			name: "ping to self on loopback",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					icmpP(t, 0, "127.0.0.1", "127.0.0.1", 8, 0, 0x26e7, 1),
					icmpP(t, 0.00001, "127.0.0.1", "127.0.0.1", 0, 0, 0x26e7, 1),
				}
			},
			want: []string{"icmp,127.0.0.1,0x0008,<->,127.0.0.1,0xe726,1,1,ECO, e,Start"},
		},
		{
			name: "ECN: SYN/ACK with ECE from the destination",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					ece(tcpP(t, 0, cli, 40019, srv, 80, syn|decode.TCPCwr, 100, 0)),
					ece(tcpP(t, 0.01, srv, 80, cli, 40019, synack, 900, 0)),
					tcpP(t, 0.02, cli, 40019, srv, 80, ack, 101, 0),
					ece(tcpP(t, 0.03, srv, 80, cli, 40019, ack, 901, 0)),
				}
			},
			want: []string{"tcp,198.51.100.20,40019,->,198.51.100.10,80,2,2,CON, e   t,Start"},
		},
		{
			name: "OSPF has no ports",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{ip(t, 0, "192.0.2.90", "224.0.0.5", 89, 78)}
			},
			want: []string{"ospf,192.0.2.90,,->,224.0.0.5,,1,0,INT, e,Start"},
		},
		{
			name: "IPv6 between equal addresses: one record per direction",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					tcpP(t, 0, "::1", 34142, "::1", 18081, syn, 1, 0),
					tcpP(t, 0.0001, "::1", 18081, "::1", 34142, synack, 9, 0),
					tcpP(t, 0.0002, "::1", 34142, "::1", 18081, ack, 2, 0),
					tcpP(t, 0.001, "::1", 34142, "::1", 18081, finack, 2, 0),
					tcpP(t, 0.002, "::1", 18081, "::1", 34142, finack, 10, 0),
				}
			},
			want: []string{
				"tcp,::1,34142,->,::1,18081,3,0,FIN, e,Start",
				"tcp,::1,18081,->,::1,34142,2,0,FIN, e,Start",
			},
		},
		{
			name: "ICMPv6 echo: one record for the pings of one pair",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					icmpP(t, 0, "2001:db8::1", "2001:db8::2", 128, 0, 5, 1),
					icmpP(t, 0.001, "2001:db8::2", "2001:db8::1", 129, 0, 5, 1),
					icmpP(t, 1, "2001:db8::1", "2001:db8::2", 128, 0, 5, 2),
					icmpP(t, 1.001, "2001:db8::2", "2001:db8::1", 129, 0, 5, 2),
				}
			},
			want: []string{"ipv6-icmp,2001:db8::1,128,<->,2001:db8::2,0,2,2,ECO, e,Start"},
		},
		{
			name: "IPv4 in raw link has no encapsulation letter",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{raw(udpP(t, 0, "192.0.2.1", 1000, "192.0.2.2", 2000, 10))}
			},
			want: []string{"udp,192.0.2.1,1000,->,192.0.2.2,2000,1,0,INT,,Start"},
		},
		{
			name: "port reuse ends the closed connection with cause Stop",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					tcpP(t, 0, "10.0.0.1", 40020, "10.0.0.2", 80, syn, 100, 0),
					tcpP(t, 0.001, "10.0.0.2", 80, "10.0.0.1", 40020, synack, 900, 0),
					tcpP(t, 0.002, "10.0.0.1", 40020, "10.0.0.2", 80, ack, 101, 0),
					tcpP(t, 0.003, "10.0.0.1", 40020, "10.0.0.2", 80, finack, 101, 0),
					tcpP(t, 0.004, "10.0.0.2", 80, "10.0.0.1", 40020, finack, 901, 0),
					tcpP(t, 0.005, "10.0.0.1", 40020, "10.0.0.2", 80, ack, 102, 0),
					tcpP(t, 1, "10.0.0.1", 40020, "10.0.0.2", 80, syn, 7000, 0),
					tcpP(t, 1.001, "10.0.0.2", 80, "10.0.0.1", 40020, synack, 9000, 0),
				}
			},
			want: []string{
				"tcp,10.0.0.1,40020,->,10.0.0.2,80,4,2,FIN, e,Stop",
				"tcp,10.0.0.1,40020,->,10.0.0.2,80,1,1,ACC, e,Start",
			},
		},
		{
			name: "idle timeout: other traffic in the gap ends the flow",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					udpP(t, 0, "10.0.0.1", 5001, "10.0.0.2", 6001, 10),
					udpP(t, 1, "10.0.0.1", 5001, "10.0.0.2", 6001, 10),
					arpP(t, 50, 1, "10.0.0.7", "10.0.0.8", macA, macB), // UDP record emitted now: times out at 80
					arpP(t, 85, 1, "10.0.0.7", "10.0.0.8", macA, macB), // removes the UDP flow
					udpP(t, 100, "10.0.0.1", 5001, "10.0.0.2", 6001, 10),
				}
			},
			want: []string{
				"udp,10.0.0.1,5001,->,10.0.0.2,6001,2,0,INT, e,Start",
				"arp,10.0.0.7,,who,10.0.0.8,,1,0,INT, e,Start",
				"arp,10.0.0.7,,who,10.0.0.8,,1,0,INT, e,Status",
				"udp,10.0.0.1,5001,->,10.0.0.2,6001,1,0,INT, e,Start",
			},
		},
		{
			name: "idle timeout counts from the status tick, processed at the next packet",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					udpP(t, 0, "10.0.0.1", 5001, "10.0.0.2", 6001, 10),
					arpP(t, 50, 1, "10.0.0.7", "10.0.0.8", macA, macB), // UDP record emitted now: times out at 80
					udpP(t, 79, "10.0.0.1", 5001, "10.0.0.2", 6001, 10),
				}
			},
			want: []string{
				"udp,10.0.0.1,5001,->,10.0.0.2,6001,1,0,INT, e,Start",
				"arp,10.0.0.7,,who,10.0.0.8,,1,0,INT, e,Start",
				"udp,10.0.0.1,5001,->,10.0.0.2,6001,1,0,REQ, e,Status",
			},
		},
		{
			name: "idle timeout: the flow's own packet after a silent gap continues it",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					udpP(t, 0, "10.0.0.1", 5001, "10.0.0.2", 6001, 10),
					udpP(t, 1, "10.0.0.1", 5001, "10.0.0.2", 6001, 10),
					udpP(t, 200, "10.0.0.1", 5001, "10.0.0.2", 6001, 10),
					udpP(t, 1900, "10.0.0.1", 5001, "10.0.0.2", 6001, 10),
				}
			},
			want: []string{
				"udp,10.0.0.1,5001,->,10.0.0.2,6001,2,0,INT, e,Start",
				"udp,10.0.0.1,5001,->,10.0.0.2,6001,1,0,REQ, e,Status",
				"udp,10.0.0.1,5001,->,10.0.0.2,6001,1,0,REQ, e,Status",
			},
		},
		{
			name: "TCP status record after a silent 80 s idle keeps its direction",
			pkts: func(t *testing.T) []decode.Packet {
				return []decode.Packet{
					tcpP(t, 0, cli, 40007, srv, 3306, syn, 100, 0),
					tcpP(t, 0.01, srv, 3306, cli, 40007, synack, 900, 0),
					tcpP(t, 0.02, cli, 40007, srv, 3306, ack, 101, 0),
					tcpP(t, 80, cli, 40007, srv, 3306, psh|ack, 101, 10),
					tcpP(t, 80.01, srv, 3306, cli, 40007, ack, 901, 0),
				}
			},
			want: []string{
				"tcp,198.51.100.20,40007,->,198.51.100.10,3306,2,1,CON, e,Start",
				"tcp,198.51.100.20,40007,->,198.51.100.10,3306,1,1,CON, e,Status",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := rows(run(t, tc.cfg, tc.pkts(t)))
			if !slices.Equal(got, tc.want) {
				t.Errorf("records differ\n got: %q\nwant: %q", got, tc.want)
			}
		})
	}
}

// TestTCPDetails pins TCP behaviours checked against argus 3.0.8.2 with
// synthetic captures (see the package doc).
func TestTCPDetails(t *testing.T) {
	c, s := "10.0.0.1", "10.0.0.2"
	hs := func(t *testing.T, port uint16) []decode.Packet {
		return []decode.Packet{
			tcpP(t, 0, c, port, s, 80, syn, 100, 0),
			acked(tcpP(t, 0.001, s, 80, c, port, synack, 900, 0), 101),
			acked(tcpP(t, 0.002, c, port, s, 80, ack, 101, 0), 901),
		}
	}
	t.Run("partial overlap counts as a retransmission", func(t *testing.T) {
		ps := append(hs(t, 41000),
			acked(tcpP(t, 0.003, c, 41000, s, 80, psh|ack, 101, 100), 901),
			acked(tcpP(t, 0.004, c, 41000, s, 80, psh|ack, 151, 100), 901))
		r := run(t, Config{}, ps)[0]
		if r.Flgs != " e s" || r.Sretrans != 1 || r.Sappbytes != 200 {
			t.Errorf("flgs %q sretrans %d sappbytes %d", r.Flgs, r.Sretrans, r.Sappbytes)
		}
	})
	t.Run("zero window on a reset is not a window shut", func(t *testing.T) {
		rstP := tcpP(t, 0.003, s, 80, c, 41001, rst, 901, 0)
		rstP.TCPWindow = 0
		r := run(t, Config{}, append(hs(t, 41001), rstP))[0]
		if r.Flgs != " e" || r.State != "RST" {
			t.Errorf("flgs %q state %s", r.Flgs, r.State)
		}
	})
	t.Run("status record with destination packets only keeps ->", func(t *testing.T) {
		ps := append(hs(t, 41002), tcpP(t, 6, s, 80, c, 41002, psh|ack, 901, 10))
		got := rows(run(t, Config{}, ps))
		want := []string{
			"tcp,10.0.0.1,41002,->,10.0.0.2,80,2,1,CON, e,Start",
			"tcp,10.0.0.1,41002,->,10.0.0.2,80,0,1,CON, e,Status",
		}
		if !slices.Equal(got, want) {
			t.Errorf("got %q\nwant %q", got, want)
		}
	})
	t.Run("mid-stream base sequence", func(t *testing.T) {
		r := run(t, Config{}, []decode.Packet{tcpP(t, 0, c, 41003, s, 80, psh|ack, 123456, 10)})[0]
		if r.Stcpb != 123455 || r.Dtcpb != 0 || r.Dir != "?>" || r.State != "CON" {
			t.Errorf("stcpb %d dtcpb %d dir %s state %s", r.Stcpb, r.Dtcpb, r.Dir, r.State)
		}
	})
	t.Run("SYN/ACK first, then the client closes", func(t *testing.T) {
		ps := []decode.Packet{
			tcpP(t, 0, s, 22, c, 41010, synack, 5000, 0),
			tcpP(t, 0.001, c, 41010, s, 22, ack, 101, 0),
			tcpP(t, 0.002, c, 41010, s, 22, finack, 101, 0),
		}
		r := run(t, Config{}, ps)[0]
		if got := row(&r); got != "tcp,10.0.0.1,41010,->,10.0.0.2,22,2,1,FIN, e,Start" || r.Stcpb != 101 || r.Dtcpb != 5000 {
			t.Errorf("%s stcpb %d dtcpb %d", got, r.Stcpb, r.Dtcpb)
		}
	})
	t.Run("repeated SYN/ACK is a destination retransmission", func(t *testing.T) {
		ps := []decode.Packet{
			tcpP(t, 0, c, 41011, s, 80, syn, 100, 0),
			tcpP(t, 0.001, s, 80, c, 41011, synack, 900, 0),
			tcpP(t, 1.001, s, 80, c, 41011, synack, 900, 0),
			tcpP(t, 1.002, c, 41011, s, 80, ack, 101, 0),
		}
		if got := row(&run(t, Config{}, ps)[0]); got != "tcp,10.0.0.1,41011,->,10.0.0.2,80,2,2,CON, e d,Start" {
			t.Errorf("got %s", got)
		}
	})
}

// TestLateFirstFragment checks that a datagram whose later fragment came
// before its first is reported as one record (emp.), while other lone
// fragments keep their own records.
func TestLateFirstFragment(t *testing.T) {
	lone := func(sec float64, id uint32) decode.Packet {
		p := udpP(t, sec, "10.0.0.5", 0, "10.0.0.6", 0, 100)
		p.HasPorts, p.Fragment, p.IPID, p.FragOffset = false, true, id, 185
		return p
	}
	first := udpP(t, 0.3, "10.0.0.5", 7600, "10.0.0.6", 7601, 1472)
	first.WireLen, first.Fragment, first.IPID, first.MoreFrags = 1514, true, 13, true
	ps := []decode.Packet{lone(0, 11), lone(0.1, 12), lone(0.2, 13), first}
	recs := run(t, Config{}, ps)
	got := rows(recs)
	want := []string{
		"udp,10.0.0.5,0,->,10.0.0.6,0,1,0,INT, e    f,Start",
		"udp,10.0.0.5,0,->,10.0.0.6,0,1,0,INT, e    f,Start",
		"udp,10.0.0.5,7600,->,10.0.0.6,7601,2,0,INT, e    F,Start",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if r := recs[2]; r.Sbytes != 1514+142 || !r.Stime.Equal(usec(at(0.2))) {
		t.Errorf("merged record: sbytes %d stime %v", r.Sbytes, r.Stime)
	}
}

// TestIdleTimeoutAtStatusTicks pins when a flow with other traffic around it
// times out: its timeout counts from the moment its last record was emitted
// at a status tick (argus 3.0.8.2, background packet every 0.1 s).
func TestIdleTimeoutAtStatusTicks(t *testing.T) {
	tests := []struct {
		tcp       bool
		gap       float64
		wantCause string
	}{
		{false, 29, "Status"},
		{false, 31, "Status"},
		{false, 35, "Status"}, // resumes exactly at the tick that would remove it
		{false, 40, "Start"},
		{true, 59, "Status"},
		{true, 61, "Status"},
		{true, 65, "Start"},
	}
	for _, tc := range tests {
		var ps []decode.Packet
		if tc.tcp {
			ps = append(ps,
				tcpP(t, 0.5, "10.0.0.1", 40000, "10.0.0.2", 80, syn, 100, 0),
				tcpP(t, 0.6, "10.0.0.2", 80, "10.0.0.1", 40000, synack, 900, 0),
				tcpP(t, 0.7, "10.0.0.1", 40000, "10.0.0.2", 80, ack, 101, 0))
		} else {
			ps = append(ps, udpP(t, 0.3, "10.0.0.1", 5000, "10.0.0.2", 6001, 10))
		}
		last := ps[len(ps)-1]
		last.TimeNanos += int64(tc.gap * 1e9)
		for i := 0; float64(i)*0.1 < tc.gap+1; i++ {
			ps = append(ps, udpP(t, 0.05+0.1*float64(i), "10.0.0.2", 7300, "10.0.0.1", 7301, 10))
		}
		ps = append(ps, last)
		slices.SortStableFunc(ps, func(a, b decode.Packet) int { return int(a.TimeNanos - b.TimeNanos) })
		var causes []string
		for _, r := range run(t, Config{}, ps) {
			if r.Dport != 7301 {
				causes = append(causes, r.Cause)
			}
		}
		if len(causes) != 2 || causes[1] != tc.wantCause {
			t.Errorf("tcp=%v gap %v s: causes %v, want [Start %s]", tc.tcp, tc.gap, causes, tc.wantCause)
		}
	}
}

// TestIPv6Fragments pins Argus 3.0.8's IPv6 fragment handling (zeek's
// ipv6-fragmented-dns capture): the first fragment counts on its flow
// without F, later fragments form fragment-only records whose sport is the
// fragment id as ra prints it.
func TestIPv6Fragments(t *testing.T) {
	c, s := "2001:470:1f11:81f:d138:5f55:6d4:1fe2", "2607:f740:b::f93"
	frag := func(p decode.Packet, id uint32, off uint16, more bool) decode.Packet {
		p.Fragment, p.IPID, p.FragOffset, p.MoreFrags = true, id, off, more
		if off != 0 {
			p.HasPorts, p.SrcPort, p.DstPort, p.HasDNSID = false, 0, 0, false
		}
		return p
	}
	ps := []decode.Packet{
		frag(udpP(t, 0, s, 0, c, 0, 342), 1, 362, false),
		dnsP(t, 5, c, 51851, s, 53, 0x9f91),
		frag(dnsP(t, 5.08, s, 53, c, 51851, 0x9f91), 2, 0, true),
		frag(udpP(t, 5.081, s, 0, c, 0, 1432), 2, 179, true),
		frag(udpP(t, 5.082, s, 0, c, 0, 380), 2, 358, false),
	}
	got := rows(run(t, Config{}, ps))
	want := []string{
		"udp,2607:f740:b::f93,256,->,2001:470:1f11:81f:d138:5f55:6d4:1fe2,0,1,0,INT, e    f,Start",
		"udp,2001:470:1f11:81f:d138:5f55:6d4:1fe2,51851,<->,2607:f740:b::f93,53,1,1,CON, e,Start",
		"udp,2607:f740:b::f93,512,->,2001:470:1f11:81f:d138:5f55:6d4:1fe2,0,2,0,INT, e    f,Start",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// TestTCPSequenceFlags pins the flgs position 4 and 6 rules taken from
// Argus's TCP model.
func TestTCPSequenceFlags(t *testing.T) {
	c, s := "10.0.0.1", "10.0.0.2"
	ipid := func(p decode.Packet, id uint32) decode.Packet { p.IPID = id; return p }
	hs := func(t *testing.T, flags uint8) []decode.Packet {
		return []decode.Packet{
			tcpP(t, 0, c, 41000, s, 80, syn|flags, 100, 0),
			acked(tcpP(t, 0.001, s, 80, c, 41000, synack|flags&decode.TCPEce, 900, 0), 101),
			acked(tcpP(t, 0.002, c, 41000, s, 80, ack, 101, 0), 901),
		}
	}
	tests := []struct {
		name  string
		pkts  func(t *testing.T) []decode.Packet
		flags string
	}{
		{"in-order data", func(t *testing.T) []decode.Packet {
			return append(hs(t, 0),
				ipid(acked(tcpP(t, 0.01, c, 41000, s, 80, psh|ack, 101, 100), 901), 10),
				ipid(acked(tcpP(t, 0.02, c, 41000, s, 80, psh|ack, 201, 100), 901), 11))
		}, " e"},
		{"segment below the receiver's ack is a retransmission", func(t *testing.T) []decode.Packet {
			return append(hs(t, 0),
				ipid(acked(tcpP(t, 0.01, c, 41000, s, 80, psh|ack, 101, 100), 901), 10),
				acked(tcpP(t, 0.02, s, 80, c, 41000, ack, 901, 0), 201),
				ipid(acked(tcpP(t, 0.3, c, 41000, s, 80, psh|ack, 101, 100), 901), 11))
		}, " e s"},
		{"IP id going back is out of order", func(t *testing.T) []decode.Packet {
			return append(hs(t, 0),
				ipid(acked(tcpP(t, 0.01, c, 41000, s, 80, psh|ack, 201, 100), 901), 11),
				ipid(acked(tcpP(t, 0.02, c, 41000, s, 80, psh|ack, 101, 100), 901), 10))
		}, " e i"},
		{"ECE without ECN negotiated", func(t *testing.T) []decode.Packet {
			return append(hs(t, 0), acked(tcpP(t, 0.01, s, 80, c, 41000, ack|decode.TCPEce, 901, 0), 101))
		}, " e"},
		{"ECN negotiated, ECE from the destination", func(t *testing.T) []decode.Packet {
			return hs(t, decode.TCPEce|decode.TCPCwr)
		}, " e   t"},
		{"ECN negotiated, ECE from both", func(t *testing.T) []decode.Packet {
			return append(hs(t, decode.TCPEce|decode.TCPCwr),
				acked(tcpP(t, 0.01, c, 41000, s, 80, ack|decode.TCPEce, 101, 0), 901))
		}, " e   E"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs := run(t, Config{}, tc.pkts(t))
			if len(recs) != 1 || recs[0].Flgs != tc.flags {
				t.Errorf("got %q, want flgs %q", rows(recs), tc.flags)
			}
		})
	}
}

// TestMultipath checks flgs 'M' (tapdb records MACs as argus -m does).
func TestMultipath(t *testing.T) {
	fwd := udpP(t, 0, "10.0.0.1", 1, "10.0.0.2", 2, 10)
	rev := udpP(t, 0.1, "10.0.0.2", 2, "10.0.0.1", 1, 10)
	if r := run(t, Config{}, []decode.Packet{fwd, rev})[0]; r.Flgs != " e" {
		t.Errorf("symmetric MACs: flgs %q", r.Flgs)
	}
	rev.SrcMAC = [6]byte{2, 9, 9, 9, 9, 9} // a router on the way back
	if r := run(t, Config{}, []decode.Packet{fwd, rev})[0]; r.Flgs != " M" {
		t.Errorf("second MAC pair: flgs %q", r.Flgs)
	}
	sll := func(p decode.Packet) decode.Packet {
		p.Encaps, p.HasMAC = decode.EncSLL, false
		return p
	}
	if r := run(t, Config{}, []decode.Packet{sll(fwd)})[0]; r.Flgs != " *" {
		t.Errorf("one-way cooked capture: flgs %q", r.Flgs)
	}
	if r := run(t, Config{}, []decode.Packet{sll(fwd), sll(rev)})[0]; r.Flgs != " M" {
		t.Errorf("two-way cooked capture: flgs %q", r.Flgs)
	}
}
