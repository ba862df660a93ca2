package cert

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"strings"
	"unicode/utf8"

	"vaxbook"
	"vaxbook/identity"
)

// The development extensions naming a person. They sit under enterprise number 32473,
// which RFC 5612 reserves for documentation: they are development OIDs, never to be
// used by a real CA, and a production deployment maps certificates differently (the
// NPKI VID check, out of scope). The standard place for a birth date would be the
// dateOfBirth attribute of RFC 3739; a private arc keeps the development format plain.
var (
	// OIDCI holds the person's CI as a UTF8String.
	OIDCI = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 32473, 2021, 1}
	// OIDBirth holds the birth date as a PrintableString "YYYY-MM-DD".
	OIDBirth = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 32473, 2021, 2}
	// OIDForeign holds BOOLEAN TRUE for a registered foreigner; it is absent otherwise.
	OIDForeign = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 32473, 2021, 3}
)

// Bounds on the identity fields. A CI is 88 characters; X.520 bounds a common name at
// 64 characters.
const (
	maxCILen   = 128
	maxNameLen = 64
)

// Extensions returns the development extensions naming id, for the development CA.
// They are not critical, so that any X.509 library can still read the certificate.
func Extensions(id identity.Identity) ([]pkix.Extension, error) {
	ci, err := asn1.MarshalWithParams(id.CI, "utf8")
	if err != nil {
		return nil, err
	}
	birth, err := asn1.MarshalWithParams(id.Birth.String(), "printable")
	if err != nil {
		return nil, err
	}
	exts := []pkix.Extension{{Id: OIDCI, Value: ci}, {Id: OIDBirth, Value: birth}}
	if id.Foreign {
		t, err := asn1.Marshal(true)
		if err != nil {
			return nil, err
		}
		exts = append(exts, pkix.Extension{Id: OIDForeign, Value: t})
	}
	return exts, nil
}

// identityOf reads the person a verified leaf names: name from the common name, CI,
// birth date and nationality from the development extensions. The phone number is left
// empty: certificates carry none.
//
// Errors: ErrCertNoIdentity for a missing or malformed field.
func identityOf(leaf *x509.Certificate) (identity.Identity, error) {
	var id identity.Identity
	name := strings.TrimSpace(leaf.Subject.CommonName)
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxNameLen {
		return identity.Identity{}, ErrCertNoIdentity
	}
	id.Name = name
	var haveCI, haveBirth bool
	for _, ext := range leaf.Extensions {
		switch {
		case ext.Id.Equal(OIDCI):
			var s string
			if !unmarshalAll(ext.Value, &s, "utf8") || !validCI(s) {
				return identity.Identity{}, ErrCertNoIdentity
			}
			id.CI, haveCI = s, true
		case ext.Id.Equal(OIDBirth):
			var s string
			if !unmarshalAll(ext.Value, &s, "printable") {
				return identity.Identity{}, ErrCertNoIdentity
			}
			d, err := vaxbook.ParseDate(s)
			if err != nil {
				return identity.Identity{}, ErrCertNoIdentity
			}
			id.Birth, haveBirth = d, true
		case ext.Id.Equal(OIDForeign):
			if !unmarshalAll(ext.Value, &id.Foreign, "") {
				return identity.Identity{}, ErrCertNoIdentity
			}
		}
	}
	if !haveCI || !haveBirth {
		return identity.Identity{}, ErrCertNoIdentity
	}
	return id, nil
}

// unmarshalAll decodes one ASN.1 value of the given type and refuses trailing bytes.
func unmarshalAll(b []byte, v any, params string) bool {
	rest, err := asn1.UnmarshalWithParams(b, v, params)
	return err == nil && len(rest) == 0
}

// validCI reports whether s looks like a CI: printable ASCII (base64 in practice), of
// bounded length, so that nothing odd reaches the person-key hash or a log.
func validCI(s string) bool {
	if len(s) == 0 || len(s) > maxCILen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
