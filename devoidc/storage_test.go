package devoidc

import (
	"context"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"

	"vaxbook"
	"vaxbook/identity"
)

func newTestStorage(now *time.Time) *storage {
	return &storage{
		brand: "kakao", clients: map[string]*client{}, now: func() time.Time { return *now },
		requests: map[string]*authRequest{}, codes: map[string]string{}, nextSweep: minSweep,
	}
}

var resident = identity.Identity{CI: "CI", Name: "홍길동", Birth: vaxbook.MustDate("1981-07-12"), Phone: "01012345678"}

// signedIn returns the id of a request the resident signed in to, and its code.
func signedIn(t *testing.T, s *storage) (string, string) {
	t.Helper()
	ctx := context.Background()
	a, err := s.CreateAuthRequest(ctx, &oidc.AuthRequest{ClientID: "vaxbook", Scopes: []string{"openid"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.complete(a.GetID(), resident); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAuthCode(ctx, a.GetID(), "code-"+a.GetID()); err != nil {
		t.Fatal(err)
	}
	return a.GetID(), "code-" + a.GetID()
}

func TestCodeIsConsumedByItsFirstLookup(t *testing.T) {
	now := time.Now()
	s := newTestStorage(&now)
	id, code := signedIn(t, s)
	a, err := s.AuthRequestByCode(context.Background(), code)
	if err != nil || a.GetID() != id || a.GetSubject() != subject("kakao", "CI") {
		t.Fatalf("first lookup = %v, %v", a, err)
	}
	if _, err := s.AuthRequestByCode(context.Background(), code); err == nil {
		t.Error("second lookup of the code found the request")
	}
}

func TestARequestGetsOneCodeAndOneSignIn(t *testing.T) {
	now := time.Now()
	s := newTestStorage(&now)
	id, _ := signedIn(t, s)
	if err := s.SaveAuthCode(context.Background(), id, "another"); err == nil {
		t.Error("a second code was saved for the request")
	}
	if err := s.complete(id, identity.Identity{CI: "OTHER"}); err == nil {
		t.Error("a signed-in request was signed in again by someone else")
	}
}

func TestRequestsAndCodesExpireAndAreSwept(t *testing.T) {
	now := time.Now()
	s := newTestStorage(&now)
	_, code := signedIn(t, s)
	now = now.Add(requestTTL)
	if _, err := s.AuthRequestByCode(context.Background(), code); err == nil {
		t.Error("an expired code was accepted")
	}
	for range minSweep {
		signedIn(t, s)
	}
	if len(s.requests) > minSweep || len(s.codes) > minSweep {
		t.Errorf("after a sweep: %d requests, %d codes; want the expired ones gone", len(s.requests), len(s.codes))
	}
}

func TestAccessTokenIDsCarryNoColonAndRoundTrip(t *testing.T) {
	id, err := newAccessToken("01012345678", []string{"openid", "phone"}, time.Unix(1700000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range id {
		if c == ':' {
			t.Fatalf("token id %q holds the library's separator", id)
		}
	}
	got, err := parseAccessToken(id)
	if err != nil || got.Phone != "01012345678" || got.Expires != 1700000000 || len(got.Scopes) != 2 {
		t.Errorf("parseAccessToken = %+v, %v", got, err)
	}
}
