package staff

import (
	"strings"
	"testing"
	"time"
)

func TestHashChecksOnlyItsPassword(t *testing.T) {
	h, err := Hash("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=2,p=1$") {
		t.Errorf("hash %q is not the PHC argon2id form", h)
	}
	if !Check(h, "correct horse") {
		t.Error("Check refused the right password")
	}
	if Check(h, "correct horsE") || Check(h, "") {
		t.Error("Check accepted a wrong password")
	}
	h2, _ := Hash("correct horse")
	if h2 == h {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestCheckRefusesMalformedHashes(t *testing.T) {
	h, _ := Hash("pw")
	parts := strings.Split(h, "$")
	for name, bad := range map[string]string{
		"empty":        "",
		"plain":        "pw",
		"argon2i":      strings.Replace(h, "argon2id", "argon2i", 1),
		"huge memory":  strings.Replace(h, "m=65536", "m=99999999", 1),
		"no salt":      strings.Join([]string{"", parts[1], parts[2], parts[3], "", parts[5]}, "$"),
		"bad base64":   strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], "!!"}, "$"),
		"extra fields": h + "$x",
	} {
		if Check(bad, "pw") {
			t.Errorf("%s: Check accepted %q", name, bad)
		}
	}
}

// TestTOTPMatchesRFC6238 checks the SHA-1 test vectors of RFC 6238, appendix B (8
// digits), and that the 6-digit code is their last six.
func TestTOTPMatchesRFC6238(t *testing.T) {
	key := []byte("12345678901234567890")
	for _, tc := range []struct {
		unix int64
		want string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	} {
		at := time.Unix(tc.unix, 0)
		if got := totpCode(key, at, 8); got != tc.want {
			t.Errorf("T=%d: %s, want %s", tc.unix, got, tc.want)
		}
		if got := TOTP(key, at); got != tc.want[2:] {
			t.Errorf("T=%d 6 digits: %s, want %s", tc.unix, got, tc.want[2:])
		}
	}
}

func TestCheckTOTPAcceptsOneStepOfSkewOnly(t *testing.T) {
	key := []byte("12345678901234567890")
	now := time.Unix(1234567890, 0)
	for _, tc := range []struct {
		name  string
		at    time.Time
		match bool
	}{
		{"now", now, true},
		{"one step early", now.Add(-30 * time.Second), true},
		{"one step late", now.Add(30 * time.Second), true},
		{"two steps early", now.Add(-60 * time.Second), false},
		{"two steps late", now.Add(60 * time.Second), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckTOTP(key, TOTP(key, tc.at), now); got != tc.match {
				t.Errorf("CheckTOTP = %v, want %v", got, tc.match)
			}
		})
	}
	if CheckTOTP(key, "12345", now) || CheckTOTP(nil, TOTP(nil, now), now) {
		t.Error("CheckTOTP accepted a short code or an empty key")
	}
}
