package phone

import (
	"context"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"vaxbook"
	"vaxbook/identity"
)

// Carriers are the carriers a resident chooses from, as a Subscriber names them. MVNO
// (알뜰폰) subscribers are checked by their host network's carrier, but the resident picks
// MVNO, so it is its own choice.
var Carriers = []string{"SKT", "KT", "LGU+", "MVNO"}

// maxNameRunes bounds a name: Korean names have 2–5 syllables, and registered
// foreigners' names, in Latin letters as on their card, stay well below this.
const maxNameRunes = 50

// Claim is what a resident types to verify by mobile phone: who they say they are and
// the phone they hold. The carrier confirms it or not; nothing in it is trusted before.
type Claim struct {
	Name    string
	Birth   vaxbook.Date
	Digit7  int    // the 7th digit of the registration number, 1–8
	Carrier string // one of Carriers
	Phone   string // any form NormalizePhone accepts; digits only once normalised
}

// Carrier is a mobile carrier's identity check (본인확인) and its SMS gateway.
type Carrier interface {
	// Verify asks whether the subscriber of claim.Phone at claim.Carrier has the
	// claimed name, birth date and 7th digit, and returns their identity if so. A
	// mismatch of any kind is CodeVerifyFailed with a generic message: saying which
	// field differed would let anyone learn a stranger's details field by field. A
	// carrier that cannot answer returns CodeUnavailable.
	Verify(ctx context.Context, claim Claim) (identity.Identity, error)
	// SendSMS sends text to a phone number (digits only).
	SendSMS(ctx context.Context, phone, text string) error
}

// ParseClaim builds a Claim from the strings of a form: birth as YYYY-MM-DD and digit7 as
// the one digit typed after the hyphen. It returns the normalised claim or a
// *vaxbook.Error with CodeInvalidInput.
func ParseClaim(name, birth, digit7, carrier, phone string) (Claim, error) {
	b, err := vaxbook.ParseDate(birth)
	if err != nil {
		return Claim{}, vaxbook.Errorf(vaxbook.CodeInvalidInput, "Enter your birth date as YYYY-MM-DD.")
	}
	d, _, err := identity.ParseDigit7(b, strings.TrimSpace(digit7))
	if err != nil {
		return Claim{}, err
	}
	return Claim{Name: name, Birth: b, Digit7: d, Carrier: carrier, Phone: phone}.normalize()
}

// normalize checks every field and returns the claim in canonical form: the name with
// runs of spaces collapsed, the carrier as in Carriers, the phone as digits.
func (c Claim) normalize() (Claim, error) {
	name := strings.Join(strings.Fields(c.Name), " ")
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxNameRunes ||
		strings.ContainsFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return Claim{}, vaxbook.Errorf(vaxbook.CodeInvalidInput,
			"Enter your name as on your registration card (at most %d characters).", maxNameRunes)
	}
	if c.Birth.IsZero() {
		return Claim{}, vaxbook.Errorf(vaxbook.CodeInvalidInput, "Enter your birth date.")
	}
	if _, _, err := identity.ParseDigit7(c.Birth, strconv.Itoa(c.Digit7)); err != nil {
		return Claim{}, err
	}
	carrier, ok := canonicalCarrier(c.Carrier)
	if !ok {
		return Claim{}, vaxbook.Errorf(vaxbook.CodeInvalidInput,
			"Choose your carrier: %s.", strings.Join(Carriers, ", "))
	}
	phone, err := identity.NormalizePhone(c.Phone)
	if err != nil {
		return Claim{}, err
	}
	return Claim{Name: name, Birth: c.Birth, Digit7: c.Digit7, Carrier: carrier, Phone: phone}, nil
}

// canonicalCarrier matches a carrier name regardless of case and spacing, and takes
// "LGU" and "LG U+" for "LGU+", as forms and API clients spell it several ways.
func canonicalCarrier(s string) (string, bool) {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if s == "LGU" {
		s = "LGU+"
	}
	for _, c := range Carriers {
		if s == c {
			return c, true
		}
	}
	return "", false
}
