package rafmt

const hexDigits = "0123456789abcdef"

// MAC is a 6-byte MAC address as ra prints it with -n: lowercase hex
// pairs separated by colons.
func MAC(m []byte) string {
	var b [17]byte
	for i := 0; i < 6; i++ {
		if i > 0 {
			b[3*i-1] = ':'
		}
		b[3*i] = hexDigits[m[i]>>4]
		b[3*i+1] = hexDigits[m[i]&15]
	}
	return string(b[:])
}
