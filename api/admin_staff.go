package api

import (
	"crypto/rand"
	"encoding/base32"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"vaxbook"
	"vaxbook/staff"
)

// minStaffPassword is the shortest staff password accepted: staff see residents'
// names and birth dates, and a memory-hard hash does not save a short password.
const minStaffPassword = 12

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
	switch {
	case login == "" || len(login) > 64 || strings.ContainsAny(login, " /\\\t\n"):
		s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeInvalidInput, "login must be 1 to 64 characters without spaces or slashes"))
		return
	case in.SiteID <= 0:
		s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeInvalidInput, "site_id must be a positive number"))
		return
	case utf8.RuneCountInString(in.Password) < minStaffPassword:
		s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeInvalidInput, "the password must have at least %d characters", minStaffPassword))
		return
	case in.Name == "" || utf8.RuneCountInString(in.Name) > 50:
		s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeInvalidInput, "name must be 1 to 50 characters"))
		return
	}
	reset, err := s.resetsCredentials(r, login, in.Password, in.TOTP)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	hash, err := staff.Hash(in.Password)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	st := vaxbook.Staff{SiteID: in.SiteID, Login: login, Name: in.Name, PasswordHash: hash, Role: vaxbook.RoleClinic}
	out := staffAccountJSON{Login: login, SiteID: in.SiteID, TOTP: in.TOTP}
	if in.TOTP {
		var key [20]byte
		rand.Read(key[:])
		if st.TOTPSecret, err = s.sealer.Seal(string(key[:])); err != nil {
			s.writeError(w, r, err)
			return
		}
		secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(key[:])
		out.TOTPSecret = secret
		out.TOTPURI = "otpauth://totp/vaxbook:" + url.PathEscape(login) + "?secret=" + secret + "&issuer=vaxbook"
	}
	if err := s.store.PutStaff(r.Context(), st); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.recordAudit(r, "operator", "put_staff", in.SiteID, login); err != nil {
		s.writeError(w, r, err)
		return
	}
	// The sessions end after the new credentials are stored, so that a sign-in with the
	// old ones in between is ended too.
	if reset {
		if _, _, err := s.store.SetStaffAccess(r.Context(), login, s.clock.Now(), nil); err != nil {
			s.writeError(w, r, err)
			return
		}
		s.audit(r, vaxbook.AuditRevokeStaff, login)
	}
	out.SessionsEnded = reset
	s.writeJSON(w, http.StatusOK, out)
}

// resetsCredentials reports whether putting password (and a new second factor if
// newTOTP) on the account with the login changes the credentials it signs in with: the
// account exists and the password differs, or it gets a new second-factor key or loses
// the one it has. A new account resets nothing.
func (s *Server) resetsCredentials(r *http.Request, login, password string, newTOTP bool) (bool, error) {
	old, err := s.store.StaffByLogin(r.Context(), login)
	switch {
	case vaxbook.ErrorCode(err) == vaxbook.CodeNotFound:
		return false, nil
	case err != nil:
		return false, err
	}
	return newTOTP || len(old.TOTPSecret) > 0 || !staff.Check(old.PasswordHash, password), nil
}
