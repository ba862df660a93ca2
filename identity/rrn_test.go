package identity

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"vaxbook"
)

func TestParseDigit7ChecksRangeAndCentury(t *testing.T) {
	born1981 := vaxbook.MustDate("1981-07-12")
	born2003 := vaxbook.MustDate("2003-12-31")
	tests := []struct {
		name        string
		birth       vaxbook.Date
		s           string
		digit       int
		foreign, ok bool
	}{
		{"citizen man 1900s", born1981, "1", 1, false, true},
		{"citizen woman 1900s", born1981, "2", 2, false, true},
		{"foreign man 1900s", born1981, "5", 5, true, true},
		{"foreign woman 1900s", born1981, "6", 6, true, true},
		{"citizen man 2000s", born2003, "3", 3, false, true},
		{"citizen woman 2000s", born2003, "4", 4, false, true},
		{"foreign man 2000s", born2003, "7", 7, true, true},
		{"foreign woman 2000s", born2003, "8", 8, true, true},
		{"2000s digit for 1900s birth", born1981, "3", 0, false, false},
		{"1900s digit for 2000s birth", born2003, "2", 0, false, false},
		{"foreign 2000s digit for 1900s birth", born1981, "7", 0, false, false},
		{"1800s nine", born1981, "9", 0, false, false},
		{"1800s zero", born1981, "0", 0, false, false},
		{"empty", born1981, "", 0, false, false},
		{"two digits", born1981, "12", 0, false, false},
		{"letter", born1981, "a", 0, false, false},
		{"space around", born1981, " 1", 0, false, false},
		{"full-width one", born1981, "１", 0, false, false},
		{"zero birth", vaxbook.Date{}, "1", 0, false, false},
		{"2100s birth", vaxbook.MustDate("2100-01-01"), "3", 0, false, false},
		{"last day of 1999", vaxbook.MustDate("1999-12-31"), "1", 1, false, true},
		{"first day of 2000", vaxbook.MustDate("2000-01-01"), "4", 4, false, true},
		{"first day of 2000 with 1900s digit", vaxbook.MustDate("2000-01-01"), "2", 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, f, err := ParseDigit7(tt.birth, tt.s)
			if !tt.ok {
				if vaxbook.ErrorCode(err) != vaxbook.CodeInvalidInput {
					t.Fatalf("ParseDigit7(%v, %q) err = %v, want invalid_input", tt.birth, tt.s, err)
				}
				return
			}
			if err != nil || d != tt.digit || f != tt.foreign {
				t.Fatalf("ParseDigit7(%v, %q) = %d, %v, %v; want %d, %v", tt.birth, tt.s, d, f, err, tt.digit, tt.foreign)
			}
		})
	}
}

func TestParseRRNFrontTakesCenturyFromDigit(t *testing.T) {
	tests := []struct {
		s       string
		birth   string // "" when refused
		digit   int
		foreign bool
	}{
		{"810712-1", "1981-07-12", 1, false},
		{"8107121", "1981-07-12", 1, false},
		{" 810712-2 ", "1981-07-12", 2, false},
		{"031231-3", "2003-12-31", 3, false},
		{"031231-4", "2003-12-31", 4, false},
		{"720101-5", "1972-01-01", 5, true},
		{"000229-3", "2000-02-29", 3, false}, // 2000 was a leap year
		{"000229-1", "1900-02-29", 0, false}, // 1900 was not
		{"990230-1", "", 0, false},
		{"811312-1", "", 0, false},
		{"810012-1", "", 0, false},
		{"810700-1", "", 0, false},
		{"810712-9", "", 0, false},
		{"810712-0", "", 0, false},
		{"810712", "", 0, false},
		{"810712-", "", 0, false},
		{"810712-1234567", "", 0, false}, // whole numbers are refused, never read
		{"8107121234567", "", 0, false},
		{"81-0712-1", "", 0, false},
		{"810712--1", "", 0, false},
		{"8107a2-1", "", 0, false},
		{"", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			birth, d, f, err := ParseRRNFront(tt.s)
			if tt.birth == "" || tt.digit == 0 {
				if vaxbook.ErrorCode(err) != vaxbook.CodeInvalidInput {
					t.Fatalf("ParseRRNFront(%q) = %v, %d, %v, %v; want invalid_input", tt.s, birth, d, f, err)
				}
				return
			}
			if err != nil || birth != vaxbook.MustDate(tt.birth) || d != tt.digit || f != tt.foreign {
				t.Fatalf("ParseRRNFront(%q) = %v, %d, %v, %v; want %s, %d, %v", tt.s, birth, d, f, err, tt.birth, tt.digit, tt.foreign)
			}
		})
	}
}

func FuzzParseDigit7(f *testing.F) {
	for _, s := range []string{"1", "4", "8", "9", "0", "", "12", "x"} {
		f.Add(1981, 7, 12, s)
		f.Add(2003, 12, 31, s)
	}
	f.Fuzz(func(t *testing.T, y, m, d int, s string) {
		birth := vaxbook.Date{Year: y, Month: time.Month(m), Day: d}
		digit, foreign, err := ParseDigit7(birth, s)
		if err != nil {
			if vaxbook.ErrorCode(err) != vaxbook.CodeInvalidInput {
				t.Fatalf("error %v is not invalid_input", err)
			}
			return
		}
		if s != strconv.Itoa(digit) || digit < 1 || digit > 8 {
			t.Fatalf("ParseDigit7(%q) = %d", s, digit)
		}
		if foreign != (digit >= 5) {
			t.Fatalf("digit %d foreign = %v", digit, foreign)
		}
		if centuryOf(digit) != y/100*100 || y < 1900 || y > 2099 {
			t.Fatalf("digit %d accepted for year %d", digit, y)
		}
	})
}

func FuzzParseRRNFront(f *testing.F) {
	for _, s := range []string{"810712-1", "8107121", "000229-3", "000229-1", "990230-1", "810712-1234567", " 031231-8 ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		birth, digit, foreign, err := ParseRRNFront(s)
		if err != nil {
			if vaxbook.ErrorCode(err) != vaxbook.CodeInvalidInput {
				t.Fatalf("error %v is not invalid_input", err)
			}
			return
		}
		// Whatever parses must agree with ParseDigit7 and a real calendar date, and
		// must print back to the digits that were typed.
		d2, f2, err := ParseDigit7(birth, strconv.Itoa(digit))
		if err != nil || d2 != digit || f2 != foreign {
			t.Fatalf("ParseRRNFront(%q) = %v, %d, %v disagrees with ParseDigit7: %v", s, birth, digit, foreign, err)
		}
		if _, err := vaxbook.ParseDate(birth.String()); err != nil {
			t.Fatalf("ParseRRNFront(%q) returned impossible date %v", s, birth)
		}
		iso := birth.String() // YYYY-MM-DD
		want := iso[2:4] + iso[5:7] + iso[8:10] + strconv.Itoa(digit)
		got := stripHyphen(s)
		if got != want {
			t.Fatalf("ParseRRNFront(%q) = %v-%d, which prints as %q", s, birth, digit, want)
		}
	})
}

// stripHyphen undoes the formatting ParseRRNFront accepts: surrounding space and the
// hyphen after the six date digits.
func stripHyphen(s string) string {
	s = strings.TrimSpace(s)
	if len(s) == 8 && s[6] == '-' {
		s = s[:6] + s[7:]
	}
	return s
}

// TestNoChecksumDecidesAnything: numbers issued since October 2020 carry no check digit
// (rule 6), so whether the old checksum would pass must never change an answer. The
// service reads only the birth date and the 7th digit; a whole pasted number is refused
// the same way whether its checksum is right or wrong.
func TestNoChecksumDecidesAnything(t *testing.T) {
	// 810712-1234568 passes the pre-2020 checksum (weights 2…9,2…5, 11 − sum mod 11);
	// 810712-1234567 does not.
	for _, pair := range [][2]string{{"810712-1234568", "810712-1234567"}, {"8107121234568", "8107121234567"}} {
		_, _, _, errGood := ParseRRNFront(pair[0])
		_, _, _, errBad := ParseRRNFront(pair[1])
		if vaxbook.ErrorCode(errGood) != vaxbook.ErrorCode(errBad) {
			t.Errorf("%s and %s answered differently: %v / %v", pair[0], pair[1], errGood, errBad)
		}
	}
	// Every 7th digit of the right century is accepted with the birth date alone.
	for _, front := range []string{"810712-1", "810712-2", "810712-5", "810712-6", "030101-3", "030101-8"} {
		if _, _, _, err := ParseRRNFront(front); err != nil {
			t.Errorf("%s refused: %v", front, err)
		}
	}
}
