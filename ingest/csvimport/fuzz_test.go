package csvimport

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"testing"
	"time"

	"tapdb/schema"
)

// FuzzParse feeds arbitrary text to the reader: no panic, no endless loop,
// and every record it accepts is one the store can hold.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"StartTime,LastTime,Flgs,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,SrcPkts,DstPkts,SrcBytes,DstBytes,State\n1795755962.189339,1795755963.5, e        ,tcp,192.0.2.1,55308,   ->,192.0.2.2,http,7,5,600,471,FIN\n",
		"stime,proto,saddr,sport,daddr,dport,spkts,dpkts,sbytes,dbytes\n10.5,icmp,172.16.133.2,0x0008,172.217.11.78,0x0800,1,1,98,98\n",
		"StartTime;Proto;SrcAddr;DstAddr;TotPkts;TotBytes\n05:08:00.954581;udp;10.0.0.1.53;10.0.0.2.domain;2;100\n",
		"StartTime,Dur,Proto,SrcAddr,DstAddr,SrcPkts,TotPkts,SrcBytes,TotBytes,sTtl,SrcWin,SynAck\n2026/11/27.05:00:01.123456,2.5,2054,10.0.0.1,10.0.0.2,1,3,60,180,64,99999,0.1\n",
		"StartTime,Proto,SrcAddr,DstAddr,SrcPkts,DstPkts,SrcBytes,DstBytes\n1,llc,00:1b:21:aa:bb:cc,Broadcast,1,0,60,0\n1,0,a,b\n\"x\n",
		"StartTime,Proto,SrcAddr,Sport,DstAddr,Dport\n1,llc,00:13:c3:df:ae:18,snap,01:00:0c:cd:cd:d0,stp\n2,st2,10.1.5.1,,10.2.5.2,\n3,unas,10.0.0.1,,10.0.0.2,\n4,igmp,localhost,,0.0.0.0,\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s), false)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(seeds[0]))
	zw.Close()
	f.Add(gz.Bytes(), false)
	f.Fuzz(func(t *testing.T, data []byte, withDate bool) {
		opts := Options{Location: time.UTC}
		if withDate {
			opts.Date = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
		}
		r, err := NewReader(bytes.NewReader(data), opts)
		if err != nil {
			return
		}
		for i := 0; i <= len(data); i++ {
			var rec schema.Record
			err := r.Read(&rec)
			if err == io.EOF {
				return
			}
			var re *RowError
			if errors.As(err, &re) {
				if re.Line < 2 {
					t.Fatalf("row error on line %d: %v", re.Line, re)
				}
				continue
			}
			if err != nil {
				return
			}
			if rec.Ltime.Before(rec.Stime) {
				t.Fatalf("ltime %v before stime %v", rec.Ltime, rec.Stime)
			}
			if rec.Spkts < 0 || rec.Dpkts < 0 || rec.Sbytes < 0 || rec.Dbytes < 0 {
				t.Fatalf("negative counter in %+v", rec)
			}
			if rec.Saddr == "" || rec.Daddr == "" || rec.Trans < 1 || rec.Cause == "" {
				t.Fatalf("incomplete record %+v", rec)
			}
		}
		t.Fatal("more rows than bytes: the reader does not advance")
	})
}
