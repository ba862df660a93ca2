package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"path/filepath"
	"testing"

	"vaxbook/demo"
	"vaxbook/devoidc"
	"vaxbook/identity"
)

// TestEveryMethodVerifiesAndBooks signs in a different demo resident by each method
// that --demo runs — mobile phone, each simple-authentication provider and a
// certificate — and books for each, through the real program.
func TestEveryMethodVerifiesAndBooks(t *testing.T) {
	in := startServe(t, "--demo", "--demo-sites", "40", "--database", filepath.Join(t.TempDir(), "vaxbook.db"), "--now", "2021-08-12T20:01:00+09:00")
	pop := demo.NewPopulation(demo.FullPopulation, 2021, demo.Campaign2021())
	from := 0
	next := func() identity.Subscriber {
		i, r := pop.FindInGroup(2, from)
		from = i + 1
		return r
	}
	methods := map[string]func(b *browser, r identity.Subscriber){
		"phone": func(b *browser, r identity.Subscriber) { b.verify(in, r) },
		"cert":  func(b *browser, r identity.Subscriber) { b.verifyCert(in, r) },
	}
	for _, brand := range demoBrands {
		methods[brand.name] = func(b *browser, r identity.Subscriber) { b.verifyOIDC(in, brand.name, r) }
	}
	// Each booking takes a different day: a clinic's daily share for one group is small.
	days := []string{"2021-09-01", "2021-09-02", "2021-09-03", "2021-09-04", "2021-09-06", "2021-09-07", "2021-09-08"}
	for name, verify := range methods {
		day := days[0]
		days = days[1:]
		t.Run(name, func(t *testing.T) {
			b := newBrowser(t)
			b.enterQueue(in)
			r := next()
			verify(b, r)
			st, rv := b.post(in.base+"/api/v1/campaigns/1/reservation", map[string]any{"site_id": 2, "date": day})
			if st != 201 || rv["status"] != "booked" {
				t.Errorf("booking after %s: %d %v", name, st, rv)
			}
		})
	}
}

// verifyOIDC signs r in at a development issuer through the redirect flow.
func (b *browser) verifyOIDC(in *instance, provider string, r identity.Subscriber) {
	b.t.Helper()
	noFollow := *b.http
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Get(in.base + "/api/v1/identity/oidc/" + provider + "/start")
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		b.t.Fatalf("start: %d", resp.StatusCode)
	}
	callback, err := devoidc.SignIn(context.Background(), b.http, resp.Header.Get("Location"), r.Phone)
	if err != nil {
		b.t.Fatalf("sign in at %s: %v", provider, err)
	}
	resp, err = b.http.Get(callback.String())
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	var sess map[string]any
	json.NewDecoder(resp.Body).Decode(&sess)
	if resp.StatusCode != 200 || sess["verified"] != true || sess["name"] != r.Name {
		b.t.Fatalf("callback: %d %v", resp.StatusCode, sess)
	}
}

// verifyCert signs a challenge with a development certificate of r, as the demo page
// does in the browser with WebCrypto.
func (b *browser) verifyCert(in *instance, r identity.Subscriber) {
	b.t.Helper()
	st, ch := b.post(in.base+"/api/v1/identity/cert/challenge", nil)
	if st != 200 {
		b.t.Fatalf("challenge: %d %v", st, ch)
	}
	resp, err := b.http.Get(in.base + "/demo/cert?phone=" + r.Phone)
	if err != nil {
		b.t.Fatal(err)
	}
	var issued struct {
		Certificate string `json:"certificate"`
		PrivateKey  string `json:"private_key"`
	}
	json.NewDecoder(resp.Body).Decode(&issued)
	resp.Body.Close()
	block, _ := pem.Decode([]byte(issued.PrivateKey))
	if block == nil {
		b.t.Fatalf("no key issued: %d", resp.StatusCode)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		b.t.Fatal(err)
	}
	digest := sha256.Sum256([]byte(ch["challenge"].(string)))
	sig, err := ecdsa.SignASN1(rand.Reader, key.(*ecdsa.PrivateKey), digest[:])
	if err != nil {
		b.t.Fatal(err)
	}
	st, sess := b.post(in.base+"/api/v1/identity/cert/verify", map[string]any{"challenge": ch["challenge"], "chain": issued.Certificate, "signature": sig})
	if st != 200 || sess["verified"] != true || sess["name"] != r.Name {
		b.t.Fatalf("verify: %d %v", st, sess)
	}
}
