package oidc

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/identity"
)

var fuzzNow = time.Date(2021, 8, 12, 20, 0, 0, 0, vaxbook.Seoul)

func mustSealer(tb testing.TB) *identity.Sealer {
	tb.Helper()
	s, err := identity.NewSealer(bytes.Repeat([]byte{5}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func genuineState(tb testing.TB, sealer *identity.Sealer) (loginState, string) {
	tb.Helper()
	// Fixed values: the fuzzing engine runs this set-up again in each worker process,
	// and the seeds sealed in one must open to the same state in the others.
	s := loginState{Provider: "kakao", State: "STATE2345", Nonce: "NONCE2345", Verifier: "VERIFIER2345", Device: deviceHash("pc"), Expires: fuzzNow.Add(StateTTL).Unix()}
	c, err := s.seal(sealer)
	if err != nil {
		tb.Fatal(err)
	}
	return s, c
}

func TestStateCookieRoundTripsAndIsOpaque(t *testing.T) {
	sealer := mustSealer(t)
	want, c := genuineState(t, sealer)
	got, err := openState(sealer, c, "kakao", "pc", fuzzNow)
	if err != nil || got != want {
		t.Fatalf("openState = %+v, %v; want %+v", got, err, want)
	}
	if strings.Contains(c, want.State) || strings.Contains(c, "kakao") {
		t.Error("the cookie shows its contents")
	}
	if len(c) > maxCookieLen {
		t.Errorf("a genuine cookie is %d characters, above the bound %d", len(c), maxCookieLen)
	}
	if _, err := openState(sealer, c, "kakao", "pc", fuzzNow.Add(StateTTL)); vaxbook.ErrorCode(err) != vaxbook.CodeVerifyFailed {
		t.Errorf("at expiry: %v, want verify_failed", err)
	}
}

// FuzzOpenState feeds the state cookie, which arrives from the browser, to its parser.
// Nothing but the genuine cookie may open, and every refusal is verify_failed.
func FuzzOpenState(f *testing.F) {
	sealer := mustSealer(f)
	want, c := genuineState(f, sealer)
	f.Add(c)
	f.Add(c[:len(c)-1])
	f.Add(c + "A")
	f.Add("")
	f.Add(strings.Repeat("A", maxCookieLen+1))
	f.Add("e30") // {} in base64url
	f.Fuzz(func(t *testing.T, cookie string) {
		got, err := openState(sealer, cookie, "kakao", "pc", fuzzNow)
		if err != nil {
			if vaxbook.ErrorCode(err) != vaxbook.CodeVerifyFailed {
				t.Fatalf("openState(%q): %v is not verify_failed", cookie, err)
			}
			return
		}
		if got != want {
			t.Fatalf("openState(%q) opened a state that was never sealed: %+v", cookie, got)
		}
	})
}

// FuzzCallbackCode feeds the callback's query string, which anyone can write, to the
// check against the login's state. A code comes out only with exactly the login's
// state, no error and exactly one bounded code.
func FuzzCallbackCode(f *testing.F) {
	const state = "STATE-abcdefghijklmnopqrstuvwxyz234567"
	for _, q := range []string{
		"code=abc&state=" + state, "state=" + state, "code=abc", "code=&state=" + state,
		"code=a&code=b&state=" + state, "code=a&state=" + state + "&state=" + state,
		"error=access_denied&state=" + state, "code=a&state=" + state + "x", "%zz", "code=a;state=b",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return // the server's query parser refused it before us
		}
		code, err := callbackCode(q, state)
		if err != nil {
			if c := vaxbook.ErrorCode(err); c != vaxbook.CodeVerifyFailed && c != vaxbook.CodeInvalidInput {
				t.Fatalf("callbackCode(%q): %v", raw, err)
			}
			return
		}
		if len(q["state"]) != 1 || q.Get("state") != state || q.Has("error") || len(q["code"]) != 1 || code != q.Get("code") || code == "" || len(code) > maxCode {
			t.Fatalf("callbackCode(%q) = %q, accepted a callback it must refuse", raw, code)
		}
	})
}

// FuzzIdentityFromClaims feeds token claims, which a provider controls, to the reading
// of the identity. Whatever is accepted is well formed.
func FuzzIdentityFromClaims(f *testing.F) {
	cfg := ProviderConfig{KeyClaim: "ci", NameClaim: "name", BirthClaim: "birthdate", PhoneClaim: "phone_number"}
	nested := ProviderConfig{KeyClaim: "response.ci", BirthClaim: "response.birth"}
	for _, s := range []string{
		`{"ci":"AAAA==","name":"홍길동","birthdate":"1981-07-12","phone_number":"+82 10-1234-5678"}`,
		`{"ci":"AAAA==","name":"홍길동","birthdate":"19810712","phone_number":"010-1234-5678"}`,
		`{"response":{"ci":"x","birth":"20000229"}}`, `{"ci":1}`, `{"ci":"a b"}`, `{"response":"x"}`, `null`, `{}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var claims map[string]any
		if json.Unmarshal([]byte(raw), &claims) != nil {
			return
		}
		for _, c := range []ProviderConfig{cfg, nested} {
			id, err := identityFrom(claims, c)
			if err != nil {
				if vaxbook.ErrorCode(err) != vaxbook.CodeVerifyFailed {
					t.Fatalf("identityFrom(%s): %v", raw, err)
				}
				continue
			}
			if id.CI == "" || len(id.CI) > maxKeyLen || !printableASCII(id.CI) {
				t.Fatalf("identityFrom(%s) accepted CI %q", raw, id.CI)
			}
			if c.BirthClaim != "" {
				if _, err := vaxbook.ParseDate(id.Birth.String()); err != nil {
					t.Fatalf("identityFrom(%s) accepted birth %v", raw, id.Birth)
				}
			}
			if c.PhoneClaim != "" {
				if p, err := identity.NormalizePhone(id.Phone); err != nil || p != id.Phone {
					t.Fatalf("identityFrom(%s) accepted phone %q", raw, id.Phone)
				}
			}
			if c.NameClaim != "" && (id.Name == "" || strings.TrimSpace(id.Name) != id.Name) {
				t.Fatalf("identityFrom(%s) accepted name %q", raw, id.Name)
			}
		}
	})
}
