package phone

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"math/big"
)

// codeSpace is the number of 6-digit codes, 000000 to 999999.
var codeSpace = big.NewInt(1_000_000)

// newCode returns a uniformly random 6-digit code from crypto/rand; leading zeros are
// kept, so every code is one in a million. rand.Int draws without modulo bias.
func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, codeSpace)
	if err != nil {
		return "", fmt.Errorf("draw one-time code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// isCode reports whether s has the shape of a code: exactly six ASCII digits.
func isCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// codeMAC binds a code to the device it was sent for, under the method's secret, so a
// stored MAC neither reveals the code nor matches on another device.
func codeMAC(secret []byte, deviceID, code string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("vaxbook phone code\x00"))
	m.Write([]byte(deviceID))
	m.Write([]byte{0})
	m.Write([]byte(code))
	return m.Sum(nil)
}

// maskPhone shows enough of a number for the resident to recognise it and no more:
// "01012345678" becomes "010-****-5678".
func maskPhone(p string) string {
	if len(p) < 8 {
		return "***"
	}
	return p[:3] + "-****-" + p[len(p)-4:]
}
