package identity

import (
	"fmt"
	"strings"
	"time"

	"vaxbook"
)

// ParseDigit7 parses the 7th digit of a registration number (the first digit after the
// hyphen), which a resident types next to their birth date. It returns the digit and
// whether it marks a registered foreigner (5–8).
//
// The digit encodes sex and century: 1, 2 (citizens) and 5, 6 (foreigners) for births in
// 1900–1999; 3, 4 and 7, 8 for 2000–2099. 9 and 0 mark births in the 1800s, which no
// cohort can contain, so they are refused like any other digit outside 1–8. A digit that
// contradicts the century of birth is refused too: it is a typing mistake, and a carrier
// would not confirm it anyway.
//
// Every error is a *vaxbook.Error with CodeInvalidInput and a message fit for the user.
func ParseDigit7(birth vaxbook.Date, s string) (digit int, foreign bool, err error) {
	if len(s) != 1 || s[0] < '1' || s[0] > '8' {
		return 0, false, vaxbook.Errorf(vaxbook.CodeInvalidInput,
			"The first digit after the hyphen of the registration number must be one digit from 1 to 8.")
	}
	d := int(s[0] - '0')
	if birth.IsZero() {
		return 0, false, vaxbook.Errorf(vaxbook.CodeInvalidInput, "Enter a birth date.")
	}
	if birth.Year < 1900 || birth.Year > 2099 {
		return 0, false, vaxbook.Errorf(vaxbook.CodeInvalidInput,
			"The birth date must be between 1900 and 2099.")
	}
	if centuryOf(d) != birth.Year/100*100 {
		return 0, false, vaxbook.Errorf(vaxbook.CodeInvalidInput,
			"The first digit after the hyphen of the registration number does not match the year of birth.")
	}
	return d, d >= 5, nil
}

// centuryOf returns the first year of the century a 7th digit in 1–8 stands for.
func centuryOf(d int) int {
	switch d {
	case 1, 2, 5, 6:
		return 1900
	default: // 3, 4, 7, 8
		return 2000
	}
}

// ParseRRNFront parses the front of a registration number as a resident types it:
// "YYMMDD-N" or "YYMMDDN", the six digits of the birth date and the 7th digit, whose
// century completes the year. It returns the birth date, the digit and whether it marks
// a registered foreigner.
//
// The six digits after the 7th are never asked for: the service needs none of them and
// may not process them. A longer input (a whole number pasted in) is refused rather
// than cut, so that no part of it is parsed, and nothing here checks a checksum —
// numbers issued since October 2020 carry none.
//
// Every error is a *vaxbook.Error with CodeInvalidInput and a message fit for the user;
// messages never repeat the input.
func ParseRRNFront(s string) (vaxbook.Date, int, bool, error) {
	s = strings.TrimSpace(s)
	if len(s) == 8 && s[6] == '-' {
		s = s[:6] + s[7:]
	}
	if len(s) != 7 || !allDigits(s) {
		return vaxbook.Date{}, 0, false, vaxbook.Errorf(vaxbook.CodeInvalidInput,
			"Enter the six digits of your birth date and the first digit after the hyphen, as in 810712-1.")
	}
	d := int(s[6] - '0')
	if d < 1 || d > 8 {
		return vaxbook.Date{}, 0, false, vaxbook.Errorf(vaxbook.CodeInvalidInput,
			"The first digit after the hyphen of the registration number must be one digit from 1 to 8.")
	}
	year := centuryOf(d) + atoi2(s[0:2])
	month, day := atoi2(s[2:4]), atoi2(s[4:6])
	birth := vaxbook.NewDate(year, time.Month(month), day)
	// NewDate normalises overflow (02-30 becomes 03-02); a changed date was impossible.
	if month < 1 || month > 12 || birth != (vaxbook.Date{Year: year, Month: time.Month(month), Day: day}) {
		return vaxbook.Date{}, 0, false, vaxbook.Errorf(vaxbook.CodeInvalidInput,
			"The six digits do not form a valid birth date (YYMMDD).")
	}
	digit, foreign, err := ParseDigit7(birth, s[6:7])
	if err != nil {
		// Unreachable: the century was taken from the digit. Kept so the two parsers
		// can never disagree silently.
		return vaxbook.Date{}, 0, false, fmt.Errorf("parse registration number front: %w", err)
	}
	return birth, digit, foreign, nil
}

// allDigits reports whether s is made of ASCII digits only.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoi2 converts two ASCII digits.
func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }
