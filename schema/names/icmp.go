package names

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

// ICMPState is the Argus state of an IPv4 ICMP record of the given type
// and code, as ra prints it (UNK for types Argus does not name).
func ICMPState(typ, code uint8) string {
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

// ICMPv6State is the Argus state of an ICMPv6 record, as ra prints it.
func ICMPv6State(typ, code uint8) string {
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
