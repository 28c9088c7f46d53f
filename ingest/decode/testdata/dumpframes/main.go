// Command dumpframes prints what the decoder makes of every frame of a
// capture, one line per frame, for testdata/tshark-compare.py to check
// against tshark:
//
//	go run ./ingest/decode/testdata/dumpframes f.pcap > f.mine
//	python3 ingest/decode/testdata/tshark-compare.py f.pcap f.mine
package main

import (
	"fmt"
	"io"
	"net/netip"
	"os"

	"tapdb/ingest/capture"
	"tapdb/ingest/decode"
)

func addrString(a decode.Addr) string { return netip.AddrFrom16(a).Unmap().String() }

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: dumpframes capture-file")
		os.Exit(2)
	}
	r, err := capture.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer r.Close()
	d := decode.NewDecoder()
	var f capture.Frame
	var p decode.Packet
	for {
		if err := r.Next(&f); err != nil {
			if err != io.EOF {
				fmt.Fprintln(os.Stderr, err)
			}
			return
		}
		p.Reset()
		err := d.Decode(f.LinkType, f.Data, &p)
		fmt.Printf("%d\t%v\tnet=%d enc=%#x et=%#04x %s>%s p=%d ports=%v %d>%d ttl=%d tos=%d ipid=%d frag=%v/%d/%v opts=%#x tcp=%v fl=%#x tseq=%d ack=%d win=%d icmp=%v %d/%d id=%d seq=%d plen=%d dns=%v/%d inner=%v %s>%s p=%d %v %d>%d vlan=%v/%d mpls=%v/%d mac=%v %x>%x arp=%d llc=%x/%x\n",
			f.Number, err, p.Net, p.Encaps, p.EtherType, addrString(p.Src), addrString(p.Dst), p.Proto, p.HasPorts, p.SrcPort, p.DstPort, p.TTL, p.TOS, p.IPID, p.Fragment, p.FragOffset, p.MoreFrags, p.IPOptions,
			p.IsTCP, p.TCPFlags, p.TCPSeq, p.TCPAck, p.TCPWindow, p.IsICMP, p.ICMPType, p.ICMPCode, p.ICMPID, p.ICMPSeq, p.PayloadLen, p.HasDNSID, p.DNSID,
			p.HasInner, addrString(p.InnerSrc), addrString(p.InnerDst), p.InnerProto, p.InnerHasPorts, p.InnerSrcPort, p.InnerDstPort, p.HasVLAN, p.VLANID, p.HasMPLS, p.MPLSLabel, p.HasMAC, p.SrcMAC, p.DstMAC, p.ARPOp, p.LLCDSAP, p.LLCSSAP)
	}
}
