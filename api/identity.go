package api

import (
	"context"
	"net/http"
	"time"

	"vaxbook"
	"vaxbook/identity"
	"vaxbook/phone"
)

// PhoneMethod is the mobile-phone verification (package phone).
type PhoneMethod interface {
	Start(ctx context.Context, deviceID string, claim phone.Claim, now time.Time) (phone.Challenge, error)
	Confirm(ctx context.Context, deviceID, code string, now time.Time) (identity.Identity, string, error)
}

type phoneStartJSON struct {
	Name    string `json:"name"`
	Birth   string `json:"birth"`
	Digit7  string `json:"digit7"`
	Carrier string `json:"carrier"`
	Phone   string `json:"phone"`
}

// phoneStart checks the resident's claim with the carrier and has a one-time code sent.
// The session is created here if the browser has none: its id is the device of rule 7.
func (s *Server) phoneStart(w http.ResponseWriter, r *http.Request) {
	var in phoneStartJSON
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	claim, err := phone.ParseClaim(in.Name, in.Birth, in.Digit7, in.Carrier, in.Phone)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ch, err := s.phone.Start(r.Context(), s.device(w, r), claim, s.clock.Now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]string{"phone": ch.Phone, "expires_at": ch.ExpiresAt.Format(time.RFC3339)})
}

// phoneConfirm checks the one-time code and binds the verified person to the session.
func (s *Server) phoneConfirm(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Code string `json:"code"`
	}
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	device, err := s.deviceOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	now := s.clock.Now()
	id, key, err := s.phone.Confirm(r.Context(), device, in.Code, now)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.bindPerson(r.Context(), device, id, key, phone.Name, now); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.getSession(w, r)
}

// bindPerson stores the verified person (phone sealed) and binds them to the device's
// session, creating it. Every method ends here, so that the verified identity is the
// only one that can book in that session (rule 5). A certificate carries no phone
// number: the store keeps the one a method gave before.
func (s *Server) bindPerson(ctx context.Context, device string, id identity.Identity, key, method string, now time.Time) error {
	p := vaxbook.Person{Key: key, Name: id.Name, Birth: id.Birth, Foreign: id.Foreign}
	if id.Phone != "" {
		sealed, err := s.sealer.Seal(id.Phone)
		if err != nil {
			return err
		}
		p.PhoneEnc = sealed
	}
	return s.store.SignIn(ctx, p, vaxbook.Session{IDHash: device, Method: method, VerifiedAt: now, ExpiresAt: now.Add(verifiedTTL)})
}

// getSession tells the browser who its session is verified as.
func (s *Server) getSession(w http.ResponseWriter, r *http.Request) {
	out := sessionJSON{}
	sess, p, err := s.sessionPerson(r)
	if err == nil && sess.Verified(s.clock.Now()) {
		g := vaxbook.GroupOf(p.Birth)
		out = sessionJSON{Verified: true, Method: sess.Method, Name: p.Name, Birth: p.Birth.String(), Group: &g, ExpiresAt: sess.ExpiresAt.Format(time.RFC3339)}
	} else if err != nil && vaxbook.ErrorCode(err) != vaxbook.CodeUnauthorized {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, out)
}

// logout ends the session on the server and in the browser.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if device, err := s.deviceOf(r); err == nil {
		if err := s.store.EndSession(r.Context(), device, s.clock.Now()); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	s.clearSession(w)
	w.WriteHeader(http.StatusNoContent)
}
