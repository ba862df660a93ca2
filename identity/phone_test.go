package identity

import (
	"strings"
	"testing"

	"vaxbook"
)

func TestNormalizePhoneAcceptsKoreanMobileForms(t *testing.T) {
	tests := []struct{ in, want string }{
		{"010-1234-5678", "01012345678"},
		{"01012345678", "01012345678"},
		{"010 1234 5678", "01012345678"},
		{"010.1234.5678", "01012345678"},
		{"+82 10 1234 5678", "01012345678"},
		{"+82-10-1234-5678", "01012345678"},
		{"+821012345678", "01012345678"},
		{"+82 (0)10 1234 5678", "01012345678"},
		{"(010) 1234-5678", "01012345678"},
		{"011-234-5678", "0112345678"},
		{"016-1234-5678", "01612345678"},
		{"017-234-5678", "0172345678"},
		{"018-234-5678", "0182345678"},
		{"019-1234-5678", "01912345678"},
		{"+82 19 234 5678", "0192345678"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizePhone(tt.in)
			if err != nil || got != tt.want {
				t.Fatalf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestNormalizePhoneRefusesOtherNumbers(t *testing.T) {
	for _, in := range []string{
		"",
		"010-123-4567",    // 010 numbers have 11 digits
		"010-1234-56789",  // too long
		"011-23-4567",     // too short
		"012-1234-5678",   // not a mobile prefix
		"02-123-4567",     // Seoul landline
		"070-1234-5678",   // internet phone
		"+1 202 555 0100", // another country
		"82 10 1234 5678", // a country code needs its plus
		"010+1234+5678",
		"010-1234-567８", // full-width digit
		"010-1234-5678x",
		"tel:01012345678",
		strings.Repeat("0", 40),
		strings.Repeat(" ", 30) + "01012345678",
	} {
		t.Run(in, func(t *testing.T) {
			got, err := NormalizePhone(in)
			if vaxbook.ErrorCode(err) != vaxbook.CodeInvalidInput {
				t.Fatalf("NormalizePhone(%q) = %q, %v; want invalid_input", in, got, err)
			}
			if in != "" && strings.Contains(vaxbook.ErrorMessage(err), in) {
				t.Errorf("message %q repeats the input", vaxbook.ErrorMessage(err))
			}
		})
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"010-1234-5678", "+82 10 1234 5678", "+82 (0)10 1234 5678", "011-234-5678", "02-123-4567", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := NormalizePhone(s)
		if err != nil {
			if vaxbook.ErrorCode(err) != vaxbook.CodeInvalidInput {
				t.Fatalf("error %v is not invalid_input", err)
			}
			return
		}
		if len(n) < 10 || len(n) > 11 || !allDigits(n) || !strings.HasPrefix(n, "01") {
			t.Fatalf("NormalizePhone(%q) = %q", s, n)
		}
		// A normalised number is a fixed point.
		if again, err := NormalizePhone(n); err != nil || again != n {
			t.Fatalf("NormalizePhone(%q) = %q, %v; not idempotent", n, again, err)
		}
	})
}
