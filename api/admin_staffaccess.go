package api

import (
	"net/http"
	"time"

	"vaxbook"
)

// adminEndStaffSessions ends every session of a staff account at once (a lost phone, a
// shared password), whichever instance issued them: tokens issued until now are refused
// from the next request on. The account may sign in again.
func (s *Server) adminEndStaffSessions(w http.ResponseWriter, r *http.Request) {
	s.setStaffAccess(w, r, nil, vaxbook.AuditRevokeStaff)
}

// adminStaffStatus disables a staff account, which also ends its sessions, or enables
// it again; enabling revives no old session.
func (s *Server) adminStaffStatus(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Disabled *bool `json:"disabled"`
	}
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if in.Disabled == nil {
		s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeInvalidInput, `"disabled" is required: true or false`))
		return
	}
	action := vaxbook.AuditEnableStaff
	if *in.Disabled {
		action = vaxbook.AuditDisableStaff
	}
	s.setStaffAccess(w, r, in.Disabled, action)
}

func (s *Server) setStaffAccess(w http.ResponseWriter, r *http.Request, disabled *bool, action string) {
	login := r.PathValue("login")
	st, a, err := s.store.SetStaffAccess(r.Context(), login, s.clock.Now(), disabled)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audit(r, action, login)
	s.writeJSON(w, http.StatusOK, staffAccessJSON{
		Login: st.Login, SiteID: st.SiteID, Disabled: a.Disabled,
		SessionsRevokedAt: a.RevokedAt.Format(time.RFC3339Nano),
	})
}

// checkStaffEnabled refuses the sign-in of a disabled account with CodeForbidden. It is
// asked only after the password and code matched, so it tells nothing to a guesser.
func (s *Server) checkStaffEnabled(r *http.Request, st vaxbook.Staff) error {
	a, err := s.store.StaffAccess(r.Context(), st.ID, "")
	if err != nil {
		return err
	}
	if a.Disabled {
		return vaxbook.Errorf(vaxbook.CodeForbidden, "this staff account is disabled; ask the operators to enable it")
	}
	return nil
}
