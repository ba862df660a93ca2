package api

import (
	"fmt"
	"net/http"
	"time"

	"vaxbook"
	"vaxbook/audit"
	"vaxbook/staff"
)

// clinicLogin signs a staff member in: password, then the one-time code when the account
// has one. Every failure is the same 401, and the attempt is audited either way.
func (s *Server) clinicLogin(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Login    string `json:"login"`
		Password string `json:"password"`
		TOTP     string `json:"totp"`
	}
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if in.Login == "" || in.Password == "" || len(in.Login) > 100 || len(in.Password) > 200 {
		s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeInvalidInput, "login and password are required"))
		return
	}
	if len(s.staffKey) == 0 {
		s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeNotFound, "clinic sign-in is not configured"))
		return
	}
	ctx, now := r.Context(), s.clock.Now()
	for _, l := range []struct {
		lim vaxbook.Limiter
		key string
	}{{s.loginsByAddr, "addr:" + limitAddr(r)}, {s.loginsByLogin, "login:" + limitAddr(r) + "/" + in.Login}} {
		ok, retryAt, err := l.lim.Allow(ctx, l.key, now)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if !ok {
			s.writeError(w, r, vaxbook.RetryError(vaxbook.CodeRateLimited, retryAt, "too many sign-in attempts; try again later"))
			return
		}
	}
	st, err := s.staff.SignIn(ctx, in.Login, in.Password, in.TOTP)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c := newStaffClaims(st, now)
	s.setStaffCookie(w, signStaff(s.staffKey, c), int(staffTTL/time.Second))
	s.writeJSON(w, http.StatusOK, staffLoginJSON{
		StaffID: st.ID, SiteID: st.SiteID, Name: st.Name, ExpiresAt: c.Expires.Format(time.RFC3339),
	})
}

// clinicLogout ends the session: the token is revoked in the store, so that a copy of
// it (a stolen cookie, another tab) is refused too, and the cookie is dropped.
func (s *Server) clinicLogout(w http.ResponseWriter, r *http.Request, c staffClaims) {
	if err := s.staff.SignOut(r.Context(), staff.Session{StaffID: c.StaffID, SiteID: c.SiteID, TokenID: c.ID, Expires: c.Expires}); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.setStaffCookie(w, "", -1)
	w.WriteHeader(http.StatusNoContent)
}

// recordAudit writes one audit entry. A read of personal data whose entry cannot be
// written is refused: callers check the error before they answer with the data.
func (s *Server) recordAudit(r *http.Request, actor, action string, siteID int64, detail string) error {
	return s.auditLog.Record(r.Context(), actor, action, siteID, detail)
}

// adminAudit lists the newest audit entries for operators; the listing is itself
// audited, so that reading who read what leaves a trace too.
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) {
	limit := audit.DefaultLimit
	if q := r.URL.Query().Get("limit"); q != "" {
		if _, err := fmt.Sscanf(q, "%d", &limit); err != nil {
			s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeInvalidInput, "limit must be 1 to %d", audit.MaxLimit))
			return
		}
	}
	entries, err := s.auditLog.List(r.Context(), limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, auditView(entries))
}
