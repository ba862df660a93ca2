package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"time"

	"vaxbook"
	"vaxbook/booking"
)

// sessionCookie names the cookie that carries the session id.
const sessionCookie = "vb_session"

// Session lifetimes. A verified session lasts long enough to search and book calmly but
// not all evening: the verification limit (one per 10 minutes) makes re-verifying cheap.
const (
	verifiedTTL = 30 * time.Minute
)

// hashID returns the stored form of a session id: storage never holds a usable cookie.
func hashID(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// device returns the request's device id, the hash of its session cookie, setting a new
// cookie when the browser has none. The device is the browser that holds the cookie
// (rule 7). Nothing is stored until verification succeeds (SignIn): a surge of people
// starting to verify costs the database nothing, and an abandoned attempt leaves no row.
func (s *Server) device(w http.ResponseWriter, r *http.Request) string {
	if id, err := s.deviceOf(r); err == nil {
		return id
	}
	var b [32]byte
	rand.Read(b[:])
	raw := base64.RawURLEncoding.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: raw, Path: "/", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
	return hashID(raw)
}

// deviceOf returns the device id of a request that carries a session cookie, or
// CodeUnauthorized: a verification cannot finish on a device that did not start it.
func (s *Server) deviceOf(r *http.Request) (string, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || len(c.Value) != 43 {
		return "", vaxbook.Errorf(vaxbook.CodeUnauthorized, "no session: start the verification again")
	}
	return hashID(c.Value), nil
}

// resident returns the verified person behind the request, or CodeUnauthorized. The
// session and the person come in one read: every signed-in request needs both.
func (s *Server) resident(r *http.Request) (booking.Resident, error) {
	sess, p, err := s.sessionPerson(r)
	if err != nil {
		return booking.Resident{}, err
	}
	if !sess.Verified(s.clock.Now()) {
		return booking.Resident{}, vaxbook.Errorf(vaxbook.CodeUnauthorized, "verify your identity first")
	}
	return booking.Resident{Person: p, DeviceID: sess.IDHash}, nil
}

// sessionPerson returns the request's live session and its person, or
// CodeUnauthorized; what the route limits already read for this request is not read
// again.
func (s *Server) sessionPerson(r *http.Request) (vaxbook.Session, vaxbook.Person, error) {
	if si, ok := limitedSession(r); ok {
		return si.sess, si.p, nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || len(c.Value) != 43 {
		return vaxbook.Session{}, vaxbook.Person{}, vaxbook.Errorf(vaxbook.CodeUnauthorized, "no session: verify your identity first")
	}
	sess, p, err := s.store.SessionPerson(r.Context(), hashID(c.Value), s.clock.Now())
	if vaxbook.ErrorCode(err) == vaxbook.CodeNotFound {
		return vaxbook.Session{}, vaxbook.Person{}, vaxbook.Errorf(vaxbook.CodeUnauthorized, "your session has expired: verify your identity again")
	}
	return sess, p, err
}

// clearSession ends the session cookie in the browser.
func (s *Server) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
}
