package api

import (
	"net/http"
	"time"

	"vaxbook"
	"vaxbook/identity"
	"vaxbook/signin"
)

// sessionCookie names the cookie that carries the session token. The server sets it
// only at a sign-in, with a new random value; a value the client brings is looked up,
// never adopted.
const sessionCookie = "vb_session"

// cookieName is the name a cookie is set and read under. Over TLS it carries the
// __Host- prefix, which browsers accept only from a secure origin, for Path=/ and with
// no Domain: a sibling subdomain or a plain-HTTP page cannot plant or overwrite it.
func (s *Server) cookieName(base string) string {
	if s.secure {
		return "__Host-" + base
	}
	return base
}

// cookie returns the value of one of the service's cookies, or "".
func (s *Server) cookie(r *http.Request, base string) string {
	c, err := r.Cookie(s.cookieName(base))
	if err != nil {
		return ""
	}
	return c.Value
}

// setToken sets one of the service's cookies for maxAge (a negative age deletes it).
func (s *Server) setToken(w http.ResponseWriter, base, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(base), Value: value, Path: "/", MaxAge: int(maxAge.Seconds()), HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
}

// device returns the request's device id, issuing a signed device cookie when the
// browser has none the server issued. The device is the browser that holds the cookie
// (rule 7); it survives sign-out, so signing out and in again on one browser is the
// same device. Nothing is stored until a verification succeeds.
func (s *Server) device(w http.ResponseWriter, r *http.Request) string {
	now := s.clock.Now()
	if id, ok := s.devices.ID(s.cookie(r, deviceCookie), now); ok {
		return id
	}
	token, id := s.devices.Issue(now)
	s.setToken(w, deviceCookie, token, signin.DeviceTTL)
	return id
}

// deviceOf returns the device id of a request that carries a device cookie the server
// issued, or CodeUnauthorized: a verification cannot finish on a device that did not
// start it.
func (s *Server) deviceOf(r *http.Request) (string, error) {
	id, ok := s.devices.ID(s.cookie(r, deviceCookie), s.clock.Now())
	if !ok {
		return "", vaxbook.Errorf(vaxbook.CodeUnauthorized, "no session: start the verification again")
	}
	return id, nil
}

// resident returns the verified person behind the request, or CodeUnauthorized. The
// session and the person come in one read: every signed-in request needs both. The
// device is the request's own device cookie: booking checks it against the device
// that verified (rule 7), so a session token copied to another browser cannot book.
func (s *Server) resident(r *http.Request) (vaxbook.Resident, error) {
	sess, p, err := s.sessionPerson(r)
	if err != nil {
		return vaxbook.Resident{}, err
	}
	if !sess.Verified(s.clock.Now()) {
		return vaxbook.Resident{}, vaxbook.Errorf(vaxbook.CodeUnauthorized, "verify your identity first")
	}
	device, _ := s.devices.ID(s.cookie(r, deviceCookie), s.clock.Now())
	return vaxbook.Resident{Person: p, DeviceID: device}, nil
}

// sessionPerson returns the request's live session and its person, or
// CodeUnauthorized; what the route limits already read for this request is not read
// again.
func (s *Server) sessionPerson(r *http.Request) (vaxbook.Session, vaxbook.Person, error) {
	if si, ok := limitedSession(r); ok {
		return si.sess, si.p, nil
	}
	return s.signin.Session(r.Context(), s.cookie(r, sessionCookie), s.clock.Now())
}

// signIn completes a verification every method ends with: the sign-in service binds
// the waiting-room pass, stores the person and issues a new session, whose token
// replaces whatever session cookie the browser held. It returns the new session and
// its person for the answer.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, device string, id identity.Identity, key, method string) (vaxbook.Session, vaxbook.Person, error) {
	place, expires := s.passPlace(r)
	iss, err := s.signin.Complete(r.Context(), signin.Attempt{
		Device: device, Pass: place, PassExpires: expires, Previous: s.cookie(r, sessionCookie),
	}, signin.Proof{Identity: id, PersonKey: key, Method: method}, s.clock.Now())
	if err != nil {
		return vaxbook.Session{}, vaxbook.Person{}, err
	}
	s.setToken(w, sessionCookie, iss.Token, vaxbook.SessionTTL)
	return iss.Session, vaxbook.Person{Key: key, Name: id.Name, Birth: id.Birth, Foreign: id.Foreign}, nil
}

// passPlace returns the place in line of the request's waiting-room pass and its
// expiry, or "" without a waiting room or a valid pass.
func (s *Server) passPlace(r *http.Request) (string, time.Time) {
	if s.room == nil {
		return "", time.Time{}
	}
	place, expires, ok := s.room.PassPlace(s.cookie(r, passCookie))
	if !ok {
		return "", time.Time{}
	}
	return place, expires
}

// getSession tells the browser who its session is verified as.
func (s *Server) getSession(w http.ResponseWriter, r *http.Request) {
	sess, p, err := s.sessionPerson(r)
	if err != nil && vaxbook.ErrorCode(err) != vaxbook.CodeUnauthorized {
		s.writeError(w, r, err)
		return
	}
	s.writeSession(w, sess, p)
}

// writeSession answers with the session, or with {"verified": false} when it is not
// a verified, live one.
func (s *Server) writeSession(w http.ResponseWriter, sess vaxbook.Session, p vaxbook.Person) {
	out := sessionJSON{}
	if sess.Verified(s.clock.Now()) {
		g := vaxbook.GroupOf(p.Birth)
		out = sessionJSON{Verified: true, Method: sess.Method, Name: p.Name, Birth: p.Birth.String(), Group: &g, ExpiresAt: sess.ExpiresAt.Format(time.RFC3339)}
	}
	s.writeJSON(w, http.StatusOK, out)
}

// logout ends the session on the server and in the browser. The device cookie stays:
// the browser is still the same device, so verifying again within ten minutes is "too
// soon" rather than "another device".
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if token := s.cookie(r, sessionCookie); len(token) == signin.TokenLen {
		if err := s.signin.SignOut(r.Context(), token, s.clock.Now()); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	s.setToken(w, sessionCookie, "", -time.Second)
	w.WriteHeader(http.StatusNoContent)
}
