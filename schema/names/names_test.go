package names

import "testing"

func TestServiceName(t *testing.T) {
	for _, tc := range []struct {
		port int
		tcp  bool
		want string
	}{
		{53, true, "domain"},
		{53, false, "domain"},
		{80, true, "http"}, // not its alias www
		{80, false, ""},    // listed for TCP only
		{21, false, "fsp"}, // another service on UDP
		{104, true, "acr-nema"},
		{11112, true, "dicom"},
		{0, true, ""},
		{65535, false, ""},
	} {
		if got := ServiceName(tc.port, tc.tcp); got != tc.want {
			t.Errorf("ServiceName(%d, %v) = %q, want %q", tc.port, tc.tcp, got, tc.want)
		}
		if tc.want == "" {
			continue
		}
		if p, ok := ServicePort(tc.want, tc.tcp); !ok || p != tc.port {
			t.Errorf("ServicePort(%q, %v) = %d, %v", tc.want, tc.tcp, p, ok)
		}
	}
	if _, ok := ServicePort("www", true); ok {
		t.Error("ServicePort reads an alias ra never prints")
	}
}

func TestServiceByName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want Service
		ok   bool
	}{
		{"domain", Service{53, true, true}, true},
		{"www", Service{80, true, false}, true},
		{"ntp", Service{123, false, true}, true},
		{"dicom", Service{104, true, false}, true}, // the first line naming it, as ra reads it
		{"Clearcase", Service{371, false, true}, true},
		{"nosuch", Service{}, false},
	} {
		if got, ok := ServiceByName(tc.name); ok != tc.ok || got != tc.want {
			t.Errorf("ServiceByName(%q) = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestProtoName(t *testing.T) {
	for _, tc := range []struct {
		p    uint8
		name string
	}{{0, "ip"}, {4, "ipnip"}, {6, "tcp"}, {58, "ipv6-icmp"}, {89, "ospf"}, {142, "rohc"}, {143, "143"}, {253, "253"}} {
		if got := ProtoName(tc.p); got != tc.name {
			t.Errorf("ProtoName(%d) = %q, want %q", tc.p, got, tc.name)
		}
		n, ok := ProtoNumber(tc.name)
		if numeric := tc.name[0] >= '0' && tc.name[0] <= '9'; ok == numeric || ok && n != tc.p {
			t.Errorf("ProtoNumber(%q) = %d, %v", tc.name, n, ok)
		}
	}
	if n := testing.AllocsPerRun(10, func() { _ = ProtoName(250) }); n != 0 {
		t.Errorf("ProtoName of an unnamed protocol allocates %v times", n)
	}
}

func TestProtoByName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want int
		ok   bool
	}{
		{"ospf", 89, true},
		{"OSPFIGP", 89, true},
		{"ipencap", 4, true},
		{"ipnip", 0, false}, // printed, but not an /etc/protocols name
		{"hopopt", 0, true},
		{"mptcp", 262, true},
		{"nosuch", 0, false},
	} {
		if got, ok := ProtoByName(tc.name); ok != tc.ok || got != tc.want {
			t.Errorf("ProtoByName(%q) = %d, %v; want %d, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestEtherTypeName(t *testing.T) {
	for _, tc := range []struct {
		et   uint16
		want string
	}{
		{0, "llc"},
		{0x0600, "idp"},
		{0x05ff, "1535"},
		{0x0800, "ip"},
		{0x0806, "2054"}, // ARP flows are named "arp" by the flow table
		{0x1001, "brkte"},
		{0x100f, "brkte"},
		{0x1010, "4112"},
		{0x88cc, "lldp"},
		{0x9000, "loop"},
		{0xfffe, "65534"},
		{0xffff, "*"},
	} {
		if got := EtherTypeName(tc.et); got != tc.want {
			t.Errorf("EtherTypeName(%#04x) = %q, want %q", tc.et, got, tc.want)
		}
	}
}

func TestEtherTypeByName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want int
		ok   bool
	}{{"ip", 0x0800, true}, {"ipv4", 0x0800, true}, {"ipv6", 0x86dd, true}, {"arp", 0x0806, true}, {"rarp", 0x8035, true}, {"lldp", 0, false}} {
		if got, ok := EtherTypeByName(tc.name); ok != tc.ok || got != tc.want {
			t.Errorf("EtherTypeByName(%q) = %#x, %v", tc.name, got, ok)
		}
	}
}

func TestTablesSorted(t *testing.T) {
	for i := 1; i < len(etherTypes); i++ {
		if etherTypes[i].lo <= etherTypes[i-1].hi || etherTypes[i].lo > etherTypes[i].hi {
			t.Errorf("etherTypes[%d] %v overlaps or is reversed", i, etherTypes[i])
		}
	}
}
