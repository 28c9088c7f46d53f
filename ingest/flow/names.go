package flow

import "tapdb/ingest/decode"

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
