package api

import (
	"net/http"

	"vaxbook/staff"
)

// adminPutStaff creates or updates a clinic staff account: its site, name and password,
// and, with "totp": true, a new second-factor key returned once (as base32 and as an
// otpauth:// URI for authenticator apps) and stored sealed. An update that changes the
// account's credentials (a password reset, a new or removed second factor) also ends
// every session of the account, as DELETE …/sessions does: a reset after a password
// leaked must shut out whoever signed in with it.
func (s *Server) adminPutStaff(w http.ResponseWriter, r *http.Request) {
	login := r.PathValue("login")
	var in struct {
		SiteID   int64  `json:"site_id"`
		Name     string `json:"name"`
		Password string `json:"password"`
		TOTP     bool   `json:"totp"`
	}
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	put, err := s.staff.Put(r.Context(), staff.Account{Login: login, SiteID: in.SiteID, Name: in.Name, Password: in.Password, TOTP: in.TOTP})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := staffAccountJSON{Login: login, SiteID: in.SiteID, TOTP: in.TOTP}
	out.TOTPSecret, out.TOTPURI = put.TOTPSecret, put.TOTPURI
	out.SessionsEnded = put.SessionsEnded
	s.writeJSON(w, http.StatusOK, out)
}
