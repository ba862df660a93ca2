package api

import (
	"context"
	"crypto/x509"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"vaxbook/cert"
	"vaxbook/identity"
	"vaxbook/oidc"
	"vaxbook/queue"
)

// TestOpenAPIDescribesEveryRoute fails when a public route is missing from the OpenAPI
// document or the document names an operation that no route serves.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	var doc struct {
		OpenAPI string                               `yaml:"openapi"`
		Paths   map[string]map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.yaml does not parse: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	var documented, served []string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
			if _, ok := op["responses"]; !ok {
				t.Errorf("%s %s has no responses", method, path)
			}
		}
	}
	signer, err := queue.NewSigner(queue.Key{ID: 1, Secret: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	cfg := queue.DefaultConfig()
	cfg.Signer, cfg.Counters = signer, queue.NewMemCounters()
	room, err := queue.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte(strings.Repeat("s", 32))
	certs, err := cert.New(cert.Config{Roots: x509.NewCertPool(), Secret: secret}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sealer, _ := identity.NewSealer(make([]byte, 32))
	oidcs, err := oidc.New(context.Background(), []oidc.ProviderConfig{{
		Name: "kakao", Label: "Kakao", Issuer: "http://127.0.0.1:9/kakao", ClientID: "vaxbook",
		RedirectURL: "http://127.0.0.1:9/cb", KeyClaim: "ci",
	}}, secret, sealer, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Demo: &Demo{}, Room: room, Cert: certs, OIDC: oidcs})
	for _, rt := range s.routes() {
		if rt.public {
			served = append(served, rt.method+" "+rt.path)
		}
	}
	slices.Sort(documented)
	slices.Sort(served)
	if !slices.Equal(documented, served) {
		t.Errorf("document and routes differ:\ndocumented %v\nserved     %v", documented, served)
	}
}
