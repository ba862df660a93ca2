package api

import (
	"strings"
	"testing"
	"time"

	"vaxbook"
)

func TestStaffTokenRefusesForgedExpiredAndMalformed(t *testing.T) {
	key := []byte("staff-key-for-tests-0123456789abcdef")
	now := time.Unix(1_630_000_000, 0)
	c := newStaffClaims(vaxbook.Staff{ID: 12, SiteID: 3}, now)
	tok := signStaff(key, c)
	if got, ok := parseStaff(key, tok, now); !ok || got != (staffClaims{12, 3, got.Issued, got.Expires, c.ID}) ||
		!got.Issued.Equal(now) || !got.Expires.Equal(c.Expires) {
		t.Fatalf("parseStaff(own token) = %+v, %v; want %+v", got, ok, c)
	}
	if other := newStaffClaims(vaxbook.Staff{ID: 12, SiteID: 3}, now); other.ID == c.ID || len(other.ID) != 22 {
		t.Errorf("two tokens got ids %q and %q, want distinct random ids", c.ID, other.ID)
	}
	forged := strings.Replace(tok, "v2.12.3.", "v2.12.4.", 1)
	body := tok[:strings.LastIndexByte(tok, '.')]
	for name, bad := range map[string]struct {
		key   []byte
		token string
		at    time.Time
	}{
		"another site":  {key, forged, now},
		"another key":   {[]byte("another-key-0123456789abcdef0123"), tok, now},
		"no key":        {nil, tok, now},
		"expired":       {key, tok, c.Expires},
		"no mac":        {key, body, now},
		"empty":         {key, "", now},
		"extra field":   {key, signStaffBody(key, body+".9"), now},
		"negative site": {key, signStaffBody(key, strings.Replace(body, ".3.", ".-3.", 1)), now},
		"short id":      {key, signStaffBody(key, body[:len(body)-1]), now},
		"old version":   {key, signStaffBody(key, "v1.12.3.1930028800"), now},
	} {
		if _, ok := parseStaff(bad.key, bad.token, bad.at); ok {
			t.Errorf("%s: parseStaff accepted %q", name, bad.token)
		}
	}
}

// signStaffBody MACs an arbitrary body, to show parsing refuses what signing never makes.
func signStaffBody(key []byte, body string) string { return body + "." + staffMAC(key, body) }
