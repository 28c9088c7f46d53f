# Compare dumpframes output with tshark field by field, frame by frame.
# Usage: python3 tshark-compare.py CAPTURE DUMP   (DUMP from ./dumpframes)
# Known, intended differences: tshark reassembles IP fragments (ports and
# UDP length on the last fragment), decodes VXLAN and Teredo (we do not),
# and numbers pcapng custom blocks as frames.
import subprocess, sys, re
F=["frame.number","frame.protocols","ip.src","ip.dst","ipv6.src","ipv6.dst","tcp.srcport","tcp.dstport","udp.srcport","udp.dstport",
   "tcp.flags","tcp.seq_raw","tcp.ack_raw","tcp.window_size_value","tcp.len","icmp.type","icmp.code","icmp.ident","icmp.seq",
   "icmpv6.type","icmpv6.code","icmpv6.echo.identifier","icmpv6.echo.sequence_number","vlan.id","mpls.label","ip.ttl","ipv6.hlim",
   "ip.id","arp.src.proto_ipv4","arp.dst.proto_ipv4","arp.opcode","eth.src","eth.dst","dns.id","udp.length","ip.flags.mf","ip.frag_offset","ipv6.fraghdr.offset","ipv6.fraghdr.more","ipv6.fraghdr.ident"]
path=sys.argv[1]
cmd=["tshark","-r",path,"-T","fields","-E","occurrence=a","-E","aggregator=|","-o","tcp.relative_sequence_numbers:FALSE"]
for f in F: cmd+=["-e",f]
out=subprocess.run(cmd,capture_output=True,text=True).stdout.splitlines()
ts={}
for line in out:
    v=line.split("\t")
    d=dict(zip(F,[x.split("|") if x else [] for x in v]))
    ts[int(v[0])]=d
mine={}
for line in open(sys.argv[2]):
    if not line[0].isdigit(): continue
    num,err,rest=line.rstrip("\n").split("\t",2)
    kv=dict(re.findall(r'(\w+)=(\S+)',rest))
    m=re.search(r' (\S+)>(\S+) p=',rest); kv['src'],kv['dst']=m.group(1),m.group(2)
    m=re.search(r'ports=(\w+) (\d+)>(\d+)',rest); kv['ports']=(m.group(1),int(m.group(2)),int(m.group(3)))
    m=re.search(r'icmp=(\w+) (\d+)/(\d+)',rest); kv['icmpt']=(m.group(1),int(m.group(2)),int(m.group(3)))
    m=re.search(r'inner=(\w+) (\S+)>(\S+) p=(\d+) (\w+) (\d+)>(\d+)',rest); kv['inner']=m.groups()
    m=re.search(r'mac=(\w+) (\w+)>(\w+)',rest); kv['mac']=m.groups()
    m=re.search(r'icmp=\w+ \d+/\d+ id=(\d+) seq=(\d+)',rest); kv['icmpidseq']=(int(m.group(1)),int(m.group(2)))
    kv['err']=err
    mine[int(num)]=kv
bad=0
def rep(n,what,exp,got):
    global bad; bad+=1
    if bad<40: print(path.split('/')[-1],n,what,"tshark",exp,"mine",got)
for n,t in ts.items():
    m=mine.get(n)
    if m is None: rep(n,"missing","",""); continue
    layers=t["frame.protocols"][0].split(":") if t["frame.protocols"] else []
    # innermost network layer before any icmp error layer
    errpos=len(layers)
    for i,l in enumerate(layers):
        if l=="icmp" and t["icmp.type"] and t["icmp.type"][0] in ("3","4","5","11","12"): errpos=i;break
        if l=="icmpv6" and t["icmpv6.type"] and t["icmpv6.type"][0] in ("1","2","3","4"): errpos=i;break
    k4=k6=-1;last=None
    for l in layers[:errpos]:
        if l=="ip": k4+=1; last=("ip",k4)
        if l=="ipv6": k6+=1; last=("ipv6",k6)
    if last:
        fam,k=last
        try:
            es,ed=t[fam+".src"][k],t[fam+".dst"][k]
        except IndexError: es=ed=None
        if es and (m['src'],m['dst'])!=(es,ed): rep(n,"addr",(es,ed),(m['src'],m['dst']))
    elif t["arp.opcode"]:
        if (m['src'],m['dst'])!=(t["arp.src.proto_ipv4"][0],t["arp.dst.proto_ipv4"][0]) or m['arp']!=t["arp.opcode"][0]: rep(n,"arp",(t["arp.src.proto_ipv4"],t["arp.dst.proto_ipv4"],t["arp.opcode"]),(m['src'],m['dst'],m['arp']))
    else:
        if m['net'] not in ('4','0'): rep(n,"net-nonip",layers,m['net'])
    isErr = errpos<len(layers)
    for pr in ("tcp","udp"):
        if t[pr+".srcport"] and "vxlan" not in layers:
            sp,dp=int(t[pr+".srcport"][0]),int(t[pr+".dstport"][0])
            if isErr:
                inn=m['inner']
                if (int(inn[5]),int(inn[6]))!=(sp,dp): rep(n,"innerports",(sp,dp),inn)
            elif m['ports'][1:]!=(sp,dp): rep(n,pr+"ports",(sp,dp),m['ports'])
    if t["tcp.flags"] and not isErr:
        if int(t["tcp.flags"][0],16)&0xff!=int(m['fl'],16): rep(n,"flags",t["tcp.flags"],m['fl'])
        if int(t["tcp.seq_raw"][0])!=int(m['tseq']) or int(t["tcp.ack_raw"][0] or 0)!=int(m['ack']) : rep(n,"seq/ack",(t["tcp.seq_raw"],t["tcp.ack_raw"]),(m['tseq'],m['ack']))
        if int(t["tcp.window_size_value"][0])!=int(m['win']): rep(n,"win",t["tcp.window_size_value"],m['win'])
        if t["tcp.len"] and int(t["tcp.len"][0])!=int(m['plen']): rep(n,"tcplen",t["tcp.len"],m['plen'])
    if t["udp.length"] and not isErr and "vxlan" not in layers and len(t["udp.length"])==1:
        if int(t["udp.length"][0])-8!=int(m['plen']): rep(n,"udplen",t["udp.length"],m['plen'])
    if t["icmp.type"]:
        if (int(t["icmp.type"][0]),int(t["icmp.code"][0]))!=m['icmpt'][1:]: rep(n,"icmp",(t["icmp.type"],t["icmp.code"]),m['icmpt'])
        if t["icmp.ident"] and t["icmp.type"][0] in ("0","8") and (int(t["icmp.ident"][0]),int(t["icmp.seq"][0]))!=m['icmpidseq']: rep(n,"icmpid",(t["icmp.ident"],t["icmp.seq"]),m['icmpidseq'])
    if t["icmpv6.type"]:
        if (int(t["icmpv6.type"][0]),int(t["icmpv6.code"][0]))!=m['icmpt'][1:]: rep(n,"icmp6",(t["icmpv6.type"],t["icmpv6.code"]),m['icmpt'])
        if t["icmpv6.echo.identifier"] and (int(t["icmpv6.echo.identifier"][0],0),int(t["icmpv6.echo.sequence_number"][0]))!=m['icmpidseq']: rep(n,"icmp6id",t["icmpv6.echo.identifier"],m['icmpidseq'])
    if isErr:
        inn=m['inner']
        fam="ip" if k4+1<len(t["ip.src"]) else "ipv6"
        kk=k4+1 if fam=="ip" else k6+1
        try:
            if (inn[1],inn[2])!=(t[fam+".src"][kk],t[fam+".dst"][kk]): rep(n,"inner",(t[fam+".src"],t[fam+".dst"]),inn)
        except IndexError: rep(n,"inner-idx",(t["ip.src"],t["ipv6.src"]),inn)
    if t["vlan.id"] and m['vlan']!="true/"+t["vlan.id"][0]: rep(n,"vlan",t["vlan.id"],m['vlan'])
    if t["mpls.label"] and "icmp" not in layers and m['mpls']!="true/"+t["mpls.label"][0]: rep(n,"mpls",t["mpls.label"],m['mpls'])
    if t["eth.src"]:
        if m['mac'][0]!='true' or m['mac'][2]!=t["eth.dst"][0].replace(':','') : rep(n,"mac",(t["eth.src"],t["eth.dst"]),m['mac'])
    if t["dns.id"] and t["udp.srcport"] and not isErr and ("53" in (t["udp.srcport"][0],t["udp.dstport"][0])):
        if m['dns']!="true/%d"%int(t["dns.id"][0],16): rep(n,"dns",t["dns.id"],m['dns'])
    if last and last[0]=="ip" and not isErr:
        if int(t["ip.ttl"][last[1]])!=int(m['ttl']): rep(n,"ttl",t["ip.ttl"],m['ttl'])
        if int(t["ip.id"][last[1]],16)!=int(m['ipid']): rep(n,"ipid",t["ip.id"],m['ipid'])
    if m['err']!='<nil>' : rep(n,"err",layers,m['err'])
print(path.split('/')[-1],"frames",len(ts),"mismatches",bad)
