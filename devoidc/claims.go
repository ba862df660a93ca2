package devoidc

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"

	"vaxbook/identity"
)

// subject returns a resident's "sub" at a brand: stable across restarts, different at
// every brand, as real providers' subjects are. Only the CI links one person across
// brands.
func subject(brand, ci string) string {
	h := sha256.Sum256([]byte("vaxbook devoidc subject\x00" + brand + "\x00" + ci))
	return hex.EncodeToString(h[:16])
}

// fillUserinfo sets the claims a resident shares for the granted scopes: the CI
// always (it is what a Korean provider is contracted for), name and birth date with
// "profile", the mobile number with "phone", in the international form Kakao uses, so
// that relying parties meet the form they will meet in production.
func fillUserinfo(info *oidc.UserInfo, brand string, r identity.Identity, scopes []string) {
	info.Subject = subject(brand, r.CI)
	info.AppendClaims("ci", r.CI)
	if slices.Contains(scopes, oidc.ScopeProfile) {
		info.Name = r.Name
		info.Birthdate = r.Birth.String()
	}
	if slices.Contains(scopes, oidc.ScopePhone) && len(r.Phone) == 11 {
		info.PhoneNumber = "+82 " + r.Phone[1:3] + "-" + r.Phone[3:7] + "-" + r.Phone[7:]
		info.PhoneNumberVerified = true
	}
}

// accessToken is what an access token stands for. The library seals "id:subject" with
// AES-256-GCM into the bearer token, so the id can carry the resident's phone number
// and the granted scopes without a table: nobody without the issuer's key can read or
// forge one.
type accessToken struct {
	Phone   string   `json:"p"`
	Scopes  []string `json:"s"`
	Expires int64    `json:"e"`
	Nonce   string   `json:"j"` // makes every token distinct
}

// newAccessToken returns the id of a new access token. The id is base64url, which
// never contains the ':' the library separates id and subject with.
func newAccessToken(phone string, scopes []string, exp time.Time) (string, error) {
	b, err := json.Marshal(accessToken{Phone: phone, Scopes: scopes, Expires: exp.Unix(), Nonce: rand.Text()})
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func parseAccessToken(id string) (accessToken, error) {
	var t accessToken
	if len(id) > 4096 {
		return t, errors.New("devoidc: access token too long")
	}
	b, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		return t, err
	}
	err = json.Unmarshal(b, &t)
	return t, err
}

// signingKey is the issuer's ECDSA P-256 key (ES256), generated at start: a restart
// changes it, and relying parties fetch the new one when they meet its unknown key id,
// as they must for a real provider's rotation. Real providers mostly sign RS256; the
// development issuers sign ES256 because an RSA-2048 signature per sign-in was a
// quarter of the server's CPU in load tests, where the issuers share the machine. The
// relying party accepts what the discovery document advertises, so both are exercised
// (oidc's own tests sign RS256).
type signingKey struct {
	id  string
	key *ecdsa.PrivateKey
}

func newSigningKey() (*signingKey, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	return &signingKey{id: rand.Text(), key: k}, nil
}

func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.ES256 }
func (k *signingKey) Key() any                                    { return k.key }
func (k *signingKey) ID() string                                  { return k.id }

// publicKey is the signing key as the key set endpoint publishes it.
type publicKey struct{ k *signingKey }

func (p publicKey) ID() string                         { return p.k.id }
func (p publicKey) Algorithm() jose.SignatureAlgorithm { return jose.ES256 }
func (p publicKey) Use() string                        { return "sig" }
func (p publicKey) Key() any                           { return &p.k.key.PublicKey }
