package netflow

import "tapdb/schema"

// TCP flag bits.
const (
	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpRST = 0x04
	tcpACK = 0x10
)

// finish sets the state and direction of a record from its counts, flags
// and ICMP type (see the package documentation).
func finish(r *schema.Record) {
	r.State = state(r)
	r.Dir = dir(r)
}

func dir(r *schema.Record) string {
	if r.Dpkts == 0 || r.Spkts == 0 && r.Dpkts == 0 {
		return "->"
	}
	if r.Spkts == 0 {
		return "<-"
	}
	if r.PNum == protoTCP && (r.STCPFlags|r.DTCPFlags)&tcpSYN != 0 {
		return "->"
	}
	return "<->"
}

func state(r *schema.Record) string {
	both := r.Spkts > 0 && r.Dpkts > 0
	switch r.PNum {
	case protoTCP:
		fl := r.STCPFlags | r.DTCPFlags
		switch {
		case fl&tcpRST != 0:
			return "RST"
		case fl&tcpFIN != 0:
			return "FIN"
		case fl&tcpSYN != 0 && fl&tcpACK == 0:
			return "REQ"
		case fl != 0:
			return "CON"
		}
	case protoICMP:
		if r.EType == 0x0800 {
			return icmpState(uint8(r.Sport), uint8(r.Sport>>8), both)
		}
	case protoICMPv6:
		if r.EType == 0x86dd {
			return icmp6State(uint8(r.Sport), uint8(r.Dport), both)
		}
	}
	if both {
		return "CON"
	}
	return "INT"
}

var icmpUnreach = [...]string{"URN", "URH", "URO", "URP", "URF", "URS", "URNU", "URHU", "URISO", "URNPRO", "URHPRO", "URNTOS", "URHTOS", "URFIL", "URPRE", "URCUT"}

var icmpStates = map[uint8]string{
	0: "ECR", 4: "SRC", 5: "RED", 8: "ECO", 9: "RTA", 10: "RTS", 11: "TXD", 12: "PAR",
	13: "TST", 14: "TSR", 15: "IRQ", 16: "IRR", 17: "MAS", 18: "MSR",
	30: "TRC", 31: "DCE", 32: "MHR", 33: "WAY", 34: "IAH", 35: "MRQ", 36: "MRP",
	37: "DNQ", 38: "DNP", 39: "SKP", 40: "PHO",
}

// icmpState is Argus's state of an IPv4 ICMP record (ARGUS-NOTES 2.5). A
// paired echo reply makes the record ECO, as Argus folds replies into the
// request.
func icmpState(typ, code uint8, both bool) string {
	if typ == 3 {
		if int(code) < len(icmpUnreach) {
			return icmpUnreach[code]
		}
		return "UNK"
	}
	if typ == 0 && both {
		return "ECO"
	}
	if s, ok := icmpStates[typ]; ok {
		return s
	}
	return "UNK"
}

var icmp6Unreach = [...]string{"URNR", "URAD", "URBS", "URAR", "URP", "URSF", "URRR", "URES"}

var icmp6States = map[uint8]string{
	2: "PTB", 128: "ECO", 129: "ECR", 130: "MRQ", 131: "MHR", 143: "MHR",
	133: "NRS", 134: "NRA", 135: "NNS", 136: "NNA", 137: "RED",
}

// icmp6State is Argus's state of an ICMPv6 record (ARGUS-NOTES 2.5).
func icmp6State(typ, code uint8, both bool) string {
	switch typ {
	case 1:
		if int(code) < len(icmp6Unreach) {
			return icmp6Unreach[code]
		}
		return "UNK"
	case 3:
		if code == 1 {
			return "TXR"
		}
		return "TXT"
	case 4:
		switch code {
		case 1:
			return "PPNH"
		case 2:
			return "PPO"
		}
		return "PPH"
	case 129:
		if both {
			return "ECO"
		}
	}
	if s, ok := icmp6States[typ]; ok {
		return s
	}
	return "UNK"
}
