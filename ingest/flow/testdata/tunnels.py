# tunnels.py — writes tunnels.pcap: one UDP packet in each of 4in6, 6in6,
# IP-in-IP and 6in4, to compare with argus 3.0.8, which keeps all four as
# the outer flow. Run: python3 tunnels.py tunnels.pcap
import struct, socket, sys

from pcapcraft import *

T = 1700000000.0
P = []
def add(dt, frame): P.append((T + dt, frame))
E6, E4 = 0x86dd, 0x0800
data = bytes(range(100))
inner4 = ip4('10.0.0.1', '10.0.0.2', 17, udp(1000, 2000, data))
inner6 = ip6('fd00::1', 'fd00::2', 17, udp(1000, 2000, data))
add(0.0, eth(ip6('2001:db8::1', '2001:db8::2', 4, inner4), E6))
add(0.1, eth(ip6('2001:db8::3', '2001:db8::4', 41, inner6), E6))
add(0.2, eth(ip4('192.0.2.1', '192.0.2.2', 4, inner4), E4))
add(0.3, eth(ip4('192.0.2.3', '192.0.2.4', 41, inner6), E4))
writepcap(sys.argv[1] if len(sys.argv) > 1 else 'tunnels.pcap', P)
