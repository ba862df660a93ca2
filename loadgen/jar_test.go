package loadgen

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

func cookieNames(cs []*http.Cookie) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name+"="+c.Value)
	}
	slices.Sort(out)
	return out
}

// TestJarKeepsCookiesPerHostAndPathAndDeletesExpiredOnes plays the cookies the
// service sets during a sign-in: the device and session cookies on /, the sign-in
// state on the OIDC path, then its deletion.
func TestJarKeepsCookiesPerHostAndPathAndDeletesExpiredOnes(t *testing.T) {
	j := newJar()
	svc, _ := url.Parse("http://127.0.0.1:8080/api/v1/queue/join")
	dev, _ := url.Parse("http://127.0.0.1:8081/dev/oidc/kakao/authorize")
	j.SetCookies(svc, []*http.Cookie{{Name: "device", Value: "d1", Path: "/"}, {Name: "session", Value: "s1"}})
	j.SetCookies(svc, []*http.Cookie{{Name: "oidc", Value: "st", Path: "/api/v1/identity/oidc", MaxAge: 600}})
	j.SetCookies(dev, []*http.Cookie{{Name: "login", Value: "l1", Path: "/dev/oidc/kakao/"}})
	at := func(raw string) []string {
		u, _ := url.Parse(raw)
		return cookieNames(j.Cookies(u))
	}
	for _, tc := range []struct {
		url  string
		want []string
	}{
		{"http://127.0.0.1:8080/api/v1/queue/status", []string{"device=d1", "session=s1"}},
		{"http://127.0.0.1:8080/api/v1/identity/oidc/kakao/callback", []string{"device=d1", "oidc=st", "session=s1"}},
		{"http://127.0.0.1:8080/api/v1/identity/oidcx", []string{"device=d1", "session=s1"}}, // not a path match
		{"http://127.0.0.1:8081/dev/oidc/kakao/login", []string{"login=l1"}},
		{"http://127.0.0.1:8081/dev/oidc/naver/login", nil},
	} {
		if got := at(tc.url); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.url, got, tc.want)
		}
	}
	// A new value replaces the old; Max-Age < 0 and a past Expires delete.
	j.SetCookies(svc, []*http.Cookie{{Name: "session", Value: "s2", Path: "/"}})
	j.SetCookies(svc, []*http.Cookie{{Name: "oidc", Path: "/api/v1/identity/oidc", MaxAge: -1}})
	j.SetCookies(svc, []*http.Cookie{{Name: "device", Path: "/", Expires: time.Unix(1, 0)}})
	if got, want := at("http://127.0.0.1:8080/api/v1/identity/oidc/kakao/callback"), []string{"session=s2"}; !slices.Equal(got, want) {
		t.Errorf("after replacing and deleting: %v, want %v", got, want)
	}
}
