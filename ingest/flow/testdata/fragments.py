# fragments.py — writes fragments.pcap: crafted IPv4 and IPv6 fragments
# (lone later fragments of several protocols, ids, address orders and
# directions, out-of-order first fragments, atomic fragments, duplicates,
# fragment-only flows living over several status intervals) to compare
# tapdb's keying with argus 3.0.8's. Run: python3 fragments.py fragments.pcap
import struct, socket, sys

from pcapcraft import *

T0 = 1700000000.0
P = []
def add(dt, frame): P.append((T0 + dt, frame))
E6, E4 = 0x86dd, 0x0800
data = bytes(range(256)) * 6
# ---- part 0 (frags)
# S1: lone later UDP fragment, id 0x12345678
add(0+0.0, eth(ip6('2001:db8:1::1', '2001:db8:1::2', 44, frag6(17, 100, 0, 0x12345678, data[:200])), E6))
# S2: two lone later fragments, same hosts, ids 5 and 6
add(0+0.1, eth(ip6('2001:db8:1::3', '2001:db8:1::4', 44, frag6(17, 100, 0, 5, data[:100])), E6))
add(0+0.2, eth(ip6('2001:db8:1::3', '2001:db8:1::4', 44, frag6(17, 100, 0, 6, data[:100])), E6))
# S3: same id, two later fragments, and one reversed direction with same id
add(0+0.3, eth(ip6('2001:db8:1::5', '2001:db8:1::6', 44, frag6(17, 100, 1, 7, data[:96])), E6))
add(0+0.31, eth(ip6('2001:db8:1::5', '2001:db8:1::6', 44, frag6(17, 112, 0, 7, data[:50])), E6))
add(0+0.32, eth(ip6('2001:db8:1::6', '2001:db8:1::5', 44, frag6(17, 100, 0, 7, data[:50])), E6))
# S4: TCP lone later fragment id 9; S5: ICMPv6 lone later fragment id 10
add(0+0.4, eth(ip6('2001:db8:1::7', '2001:db8:1::8', 44, frag6(6, 100, 0, 9, data[:60])), E6))
add(0+0.5, eth(ip6('2001:db8:1::9', '2001:db8:1::a', 44, frag6(58, 100, 0, 10, data[:60])), E6))
# S6: later fragment before the first (id 11)
add(0+0.6, eth(ip6('2001:db8:1::b', '2001:db8:1::c', 44, frag6(17, 100, 0, 11, data[:60])), E6))
add(0+0.61, eth(ip6('2001:db8:1::b', '2001:db8:1::c', 44, frag6(17, 0, 1, 11, udp(1000, 2000, data[:792]))), E6))
# S7: first fragment then later fragment of id 12 (UDP 1001 -> 2001), then a plain UDP packet on the same ports
add(0+0.7, eth(ip6('2001:db8:1::d', '2001:db8:1::e', 44, frag6(17, 0, 1, 12, udp(1001, 2001, data[:792]))), E6))
add(0+0.71, eth(ip6('2001:db8:1::d', '2001:db8:1::e', 44, frag6(17, 100, 0, 12, data[:60])), E6))
# S8: atomic fragment (off 0, M 0) UDP 1002 -> 2002, then plain packet same ports
add(0+0.8, eth(ip6('2001:db8:1::f', '2001:db8:1::10', 44, frag6(17, 0, 0, 13, udp(1002, 2002, data[:20]))), E6))
add(0+0.81, eth(ip6('2001:db8:1::f', '2001:db8:1::10', 17, udp(1002, 2002, data[:20])), E6))
# S9: IPv4 lone later fragments, two ids, same hosts
add(0+0.9, eth(ip4('10.1.0.1', '10.1.0.2', 17, data[:100], ident=0x1234, off=100), E4))
add(0+0.91, eth(ip4('10.1.0.1', '10.1.0.2', 17, data[:100], ident=0x1235, off=100), E4))
# S10: IPv4 TCP lone later fragment
add(0+0.92, eth(ip4('10.1.0.3', '10.1.0.4', 6, data[:100], ident=0x99, off=100), E4))
# S11: lone fragment id 0x00010002 (high half non-zero, low 2)
add(0+1.0, eth(ip6('2001:db8:1::11', '2001:db8:1::12', 44, frag6(17, 100, 0, 0x00010002, data[:40])), E6))
# ---- part 1 (frags2)
# T1: src > dst, id 0x12345678
add(40+0.0, eth(ip6('2001:db8:2::2', '2001:db8:2::1', 44, frag6(17, 100, 0, 0x12345678, data[:200])), E6))
# T2: src > dst first, then reverse same id
add(40+0.1, eth(ip6('2001:db8:2::4', '2001:db8:2::3', 44, frag6(17, 100, 1, 0x00050006, data[:96])), E6))
add(40+0.11, eth(ip6('2001:db8:2::3', '2001:db8:2::4', 44, frag6(17, 100, 0, 0x00050006, data[:50])), E6))
# T4: equal addresses
add(40+0.2, eth(ip6('2001:db8:2::5', '2001:db8:2::5', 44, frag6(17, 100, 0, 0x00070008, data[:50])), E6))
# T5: ICMPv6 lone frags src<dst and src>dst
add(40+0.3, eth(ip6('2001:db8:2::6', '2001:db8:2::7', 44, frag6(58, 100, 0, 0x12345678, data[:60])), E6))
add(40+0.4, eth(ip6('2001:db8:2::9', '2001:db8:2::8', 44, frag6(58, 100, 0, 0x12345678, data[:60])), E6))
# T6: IPv4 ICMP lone frag, other proto (47) lone frag, v6 proto 47 lone frag
add(40+0.5, eth(ip4('10.2.0.1', '10.2.0.2', 1, data[:100], ident=0x1234, off=100), E4))
add(40+0.6, eth(ip4('10.2.0.4', '10.2.0.3', 47, data[:100], ident=0x1235, off=100), E4))
add(40+0.7, eth(ip6('2001:db8:2::a', '2001:db8:2::b', 44, frag6(47, 100, 0, 0x12345678, data[:60])), E6))
add(40+0.8, eth(ip6('2001:db8:2::d', '2001:db8:2::c', 44, frag6(6, 100, 0, 0x12345678, data[:60])), E6))
# ---- part 2 (frags3)
# U1: IPv6 duplicate later fragment, same direction
add(80+0.0, eth(ip6('2001:db8:3::1', '2001:db8:3::2', 44, frag6(17, 100, 1, 0x21, data[:96])), E6))
add(80+0.01, eth(ip6('2001:db8:3::1', '2001:db8:3::2', 44, frag6(17, 100, 1, 0x21, data[:96])), E6))
# U2: IPv6 adjacent later fragments + reverse with a different id (bidirectional TCP)
add(80+0.1, eth(ip6('2001:db8:3::3', '2001:db8:3::4', 44, frag6(6, 100, 0, 0x22, data[:96])), E6))
add(80+0.11, eth(ip6('2001:db8:3::4', '2001:db8:3::3', 44, frag6(6, 100, 0, 0x22, data[:48])), E6))
# U3: IPv4 first, duplicate middle, last
add(80+0.2, eth(ip4('10.3.0.1', '10.3.0.2', 17, udp(1, 2, data[:96]), ident=0x31, mf=1, off=0), E4))
add(80+0.21, eth(ip4('10.3.0.1', '10.3.0.2', 17, data[:96], ident=0x31, mf=1, off=13), E4))
add(80+0.22, eth(ip4('10.3.0.1', '10.3.0.2', 17, data[:96], ident=0x31, mf=1, off=13), E4))
add(80+0.23, eth(ip4('10.3.0.1', '10.3.0.2', 17, data[:40], ident=0x31, mf=0, off=26), E4))
# U4: IPv4 ICMP lone frag with echo-request-looking bytes, TCP lone frag both directions
add(80+0.3, eth(ip4('10.3.0.3', '10.3.0.4', 1, b'\x08\x00' + data[:98], ident=0x41, off=100), E4))
add(80+0.4, eth(ip4('10.3.0.5', '10.3.0.6', 6, data[:100], ident=0x42, off=100), E4))
add(80+0.41, eth(ip4('10.3.0.6', '10.3.0.5', 6, data[:100], ident=0x42, off=100), E4))
# ---- part 3 (frags4)
# V1: IPv6 reverse direction, same id, non-overlapping offsets
add(120+0.0, eth(ip6('2001:db8:4::1', '2001:db8:4::2', 44, frag6(17, 100, 1, 0x21, data[:96])), E6))
add(120+0.01, eth(ip6('2001:db8:4::2', '2001:db8:4::1', 44, frag6(17, 500, 0, 0x21, data[:96])), E6))
# V2: ICMPv6 lone fragments whose id bytes look like type 128 code 1, and type 1 code 0
add(120+0.1, eth(ip6('2001:db8:4::3', '2001:db8:4::4', 44, frag6(58, 100, 0, 0x0180, data[:40])), E6))
add(120+0.2, eth(ip6('2001:db8:4::5', '2001:db8:4::6', 44, frag6(58, 100, 0, 0x0001, data[:40])), E6))
# V3: IPv6 lone frag then a status interval later another of the same id (status record)
add(120+0.3, eth(ip6('2001:db8:4::7', '2001:db8:4::8', 44, frag6(17, 100, 1, 0x23, data[:96])), E6))
add(120+3.3, eth(ip6('2001:db8:4::7', '2001:db8:4::8', 44, frag6(17, 200, 1, 0x23, data[:96])), E6))
add(120+6.0, eth(ip6('2001:db8:4::7', '2001:db8:4::8', 44, frag6(17, 300, 0, 0x23, data[:96])), E6))
# ---- part 4 (frags5)
for i in range(5):
    add(160+0.3 + i*5.5, eth(ip6('2001:db8:5::7', '2001:db8:5::8', 44, frag6(17, 100+i*20, 1, 0x00110023, data[:96])), E6))
    add(160+0.4 + i*5.5, eth(ip6('2001:db8:5::a', '2001:db8:5::9', 44, frag6(17, 100+i*20, 1, 0x00120024, data[:96])), E6))
    add(160+0.5 + i*5.5, eth(ip6('2001:db8:5::b', '2001:db8:5::b', 44, frag6(17, 100+i*20, 1, 0x00130025, data[:96])), E6))
writepcap(sys.argv[1] if len(sys.argv) > 1 else 'fragments.pcap', P)
