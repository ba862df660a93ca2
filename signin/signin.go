// Package signin turns a proven identity into a signed-in session, once for every
// verification method. A method (mobile phone, the OpenID Connect providers, i-PIN, a
// certificate) only proves who the resident is and returns a Proof; this service does
// the rest the same way for all of them: it binds the waiting-room pass to the person,
// applies the verification limits (one verification per ten minutes, the first device
// goes on: rules 6 and 7), stores the person with the phone number sealed, and issues a
// new session id that no client chose, ending the one the browser held before. A new
// method is a provider and its handler, which ends in Complete; nothing else.
//
// A session id is never accepted from a client unless the server issued it at a
// sign-in: a value planted in a victim's browser before they verify is simply replaced,
// so it never becomes the victim's session (session fixation). The device of rule 7 is
// a separate, signed device token (Devices), which outlives sign-out, so the same
// browser verifying again is told "too soon", not "another device".
package signin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"vaxbook"
	"vaxbook/identity"
)

// Store is what signing in needs from the system of record: sign-in, the read of
// every signed-in request, and sign-out.
type Store interface {
	vaxbook.Sessions
}

// Service completes verifications into sessions. Create it with New.
type Service struct {
	store  Store
	sealer *identity.Sealer
	guard  vaxbook.Guard
	passes vaxbook.Passes
	cache  *sessionCache // nil: every signed-in request reads the store
}

// New returns the service. passes may be nil when the service runs without a waiting
// room: there are no passes to bind.
func New(store Store, sealer *identity.Sealer, guard vaxbook.Guard, passes vaxbook.Passes) *Service {
	return &Service{store: store, sealer: sealer, guard: guard, passes: passes}
}

// Proof is what a verification method established: who the person is, their person key
// (the keyed hash of the provider's identity) and the method's name.
type Proof struct {
	Identity  identity.Identity
	PersonKey string
	Method    string
}

// Attempt is the request a proof came with.
type Attempt struct {
	// Device is the id of the signed device token the verification ran on.
	Device string
	// Pass is the place in line of the waiting-room pass the request carried and
	// PassExpires its end; empty without a waiting room.
	Pass        string
	PassExpires time.Time
	// Previous is the session token the browser held before, if any; it ends.
	Previous string
}

// Issued is a new session. Token goes into the session cookie and is never stored: the
// store keeps its hash.
type Issued struct {
	Token   string
	Session vaxbook.Session
}

// Complete signs the proven person in. It binds the pass first, so that a pass someone
// else verified with admits nobody else (CodePassInUse) and such an attempt spends
// nobody's verification window; then the Guard records the verification, refusing
// CodeDeviceLocked when another device verified the person first and
// CodeVerifyTooSoon within ten minutes of the last one (both with RetryAt); then the
// person and a new session are stored in one commit and the browser's previous session
// ends. Other errors are the stores'.
func (s *Service) Complete(ctx context.Context, a Attempt, p Proof, now time.Time) (Issued, error) {
	if p.PersonKey == "" || a.Device == "" {
		return Issued{}, fmt.Errorf("signin: a proof needs a person key and a device")
	}
	if s.passes != nil && a.Pass != "" {
		if err := s.passes.Bind(ctx, a.Pass, p.PersonKey, a.PassExpires.Sub(now)); err != nil {
			return Issued{}, err
		}
	}
	if err := s.guard.Complete(ctx, p.PersonKey, a.Device, now); err != nil {
		return Issued{}, err
	}
	person := vaxbook.Person{Key: p.PersonKey, Name: p.Identity.Name, Birth: p.Identity.Birth, Foreign: p.Identity.Foreign}
	if p.Identity.Phone != "" {
		sealed, err := s.sealer.Seal(p.Identity.Phone)
		if err != nil {
			return Issued{}, err
		}
		person.PhoneEnc = sealed
	}
	token := NewToken()
	sess := vaxbook.Session{
		IDHash: HashToken(token), PersonKey: p.PersonKey, Method: p.Method,
		CreatedAt: now, VerifiedAt: now, ExpiresAt: now.Add(vaxbook.SessionTTL),
	}
	if err := s.store.SignIn(ctx, []vaxbook.SignInRequest{{Person: person, Session: sess}})[0]; err != nil {
		return Issued{}, err
	}
	if s.cache != nil && person.PhoneEnc != nil {
		// As the store now holds it; a person without a phone here (a certificate)
		// keeps the stored one, which the first read brings.
		s.cache.put(sess, person, time.Now())
	}
	if a.Previous != "" {
		// The new session already works; a failure here leaves the old one to
		// expire on its own, which is no worse than before this sign-in.
		_ = s.end(context.WithoutCancel(ctx), HashToken(a.Previous), now)
	}
	return Issued{Token: token, Session: sess}, nil
}

// passKey carries a request's pass place in its context, for Check.
type passKey struct{}

// WithPass returns ctx carrying the place of the waiting-room pass the request holds,
// so that Check, called deep inside a verification method, can see it.
func WithPass(ctx context.Context, pass string) context.Context {
	if pass == "" {
		return ctx
	}
	return context.WithValue(ctx, passKey{}, pass)
}

// Check tells a verification method, once it knows who is verifying and before it
// spends anything on them (a text message), whether Complete would refuse: the pass of
// ctx (WithPass) bound to another person (CodePassInUse), another device holding the
// person (CodeDeviceLocked) or a verification less than ten minutes ago
// (CodeVerifyTooSoon). It records nothing.
func (s *Service) Check(ctx context.Context, personKey, deviceID string, now time.Time) error {
	if pass, _ := ctx.Value(passKey{}).(string); pass != "" && s.passes != nil {
		if err := s.PassHolder(ctx, pass, personKey); err != nil {
			return err
		}
	}
	return s.guard.Check(ctx, personKey, deviceID, now)
}

// PassHolder reports whether the pass may be used by the person for booking: it is
// bound to them (or to nobody, which only happens after the shared state was lost).
func (s *Service) PassHolder(ctx context.Context, pass, personKey string) error {
	if s.passes == nil || pass == "" {
		return nil
	}
	holder, bound, err := s.passes.Holder(ctx, pass)
	if err != nil {
		return err
	}
	if bound && holder != personKey {
		return vaxbook.PassInUse(false)
	}
	return nil
}

// Booked ends the pass with its person's booking: it verifies nobody from then on.
func (s *Service) Booked(ctx context.Context, pass string, expires, now time.Time) error {
	if s.passes == nil || pass == "" {
		return nil
	}
	return s.passes.End(ctx, pass, expires.Sub(now))
}

// Session returns the live session of token and its person, in one read: every
// signed-in request needs both. CodeUnauthorized when token is not one the service
// issued, or its session has ended or expired at now.
func (s *Service) Session(ctx context.Context, token string, now time.Time) (vaxbook.Session, vaxbook.Person, error) {
	if len(token) != TokenLen {
		return vaxbook.Session{}, vaxbook.Person{}, vaxbook.Errorf(vaxbook.CodeUnauthorized, "no session: verify your identity first")
	}
	idHash, wall := HashToken(token), time.Now()
	if s.cache != nil {
		if e, ok := s.cache.get(idHash, wall); ok {
			if !now.Before(e.sess.ExpiresAt) {
				return vaxbook.Session{}, vaxbook.Person{}, errSessionExpired()
			}
			return e.sess, e.person, nil
		}
	}
	sess, p, err := s.store.SessionPerson(ctx, idHash, now)
	if vaxbook.ErrorCode(err) == vaxbook.CodeNotFound {
		return vaxbook.Session{}, vaxbook.Person{}, errSessionExpired()
	}
	if err == nil && s.cache != nil {
		s.cache.put(sess, p, wall)
	}
	return sess, p, err
}

func errSessionExpired() error {
	return vaxbook.Errorf(vaxbook.CodeUnauthorized, "your session has expired: verify your identity again")
}

// SignOut ends the session of token, on every instance.
func (s *Service) SignOut(ctx context.Context, token string, now time.Time) error {
	return s.end(ctx, HashToken(token), now)
}

// end ends a session in the store, then in every instance's cache.
func (s *Service) end(ctx context.Context, idHash string, now time.Time) error {
	if err := s.store.EndSession(ctx, idHash, now); err != nil {
		return err
	}
	if s.cache != nil {
		// The session is ended where it counts; an announcement that fails leaves
		// it in other instances' caches for at most CacheTTL.
		_ = s.cache.end(ctx, idHash)
	}
	return nil
}

// TokenLen is the length of a session token: 32 random bytes, base64url.
const TokenLen = 43

// NewToken returns a new random session token.
func NewToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// HashToken returns the stored form of a session token: storage never holds a usable
// cookie value.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
