package flow

import "tapdb/ingest/decode"

// icmpTypeStates are the IPv4 ICMP states by type; "" means UNK, and type 3
// is handled by unreachStates.
var icmpTypeStates = [...]string{
	0: "ECR", 4: "SRC", 5: "RED", 8: "ECO", 9: "RTA", 10: "RTS", 11: "TXD", 12: "PAR",
	13: "TST", 14: "TSR", 15: "IRQ", 16: "IRR", 17: "MAS", 18: "MSR", 19: "SEC",
	20: "ROB", 21: "ROB", 22: "ROB", 23: "ROB", 24: "ROB", 25: "ROB", 26: "ROB",
	27: "ROB", 28: "ROB", 29: "ROB", 30: "TRC", 31: "DCE", 32: "MHR", 33: "WAY",
	34: "IAH", 35: "MRQ", 36: "MRP", 37: "DNQ", 38: "DNP", 39: "SKP", 40: "PHO",
}

var unreachStates = [...]string{
	"URN", "URH", "URO", "URP", "URF", "URS", "URNU", "URHU", "URISO", "URNPRO",
	"URHPRO", "URNTOS", "URHTOS", "URFIL", "URPRE", "URCUT",
}

// icmpState is the State of an IPv4 ICMP record.
func icmpState(typ, code uint8) string {
	if typ == 3 {
		if int(code) < len(unreachStates) {
			return unreachStates[code]
		}
		return "UR"
	}
	if int(typ) < len(icmpTypeStates) && icmpTypeStates[typ] != "" {
		return icmpTypeStates[typ]
	}
	return "UNK"
}

var icmp6UnreachStates = [...]string{"URNR", "URAD", "URBS", "URAR", "URP", "URSF", "URRR", "URES"}

// icmp6State is the State of an ICMPv6 record.
func icmp6State(typ, code uint8) string {
	switch typ {
	case 1:
		if int(code) < len(icmp6UnreachStates) {
			return icmp6UnreachStates[code]
		}
	case 2:
		return "PTB"
	case 3:
		if code == 0 {
			return "TXT"
		}
		return "TXR"
	case 4:
		switch code {
		case 0:
			return "PPH"
		case 1:
			return "PPNH"
		case 2:
			return "PPO"
		}
	case 128:
		return "ECO"
	case 129:
		return "ECR"
	case 130:
		return "MRQ"
	case 131, 143:
		return "MHR"
	case 133:
		return "NRS"
	case 134:
		return "NRA"
	case 135:
		return "NNS"
	case 136:
		return "NNA"
	case 137:
		return "RED"
	}
	return "UNK"
}

// echoStates maps an IPv4 query type to its request and reply state.
func echoStates(req uint8) (request, reply string) {
	switch req {
	case 13:
		return "TST", "TSR"
	case 15:
		return "IRQ", "IRR"
	case 17:
		return "MAS", "MSR"
	}
	return "ECO", "ECR"
}

// encapNames are the encapsulation names of Record.Encaps, outermost first.
var encapNames = [...]struct {
	bit    uint32
	name   string
	letter byte // flgs position 2, 0 when the encapsulation has no letter
}{
	{decode.EncSLL, "sll", 'S'},
	{decode.EncSLL2, "sll2", 'S'},
	{decode.EncNull, "null", 0},
	{decode.EncRaw, "raw", 0},
	{decode.EncNFLOG, "nflog", 0},
	{decode.EncEthernet, "eth", 'e'},
	{decode.EncVLAN, "vlan", 'v'},
	{decode.EncPPPoE, "pppoe", 'p'},
	{decode.EncPPP, "ppp", 0},
	{decode.EncMPLS, "mpls", 'm'},
	{decode.EncLLC, "llc", 'l'}, // emp.: CDP over LLC/SNAP printed '*'
	{decode.EncGRE, "gre", 'G'},
	{decode.EncIPinIP, "ipnip", 'P'},
	{decode.Enc6in4, "6in4", '6'},
	{decode.Enc4in6, "4in6", '6'},
	{decode.Enc6in6, "6in6", '6'},
}

// encapsText is the comma list of encapsulation names, outermost first.
func encapsText(bits uint32) string {
	var b []byte
	for _, e := range encapNames {
		if bits&e.bit != 0 {
			if len(b) > 0 {
				b = append(b, ',')
			}
			b = append(b, e.name...)
		}
	}
	return string(b)
}

// encapsLetter is flgs position 2: the encapsulation's letter, '*' when
// more than one lettered encapsulation was seen, ' ' for none.
func encapsLetter(bits uint32) byte {
	var letter byte = ' '
	n := 0
	for _, e := range encapNames {
		if bits&e.bit != 0 && e.letter != 0 {
			n++
			letter = e.letter
		}
	}
	if bits&(decode.EncSLL|decode.EncSLL2) != 0 {
		// Argus records a cooked capture as SLL plus Ethernet: '*' (emp.).
		n++
	}
	if n > 1 {
		return '*'
	}
	return letter
}

// optionLetter is flgs position 8 for the IP options seen.
func optionLetter(opts uint8) byte {
	switch opts {
	case 0:
		return ' '
	case decode.OptRouterAlert:
		return 'A'
	case decode.OptTimestamp:
		return 'T'
	case decode.OptRecordRoute:
		return 'R'
	case decode.OptSecurity:
		return '+'
	case decode.OptLooseSrcRoute:
		return 'L'
	case decode.OptStrictSrcRoute:
		return 'S'
	case decode.OptSATID:
		return 'D'
	case decode.OptUnknown:
		return 'U'
	}
	return 'O'
}
