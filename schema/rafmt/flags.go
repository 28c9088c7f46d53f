package rafmt

// FlagPair is the letter of an Argus flag-string position for a condition
// seen from both sides, from the source only or from the destination only
// (ra prints, for example, '*', 's' and 'd' for loss); ' ' when neither.
func FlagPair(src, dst bool, both, srcOnly, dstOnly byte) byte {
	switch {
	case src && dst:
		return both
	case src:
		return srcOnly
	case dst:
		return dstOnly
	}
	return ' '
}
