package api

import (
	"context"
	"net/http"
	"time"

	"vaxbook/identity"
	"vaxbook/phone"
	"vaxbook/signin"
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
// The device cookie is issued here if the browser has none: the code is bound to it.
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
	place, _ := s.passPlace(r)
	ch, err := s.phone.Start(signin.WithPass(r.Context(), place), s.device(w, r), claim, s.clock.Now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, phoneSentJSON{Phone: ch.Phone, ExpiresAt: ch.ExpiresAt.Format(time.RFC3339)})
}

// phoneConfirm checks the one-time code and signs the verified person in.
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
	id, key, err := s.phone.Confirm(r.Context(), device, in.Code, s.clock.Now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sess, p, err := s.signIn(w, r, device, id, key, phone.Name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeSession(w, sess, p)
}
