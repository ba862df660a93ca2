package api

import (
	"strings"
	"testing"
	"time"
)

func TestStaffTokenRefusesForgedExpiredAndMalformed(t *testing.T) {
	key := []byte("staff-key-for-tests-0123456789abcdef")
	now := time.Unix(1_630_000_000, 0)
	c := staffClaims{StaffID: 12, SiteID: 3, Expires: now.Add(staffTTL)}
	tok := signStaff(key, c)
	if got, ok := parseStaff(key, tok, now); !ok || got.StaffID != 12 || got.SiteID != 3 || !got.Expires.Equal(c.Expires) {
		t.Fatalf("parseStaff(own token) = %+v, %v", got, ok)
	}
	forged := strings.Replace(tok, "v1.12.3.", "v1.12.4.", 1)
	for name, bad := range map[string]struct {
		key   []byte
		token string
		at    time.Time
	}{
		"another site":  {key, forged, now},
		"another key":   {[]byte("another-key-0123456789abcdef0123"), tok, now},
		"no key":        {nil, tok, now},
		"expired":       {key, tok, c.Expires},
		"no mac":        {key, "v1.12.3.99999999999", now},
		"empty":         {key, "", now},
		"extra field":   {key, signStaffBody(key, "v1.12.3.1630028800.9"), now},
		"negative site": {key, signStaffBody(key, "v1.12.-3.1930028800"), now},
	} {
		if _, ok := parseStaff(bad.key, bad.token, bad.at); ok {
			t.Errorf("%s: parseStaff accepted %q", name, bad.token)
		}
	}
}

// signStaffBody MACs an arbitrary body, to show parsing refuses what signing never makes.
func signStaffBody(key []byte, body string) string { return body + "." + staffMAC(key, body) }
