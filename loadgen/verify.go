package loadgen

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"vaxbook/devoidc"
	"vaxbook/identity"
)

// session is the answer of every method once verified.
type session struct {
	Verified bool `json:"verified"`
}

// otp finds the one-time code in a text message.
var otp = regexp.MustCompile(`\b\d{6}\b`)

// verify runs one method for sub. With twice, a failed attempt comes first, as for
// about half the residents of 2021 (a mistyped code, an abandoned sign-in): the
// provider is asked twice.
func (a *actor) verify(ctx context.Context, method string, sub identity.Subscriber, twice bool) error {
	switch method {
	case "phone":
		return a.phone(ctx, sub, twice)
	case "cert":
		return a.cert(ctx, sub, twice)
	default:
		return a.oidc(ctx, method, sub, twice)
	}
}

// phone verifies by mobile phone: the carrier sends a code to the development SMS
// sink, read back through /demo/sms. The failed attempt confirms a wrong code, then
// asks for a new one.
func (a *actor) phone(ctx context.Context, sub identity.Subscriber, twice bool) error {
	claim := map[string]string{"name": sub.Name, "birth": sub.Birth.String(),
		"digit7": fmt.Sprint(sub.Digit7), "carrier": sub.Carrier, "phone": sub.Phone}
	for attempt := range 2 {
		t := time.Now()
		a.count(func(c *counts) { c.verifications++ })
		if _, err := a.c.do(ctx, "POST", "/api/v1/identity/phone/start", claim, nil); err != nil {
			return err
		}
		a.rec.observe(stepPhoneStart, t, time.Now())
		t = time.Now()
		var sms struct{ Messages []struct{ Text string } }
		if _, err := a.c.do(ctx, "GET", "/demo/sms?phone="+url.QueryEscape(sub.Phone), nil, &sms); err != nil {
			return err
		}
		a.rec.observe(stepSMS, t, time.Now())
		if len(sms.Messages) == 0 {
			// The development sink keeps only its last few hundred messages; under a
			// surge the code can be gone before it is read.
			return &problem{Code: "sms_missing", Detail: "no one-time code in the demo SMS sink"}
		}
		code := otp.FindString(sms.Messages[0].Text)
		if twice && attempt == 0 {
			wrong := fmt.Sprintf("%06d", (atoi(code)+1)%1_000_000)
			_, err := a.c.do(ctx, "POST", "/api/v1/identity/phone/confirm", map[string]string{"code": wrong}, nil)
			if codeOf(err) != "code_mismatch" {
				return fmt.Errorf("wrong code accepted or refused otherwise: %w", err)
			}
			continue
		}
		t = time.Now()
		var s session
		if _, err := a.c.do(ctx, "POST", "/api/v1/identity/phone/confirm", map[string]string{"code": code}, &s); err != nil {
			return err
		}
		a.rec.observe(stepPhoneConfirm, t, time.Now())
		return nil
	}
	return nil
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// oidc verifies through a development OpenID Connect issuer: start, sign in at the
// issuer as the holder of sub's phone, deliver the callback. The failed attempt signs
// in and never comes back, as a resident who closed the provider's window.
func (a *actor) oidc(ctx context.Context, provider string, sub identity.Subscriber, twice bool) error {
	for attempt := range 2 {
		t := time.Now()
		a.count(func(c *counts) { c.verifications++ })
		resp, err := a.c.do(ctx, "GET", "/api/v1/identity/oidc/"+url.PathEscape(provider)+"/start", nil, nil)
		if err != nil {
			return err
		}
		loc, err := resp.Location()
		if err != nil {
			return &problem{Code: "oidc_no_redirect", Status: resp.StatusCode}
		}
		cb, err := devoidc.SignIn(ctx, a.c.http, loc.String(), sub.Phone)
		if err != nil {
			if devoidc.IsBusy(err) {
				return &problem{Code: "issuer_busy", Status: 503}
			}
			return &problem{Code: "oidc_sign_in", Detail: err.Error()}
		}
		if twice && attempt == 0 {
			continue
		}
		var s session
		if _, err := a.c.do(ctx, "GET", cb.String(), nil, &s); err != nil {
			return err
		}
		a.rec.observe(stepOIDC, t, time.Now())
		return nil
	}
	return nil
}

// cert verifies with a development certificate issued for sub's phone by /demo/cert:
// sign the server's challenge with ECDSA P-256, as a certificate program would. The
// failed attempt sends a signature over other bytes.
func (a *actor) cert(ctx context.Context, sub identity.Subscriber, twice bool) error {
	t := time.Now()
	var issued struct {
		Certificate string `json:"certificate"`
		PrivateKey  string `json:"private_key"`
	}
	from := "/demo/cert"
	if a.g.o.DevProviders != "" {
		from = strings.TrimSuffix(a.g.o.DevProviders, "/") + "/dev/cert"
	}
	if _, err := a.c.do(ctx, "GET", from+"?phone="+url.QueryEscape(sub.Phone), nil, &issued); err != nil {
		return err
	}
	key, err := parseKey(issued.PrivateKey)
	if err != nil {
		return &problem{Code: "bad_key", Detail: err.Error()}
	}
	for attempt := range 2 {
		a.count(func(c *counts) { c.verifications++ })
		var ch struct {
			Challenge string `json:"challenge"`
		}
		if _, err := a.c.do(ctx, "POST", "/api/v1/identity/cert/challenge", nil, &ch); err != nil {
			return err
		}
		signed := ch.Challenge
		failing := twice && attempt == 0
		if failing {
			signed += "-not-this"
		}
		digest := sha256.Sum256([]byte(signed))
		sig, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
		if err != nil {
			return err
		}
		body := map[string]any{"challenge": ch.Challenge, "chain": issued.Certificate, "signature": sig}
		var s session
		_, err = a.c.do(ctx, "POST", "/api/v1/identity/cert/verify", body, &s)
		if failing {
			if err == nil {
				return errors.New("a signature over other bytes was accepted")
			}
			continue
		}
		if err != nil {
			return err
		}
		a.rec.observe(stepCert, t, time.Now())
		return nil
	}
	return nil
}

// parseKey reads the PKCS#8 ECDSA key /demo/cert issues.
func parseKey(p string) (*ecdsa.PrivateKey, error) {
	b, _ := pem.Decode([]byte(p))
	if b == nil {
		return nil, errors.New("no PEM key")
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, err
	}
	ec, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("key is %T, not ECDSA", k)
	}
	return ec, nil
}
