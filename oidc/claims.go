package oidc

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"vaxbook"
	"vaxbook/identity"
)

// Bounds on claim values. A CI is 88 characters; other stable keys a provider might
// be configured with are shorter than the bound. Names are a few characters in Korean,
// longer for foreigners' names in Latin letters.
const (
	maxKeyLen  = 512
	maxNameLen = 100 // runes
)

// identityFrom reads the identity from verified claims as the provider's configuration
// names them. Claims are checked even though the provider signed them: a provider's
// misconfiguration must fail one verification with a clear message, not store a
// malformed person.
func identityFrom(claims map[string]any, cfg ProviderConfig) (identity.Identity, error) {
	var id identity.Identity
	ci, ok := claimString(claims, cfg.KeyClaim)
	if !ok || ci == "" || len(ci) > maxKeyLen || !printableASCII(ci) {
		return id, missing("identity key (CI)")
	}
	id.CI = ci
	if cfg.NameClaim != "" {
		name, ok := claimString(claims, cfg.NameClaim)
		name = strings.TrimSpace(name)
		if !ok || name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxNameLen || strings.ContainsFunc(name, unicode.IsControl) {
			return identity.Identity{}, missing("name")
		}
		id.Name = name
	}
	if cfg.BirthClaim != "" {
		s, ok := claimString(claims, cfg.BirthClaim)
		birth, err := parseBirth(s)
		if !ok || err != nil {
			return identity.Identity{}, missing("birth date")
		}
		id.Birth = birth
	}
	if cfg.PhoneClaim != "" {
		s, ok := claimString(claims, cfg.PhoneClaim)
		phone, err := identity.NormalizePhone(s)
		if !ok || err != nil {
			return identity.Identity{}, missing("mobile phone number")
		}
		id.Phone = phone
	}
	return id, nil
}

// claimString returns the string at a dotted path ("response.ci") in claims. Values
// that are not strings are treated as missing: no provider sends a CI, name, date or
// phone number as a JSON number, and guessing a format would hide a misconfiguration.
func claimString(claims map[string]any, path string) (string, bool) {
	var v any = claims
	for part := range strings.SplitSeq(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		if v, ok = m[part]; !ok {
			return "", false
		}
	}
	s, ok := v.(string)
	return s, ok
}

// parseBirth parses a birth date as providers send it: OpenID Connect's YYYY-MM-DD or
// the YYYYMMDD of some Korean profile APIs.
func parseBirth(s string) (vaxbook.Date, error) {
	if len(s) == 8 && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' }) {
		s = s[0:4] + "-" + s[4:6] + "-" + s[6:8]
	}
	return vaxbook.ParseDate(s)
}

// printableASCII reports whether s holds only printable ASCII, as a CI (base64) does.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// missing is the refusal of a claim the provider did not share. Korean providers let
// the resident untick optional items on their consent screen, so the message says
// what to allow.
func missing(what string) error {
	return vaxbook.Errorf(vaxbook.CodeVerifyFailed,
		"The provider did not share a valid %s. Please allow it on the provider's consent screen and try again.", what)
}
