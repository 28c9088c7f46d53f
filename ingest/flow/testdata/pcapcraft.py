# pcapcraft.py — the packet builders and pcap writer shared by
# fragments.py and tunnels.py (IPv4, IPv6, fragment header, UDP, TCP,
# Ethernet, checksums).
import struct, socket

def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b)//2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def eth(payload, etype):
    return b'\x02\0\0\0\0\x01' + b'\x02\0\0\0\0\x02' + struct.pack('!H', etype) + payload

def ip4(src, dst, proto, payload, ident=1, mf=0, off=0, ttl=64):
    tl = 20 + len(payload)
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, tl, ident, (mf << 13) | off, ttl, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + payload

def ip6(src, dst, nh, payload, hlim=64):
    return struct.pack('!IHBB16s16s', 6 << 28, len(payload), nh, hlim,
                       socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst)) + payload

def frag6(nh, off, mf, ident, payload):
    return struct.pack('!BBHI', nh, 0, (off << 3) | mf, ident) + payload

def udp(sp, dp, payload):
    return struct.pack('!HHHH', sp, dp, 8 + len(payload), 0) + payload

def tcp(sp, dp, flags=0x02, payload=b''):
    return struct.pack('!HHIIBBHHH', sp, dp, 1000, 0, 5 << 4, flags, 8192, 0, 0) + payload

def writepcap(path, pkts):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for t, frame in pkts:
            sec = int(t); us = int(round((t - sec) * 1e6))
            f.write(struct.pack('<IIII', sec, us, len(frame), len(frame)))
            f.write(frame)
