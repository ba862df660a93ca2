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
	st, a, err := s.staff.EndSessions(r.Context(), r.PathValue("login"))
	s.writeStaffAccess(w, r, st, a, err)
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
	st, a, err := s.staff.SetDisabled(r.Context(), r.PathValue("login"), *in.Disabled)
	s.writeStaffAccess(w, r, st, a, err)
}

// writeStaffAccess answers with the account's access after a change, or with err.
func (s *Server) writeStaffAccess(w http.ResponseWriter, r *http.Request, st vaxbook.Staff, a vaxbook.StaffAccess, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, staffAccessJSON{
		Login: st.Login, SiteID: st.SiteID, Disabled: a.Disabled,
		SessionsRevokedAt: a.RevokedAt.Format(time.RFC3339Nano),
	})
}
