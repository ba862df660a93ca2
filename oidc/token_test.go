package oidc_test

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"vaxbook"
	"vaxbook/oidc"
)

// fakeIssuer is a provider whose token endpoint answers with an ID token the test
// crafts, signed with a key whose public half its key set serves. The development
// issuer signs only genuine tokens, so forged and misdirected ones are made here.
type fakeIssuer struct {
	srv *httptest.Server
	key *rsa.PrivateKey

	mu      sync.Mutex
	idToken string
}

const fakeCI = "FAKE-CI-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=="

func newFakeIssuer(tb testing.TB) *fakeIssuer {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	f := &fakeIssuer{key: key}
	mux := http.NewServeMux()
	f.srv = httptest.NewServer(mux)
	tb.Cleanup(f.srv.Close)
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{
			"issuer": f.srv.URL, "authorization_endpoint": f.srv.URL + "/authorize",
			"token_endpoint": f.srv.URL + "/token", "jwks_uri": f.srv.URL + "/keys",
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, _ *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		resp := map[string]any{"access_token": "at-1", "token_type": "Bearer", "expires_in": 300}
		if f.idToken != "" {
			resp["id_token"] = f.idToken
		}
		writeJSON(w, resp)
	})
	return f
}

// claims returns the claims of a genuine ID token for the login with nonce.
func (f *fakeIssuer) claims(nonce string) map[string]any {
	now := time.Now()
	return map[string]any{
		"iss": f.srv.URL, "aud": "vaxbook", "sub": "sub-1", "nonce": nonce,
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"ci": fakeCI, "name": "홍길동", "birthdate": "1981-07-12", "phone_number": "+82 10-1234-5678",
	}
}

func TestIDTokenChecks(t *testing.T) {
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		token func(f *fakeIssuer, c map[string]any) string
		ok    bool
	}{
		{"genuine token is accepted", func(f *fakeIssuer, c map[string]any) string { return sign(t, f.key, c) }, true},
		{"claims changed after signing", func(f *fakeIssuer, c map[string]any) string {
			tok := sign(t, f.key, c)
			c["ci"] = strings.Replace(fakeCI, "FAKE", "EVIL", 1)
			parts := strings.Split(tok, ".")
			return parts[0] + "." + encode(t, c) + "." + parts[2]
		}, false},
		{"signed with another key", func(_ *fakeIssuer, c map[string]any) string { return sign(t, otherKey, c) }, false},
		{"unsigned (alg none)", func(_ *fakeIssuer, c map[string]any) string {
			return encode(t, map[string]any{"alg": "none", "typ": "JWT"}) + "." + encode(t, c) + "."
		}, false},
		{"HS256 keyed with the public key", func(f *fakeIssuer, c map[string]any) string {
			in := encode(t, map[string]any{"alg": "HS256", "typ": "JWT", "kid": "k1"}) + "." + encode(t, c)
			m := hmac.New(sha256.New, f.key.PublicKey.N.Bytes())
			m.Write([]byte(in))
			return in + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
		}, false},
		{"wrong audience", withClaim(t, "aud", "another-service"), false},
		{"wrong issuer", withClaim(t, "iss", "https://evil.example"), false},
		{"expired", withClaim(t, "exp", time.Now().Add(-time.Minute).Unix()), false},
		{"nonce of another login", withClaim(t, "nonce", "another-login-nonce"), false},
		{"nonce missing", withClaim(t, "nonce", nil), false},
		{"ci missing", withClaim(t, "ci", nil), false},
		{"ci not a string", withClaim(t, "ci", 12345), false},
		{"birth date malformed", withClaim(t, "birthdate", "1981-02-30"), false},
		{"phone not a mobile number", withClaim(t, "phone_number", "02-123-4567"), false},
		{"access token hash of another token", withClaim(t, "at_hash", "AAAAAAAAAAAAAAAAAAAAAA"), false},
		{"no ID token at all", func(*fakeIssuer, map[string]any) string { return "" }, false},
		{"not a JWT", func(*fakeIssuer, map[string]any) string { return "not.a-jwt" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeIssuer(t)
			m, err := oidc.New(ctx, []oidc.ProviderConfig{{
				Name: "fake", Issuer: f.srv.URL, ClientID: "vaxbook", ClientSecret: "s", RedirectURL: "http://vaxbook.test/cb",
				Scopes: []string{"openid", "profile", "phone"}, KeyClaim: "ci", NameClaim: "name", BirthClaim: "birthdate", PhoneClaim: "phone_number",
			}}, secret, mustSealer(t), f.srv.Client())
			if err != nil {
				t.Fatal(err)
			}
			authURL, cookie, err := m.Begin(ctx, "fake", "pc", t0)
			if err != nil {
				t.Fatal(err)
			}
			u, _ := url.Parse(authURL)
			f.mu.Lock()
			f.idToken = tt.token(f, f.claims(u.Query().Get("nonce")))
			f.mu.Unlock()

			q := url.Values{"code": {"code-1"}, "state": {u.Query().Get("state")}}
			id, key, err := m.Finish(ctx, "fake", "pc", cookie, q, t0)
			if tt.ok {
				if err != nil || id.CI != fakeCI || id.Phone != "01012345678" || id.Birth != vaxbook.MustDate("1981-07-12") {
					t.Fatalf("Finish = %+v, %q, %v; want the token's identity", id, key, err)
				}
				return
			}
			wantCode(t, err, vaxbook.CodeVerifyFailed)
		})
	}
}

// withClaim returns a token maker that sets (or, for nil, removes) one claim of an
// otherwise genuine token.
func withClaim(tb testing.TB, k string, v any) func(*fakeIssuer, map[string]any) string {
	return func(f *fakeIssuer, c map[string]any) string {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return sign(tb, f.key, c)
	}
}

func sign(tb testing.TB, key *rsa.PrivateKey, claims map[string]any) string {
	tb.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		tb.Fatal(err)
	}
	b, err := json.Marshal(claims)
	if err != nil {
		tb.Fatal(err)
	}
	obj, err := s.Sign(b)
	if err != nil {
		tb.Fatal(err)
	}
	tok, err := obj.CompactSerialize()
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

func encode(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
