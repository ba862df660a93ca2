package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"vaxbook/congestion"
	"vaxbook/identity"
	"vaxbook/oidc"
)

// oidcCookie carries the sealed login state between the redirect to the provider and
// its callback; it is scoped to the OpenID Connect routes.
const (
	oidcCookie     = "vb_oidc"
	oidcCookiePath = "/api/v1/identity/oidc/"
)

// oidcStart sends the browser to the provider's sign-in page. The session is created
// here if needed: its id is the device the login is bound to.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) {
	authURL, state, err := s.oidc.Begin(r.Context(), r.PathValue("provider"), s.device(w, r), s.clock.Now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// SameSite=Lax: the cookie must come back on the provider's top-level redirect.
	http.SetCookie(w, &http.Cookie{
		Name: s.oidcCookieName(), Value: state, Path: oidcCookiePath, MaxAge: int(oidc.StateTTL.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, authURL, http.StatusFound)
}

// oidcCallback finishes the login: the code is exchanged and the ID token checked
// within the provider's congestion line, then the person is bound to the session.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	device, err := s.deviceOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	provider := r.PathValue("provider")
	state := ""
	if c, err := r.Cookie(s.oidcCookieName()); err == nil {
		state = c.Value
	}
	http.SetCookie(w, &http.Cookie{Name: s.oidcCookieName(), Value: "", Path: oidcCookiePath, MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	now := s.clock.Now()
	ctx, cancel := context.WithTimeout(r.Context(), verifyTimeout)
	defer cancel()
	var id identity.Identity
	var key string
	err = s.throughLine(ctx, provider, func(ctx context.Context) error {
		var err error
		id, key, err = s.oidc.Finish(ctx, provider, device, state, r.URL.Query(), now)
		return err
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sess, p, err := s.signIn(w, r, device, id, key, provider)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// A browser that followed the provider's redirect goes on to the site search; an
	// API client gets the session as JSON.
	if r.Header.Get("Sec-Fetch-Dest") == "document" || strings.Contains(r.Header.Get("Accept"), "text/html") {
		http.Redirect(w, r, "/sites", http.StatusSeeOther)
		return
	}
	s.writeSession(w, sess, p)
}

// oidcCookieName is the login state cookie's name. It is scoped to the OpenID Connect
// routes, so over TLS it takes the __Secure- prefix (__Host- requires Path=/).
func (s *Server) oidcCookieName() string {
	if s.secure {
		return "__Secure-" + oidcCookie
	}
	return oidcCookie
}

// throughLine runs a provider call in the method's congestion line when one is
// configured for it, so that the method's light shows the load.
func (s *Server) throughLine(ctx context.Context, method string, call func(context.Context) error) error {
	if s.line == nil || !s.lineHas(method) {
		return call(ctx)
	}
	return congestion.Do(ctx, s.line, method, call)
}

// lineHas reports whether the congestion line knows the method.
func (s *Server) lineHas(method string) bool {
	for _, m := range s.lineMethods {
		if m == method {
			return true
		}
	}
	return false
}

// verifyTimeout bounds a verification call that waits for a provider's capacity, so a
// request never hangs as long as the client stays connected.
const verifyTimeout = 20 * time.Second
