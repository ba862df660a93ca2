package devoidc

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"vaxbook/identity"
)

// Lifetimes. An authorization request (and its code) lives as long as the relying
// party's own state cookie; tokens live long enough for one userinfo call.
const (
	requestTTL    = 10 * time.Minute
	tokenLifetime = 5 * time.Minute
)

// minSweep is the number of requests below which the storage never sweeps.
const minSweep = 1024

// errNotFound is returned for unknown or expired requests, codes, clients and tokens.
var errNotFound = notFound{}

type notFound struct{}

func (notFound) Error() string { return "devoidc: not found" }
func (notFound) IsNotFound()   {}

// storage is the in-memory op.Storage of one issuer: clients, authorization requests
// and codes, and the signing key. Access tokens are not stored: each carries its
// resident, sealed by the library's AES-GCM crypto (see accessToken), so the userinfo
// endpoint needs no table that would grow with the surge. Expired requests are swept
// lazily, when the table has doubled since the last sweep.
type storage struct {
	brand     string
	residents Residents
	clients   map[string]*client
	key       *signingKey
	now       func() time.Time

	mu        sync.Mutex
	requests  map[string]*authRequest
	codes     map[string]string // code → request id
	nextSweep int
}

var (
	_ op.Storage                   = (*storage)(nil)
	_ op.CanSetUserinfoFromRequest = (*storage)(nil)
)

func (s *storage) CreateAuthRequest(_ context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	a := &authRequest{id: rand.Text(), created: s.now(), req: *req}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests[a.id] = a
	if len(s.requests) >= s.nextSweep {
		s.sweep()
	}
	c := *a
	return &c, nil
}

func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.live(id)
	if !ok {
		return nil, errNotFound
	}
	c := *a
	return &c, nil
}

// AuthRequestByCode consumes the code: it is removed in the same critical section that
// finds it, so of two exchanges of one code (a replay, or two racing requests) exactly
// one gets the request. A failed exchange burns the code too, as RFC 6749 allows.
func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.codes[code]
	if !ok {
		return nil, errNotFound
	}
	delete(s.codes, code)
	a, ok := s.live(id)
	if !ok || !a.done {
		return nil, errNotFound
	}
	c := *a
	return &c, nil
}

// SaveAuthCode records the code of a completed request. A request gets one code: the
// library issues it when the browser comes back from the sign-in page, and a second
// visit of that callback must not mint another.
func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.live(id)
	if !ok || !a.done || a.code != "" {
		return errNotFound
	}
	a.code = code
	s.codes[code] = id
	return nil
}

func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.requests[id]; ok {
		delete(s.codes, a.code)
		delete(s.requests, id)
	}
	return nil
}

// complete marks a request signed in by a resident. A request is signed in once.
func (s *storage) complete(id string, r identity.Identity) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.live(id)
	if !ok || a.done {
		return errNotFound
	}
	a.done, a.resident, a.subject, a.authTime = true, r, subject(s.brand, r.CI), s.now()
	return nil
}

// live returns the request id if it has not expired. The caller holds s.mu.
func (s *storage) live(id string) (*authRequest, bool) {
	a, ok := s.requests[id]
	if !ok || !s.now().Before(a.created.Add(requestTTL)) {
		return nil, false
	}
	return a, true
}

// sweep drops expired requests and their codes. The caller holds s.mu.
func (s *storage) sweep() {
	for id, a := range s.requests {
		if !s.now().Before(a.created.Add(requestTTL)) {
			delete(s.codes, a.code)
			delete(s.requests, id)
		}
	}
	s.nextSweep = max(2*len(s.requests), minSweep)
}

func (s *storage) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	a, ok := req.(*authRequest)
	if !ok {
		return "", time.Time{}, errors.New("devoidc: only the authorization code flow is supported")
	}
	exp := s.now().Add(tokenLifetime)
	id, err := newAccessToken(a.resident.Phone, a.GetScopes(), exp)
	return id, exp, err
}

func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errors.New("devoidc: refresh tokens are not issued")
}

func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}

func (s *storage) TerminateSession(context.Context, string, string) error { return nil }

// RevokeToken has nothing to revoke: access tokens expire within minutes and are
// never stored.
func (s *storage) RevokeToken(context.Context, string, string, string) *oidc.Error {
	return oidc.ErrRequestNotSupported().WithDescription("revocation is not supported")
}

func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) { return s.key, nil }

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{s.key.SignatureAlgorithm()}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{publicKey{s.key}}, nil
}

func (s *storage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	c, ok := s.clients[id]
	if !ok {
		return nil, errNotFound
	}
	return c, nil
}

func (s *storage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	c, ok := s.clients[id]
	if !ok || subtle.ConstantTimeCompare([]byte(c.secret), []byte(secret)) != 1 {
		return errors.New("devoidc: wrong client credentials")
	}
	return nil
}

// SetUserinfoFromScopes is deprecated in the library in favour of
// SetUserinfoFromRequest, which sees the signed-in resident.
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

func (s *storage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	a, ok := req.(*authRequest)
	if !ok {
		return errors.New("devoidc: unexpected token request")
	}
	fillUserinfo(info, s.brand, a.resident, scopes)
	return nil
}

func (s *storage) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, sub, _ string) error {
	t, err := parseAccessToken(tokenID)
	if err != nil || !s.now().Before(time.Unix(t.Expires, 0)) {
		return errNotFound
	}
	r, ok, err := s.residents.LookupPhone(ctx, t.Phone)
	if err != nil {
		return err
	}
	if !ok || subject(s.brand, r.CI) != sub {
		return errNotFound
	}
	fillUserinfo(info, s.brand, r.Identity, t.Scopes)
	return nil
}

func (s *storage) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return errors.New("devoidc: introspection is not supported")
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("devoidc: JWT profile grants are not supported")
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("devoidc: JWT profile grants are not supported")
}

func (s *storage) Health(context.Context) error { return nil }
