package api

import (
	"context"
	"net/http"
	"time"

	"vaxbook/cert"
	"vaxbook/identity"
)

// certChallenge issues a single-use challenge for the resident's certificate to sign.
func (s *Server) certChallenge(w http.ResponseWriter, r *http.Request) {
	ch, err := s.cert.Challenge(r.Context(), s.device(w, r), s.clock.Now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, challengeJSON{Challenge: ch.Value, ExpiresAt: ch.ExpiresAt.Format(time.RFC3339)})
}

// certVerify checks the signature over the challenge, the certificate's chain, dates,
// usage and revocation, and binds the person it names to the session.
func (s *Server) certVerify(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Challenge string `json:"challenge"`
		Chain     string `json:"chain"`     // PEM, leaf first
		Signature []byte `json:"signature"` // base64: DER or WebCrypto's raw r||s
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
	ctx, cancel := context.WithTimeout(r.Context(), verifyTimeout)
	defer cancel()
	var id identity.Identity
	var key string
	err = s.throughLine(ctx, cert.Name, func(ctx context.Context) error {
		var err error
		id, key, err = s.cert.Verify(ctx, device, in.Challenge, []byte(in.Chain), in.Signature, now)
		return err
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sess, p, err := s.signIn(w, r, device, id, key, cert.Name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeSession(w, sess, p)
}
