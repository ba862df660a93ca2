package identity

import (
	"strings"

	"vaxbook"
)

// mobilePrefixes are the Korean mobile prefixes. 011 and 016–019 were closed to new
// subscribers, but some 2G-era numbers were kept (carried over to 010 services), so
// they are still accepted; they may be 10 or 11 digits long, while 010 numbers always
// have 11.
var mobilePrefixes = []string{"010", "011", "016", "017", "018", "019"}

// NormalizePhone returns a Korean mobile number as digits only, "01012345678". It
// accepts the forms residents type: "010-1234-5678", "010 1234 5678", "01012345678",
// "+82 10 1234 5678", "+82-10-1234-5678" and "+82 (0)10 …". Anything else, including
// landlines and other countries, is a *vaxbook.Error with CodeInvalidInput; messages
// never repeat the input, since it is personal data and error text can reach logs.
func NormalizePhone(s string) (string, error) {
	// A phone number with separators is never longer than this; a bound keeps
	// pathological input from costing more than a glance.
	if len(s) > 32 {
		return "", errPhone()
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == '+':
			if b.Len() > 0 { // a plus only opens a number
				return "", errPhone()
			}
			b.WriteByte(c)
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		default:
			return "", errPhone()
		}
	}
	n := b.String()
	if rest, ok := strings.CutPrefix(n, "+82"); ok {
		// International form drops the trunk 0 ("+82 10…"), though "+82 (0)10…" keeps it.
		if !strings.HasPrefix(rest, "0") {
			rest = "0" + rest
		}
		n = rest
	}
	if strings.HasPrefix(n, "+") {
		return "", errPhone()
	}
	if len(n) < 10 || len(n) > 11 {
		return "", errPhone()
	}
	for _, p := range mobilePrefixes {
		if strings.HasPrefix(n, p) {
			if p == "010" && len(n) != 11 {
				return "", errPhone()
			}
			return n, nil
		}
	}
	return "", errPhone()
}

func errPhone() error {
	return vaxbook.Errorf(vaxbook.CodeInvalidInput,
		"Enter a Korean mobile phone number, such as 010-1234-5678.")
}
