package cert_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"strings"
	"testing"

	"vaxbook/cert"
)

// TestVerifyRefusesMalformedIdentityExtensions checks that a trusted certificate whose
// identity fields are malformed names nobody, rather than a person key computed from
// whatever bytes it holds.
func TestVerifyRefusesMalformedIdentityExtensions(t *testing.T) {
	mustDER := func(v any, params string) []byte {
		b, err := asn1.MarshalWithParams(v, params)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	ci := func(f *fixture) []byte { return mustDER(f.sub.CI, "utf8") }
	birth := mustDER("1981-07-12", "printable")
	tests := []struct {
		name string
		cn   string
		exts func(f *fixture) []pkix.Extension
	}{
		{"empty CI", "", func(*fixture) []pkix.Extension {
			return []pkix.Extension{{Id: cert.OIDCI, Value: mustDER("", "utf8")}, {Id: cert.OIDBirth, Value: birth}}
		}},
		{"CI with a control character", "", func(f *fixture) []pkix.Extension {
			return []pkix.Extension{{Id: cert.OIDCI, Value: mustDER(f.sub.CI[:10]+"\n", "utf8")}, {Id: cert.OIDBirth, Value: birth}}
		}},
		{"CI too long", "", func(*fixture) []pkix.Extension {
			return []pkix.Extension{{Id: cert.OIDCI, Value: mustDER(strings.Repeat("A", 129), "utf8")}, {Id: cert.OIDBirth, Value: birth}}
		}},
		{"CI followed by trailing bytes", "", func(f *fixture) []pkix.Extension {
			return []pkix.Extension{{Id: cert.OIDCI, Value: append(ci(f), 0)}, {Id: cert.OIDBirth, Value: birth}}
		}},
		{"CI not a string", "", func(*fixture) []pkix.Extension {
			return []pkix.Extension{{Id: cert.OIDCI, Value: mustDER(42, "")}, {Id: cert.OIDBirth, Value: birth}}
		}},
		{"impossible birth date", "", func(f *fixture) []pkix.Extension {
			return []pkix.Extension{{Id: cert.OIDCI, Value: ci(f)}, {Id: cert.OIDBirth, Value: mustDER("1981-02-30", "printable")}}
		}},
		{"no birth date", "", func(f *fixture) []pkix.Extension {
			return []pkix.Extension{{Id: cert.OIDCI, Value: ci(f)}}
		}},
		{"nationality not a boolean", "", func(f *fixture) []pkix.Extension {
			return []pkix.Extension{{Id: cert.OIDCI, Value: ci(f)}, {Id: cert.OIDBirth, Value: birth}, {Id: cert.OIDForeign, Value: mustDER(1, "")}}
		}},
		{"no name", " ", func(f *fixture) []pkix.Extension {
			return []pkix.Extension{{Id: cert.OIDCI, Value: ci(f)}, {Id: cert.OIDBirth, Value: birth}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustFixture(t, cert.Config{})
			key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			chain := f.customLeaf(t, func(c *x509.Certificate) {
				c.ExtraExtensions = tt.exts(f)
				if tt.cn != "" {
					c.Subject.CommonName = tt.cn
				}
			}, key)
			a := f.attemptWith(t, chain, key)
			_, _, err := f.m.Verify(context.Background(), a.device, a.challenge, a.chain, a.sig, a.now)
			wantRefusal(t, err, cert.ErrCertNoIdentity)
		})
	}
}
