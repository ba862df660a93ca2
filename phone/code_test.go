package phone

import (
	"regexp"
	"testing"
)

func TestCodesAreSixDigitsAndUnpredictable(t *testing.T) {
	six := regexp.MustCompile(`^[0-9]{6}$`)
	differ := 0
	prev, err := newCode()
	if err != nil {
		t.Fatal(err)
	}
	for range 100 {
		c, err := newCode()
		if err != nil {
			t.Fatal(err)
		}
		if !six.MatchString(c) {
			t.Fatalf("code %q is not 6 digits", c)
		}
		if c != prev {
			differ++
		}
		prev = c
	}
	if differ < 95 {
		t.Errorf("only %d of 100 successive codes differ", differ)
	}
}

func TestMaskPhoneShowsOnlyPrefixAndLastFour(t *testing.T) {
	for in, want := range map[string]string{"01012345678": "010-****-5678", "0112345678": "011-****-5678", "": "***"} {
		if got := maskPhone(in); got != want {
			t.Errorf("maskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}
