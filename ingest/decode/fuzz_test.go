package decode

import (
	"path/filepath"
	"testing"

	"tapdb/ingest/capture"
)

// fuzzLinks are the link types FuzzDecode chooses from by its first byte.
var fuzzLinks = []uint32{
	capture.LinkEthernet, capture.LinkLinuxSLL, capture.LinkSLL2, capture.LinkNull, capture.LinkLoop,
	capture.LinkRaw, capture.LinkIPv4, capture.LinkIPv6, capture.LinkPPP, capture.LinkNFLOG,
	linkPPPHDLC, linkCHDLC, linkRawBSD12,
}

func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.pcap"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		for _, fr := range frames(f, filepath.Base(file)) {
			for i, lt := range fuzzLinks {
				if lt == fr.LinkType {
					f.Add(uint8(i), fr.Data)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, link uint8, data []byte) {
		lt := fuzzLinks[int(link)%len(fuzzLinks)]
		d := NewDecoder()
		var p, q Packet
		err := d.Decode(lt, data, &p)
		if (err == nil) != (p.Net != NetNone) {
			t.Fatalf("err %v with Net %d", err, p.Net)
		}
		if p.PayloadLen < 0 || p.PayloadLen > 1<<16+1<<8 {
			t.Fatalf("PayloadLen %d", p.PayloadLen)
		}
		if p.HasDNSID && p.SrcPort != 53 && p.DstPort != 53 {
			t.Fatalf("DNS id without port 53")
		}
		d.KeepIPTunnels = true
		_ = d.Decode(lt, data, &q)
	})
}
