package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"vaxbook"
	"vaxbook/staff"
)

// The audit log listing: the newest 100 entries unless the operator asks for more.
const (
	auditLimitDefault = 100
	auditLimitMax     = 1000
)

// dummyHash is checked when the login does not exist, so that an unknown login takes as
// long as a wrong password and the answer does not tell which logins exist.
var dummyHash, _ = staff.Hash("no such account")

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
	st, err := s.store.StaffByLogin(ctx, in.Login)
	if err != nil && vaxbook.ErrorCode(err) != vaxbook.CodeNotFound {
		s.writeError(w, r, err)
		return
	}
	ok, err := s.checkStaff(ctx, st, err == nil, in.Password, in.TOTP, now)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !ok {
		s.recordAudit(r, "login:"+in.Login, vaxbook.AuditLoginFailed, 0, "")
		s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeUnauthorized, "wrong login, password or one-time code"))
		return
	}
	if err := s.checkStaffEnabled(r, st); err != nil {
		s.recordAudit(r, "login:"+in.Login, vaxbook.AuditLoginFailed, st.SiteID, "disabled")
		s.writeError(w, r, err)
		return
	}
	c := newStaffClaims(st, now)
	if err := s.recordAudit(r, c.actor(), vaxbook.AuditLogin, c.SiteID, ""); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.setStaffCookie(w, signStaff(s.staffKey, c), int(staffTTL/time.Second))
	s.writeJSON(w, http.StatusOK, staffLoginJSON{
		StaffID: st.ID, SiteID: st.SiteID, Name: st.Name, ExpiresAt: c.Expires.Format(time.RFC3339),
	})
}

// checkStaff reports whether password (and code, if the account has a TOTP key) match
// st. The password hash is always checked, against dummyHash when there is no account.
// A code signs in once: its step is recorded, and the same or an earlier step is
// refused afterwards, so a code seen over a shoulder cannot be replayed.
func (s *Server) checkStaff(ctx context.Context, st vaxbook.Staff, found bool, password, code string, now time.Time) (bool, error) {
	hash := dummyHash
	if found {
		hash = st.PasswordHash
	}
	if !staff.Check(hash, password) || !found || st.Role != vaxbook.RoleClinic {
		return false, nil
	}
	if len(st.TOTPSecret) == 0 {
		return true, nil
	}
	if s.sealer == nil {
		return false, nil
	}
	key, err := s.sealer.Open(st.TOTPSecret)
	if err != nil {
		return false, nil
	}
	step, ok := staff.MatchTOTP([]byte(key), code, now)
	if !ok {
		return false, nil
	}
	return s.store.UseTOTPStep(ctx, st.ID, step)
}

// clinicLogout ends the session: the token is revoked in the store, so that a copy of
// it (a stolen cookie, another tab) is refused too, and the cookie is dropped.
func (s *Server) clinicLogout(w http.ResponseWriter, r *http.Request, c staffClaims) {
	if err := s.store.RevokeStaffToken(r.Context(), c.StaffID, c.ID, c.Expires, s.clock.Now()); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.recordAudit(r, c.actor(), vaxbook.AuditLogout, c.SiteID, "")
	s.setStaffCookie(w, "", -1)
	w.WriteHeader(http.StatusNoContent)
}

// recordAudit writes one audit entry. A read of personal data whose entry cannot be
// written is refused: callers check the error before they answer with the data.
func (s *Server) recordAudit(r *http.Request, actor, action string, siteID int64, detail string) error {
	err := s.store.RecordAudit(r.Context(), vaxbook.AuditEntry{
		At: s.clock.Now(), Actor: actor, Action: action, SiteID: siteID, Detail: detail,
	})
	if err != nil {
		return fmt.Errorf("audit %s by %s: %w", action, actor, err)
	}
	return nil
}

// adminAudit lists the newest audit entries for operators; the listing is itself
// audited, so that reading who read what leaves a trace too.
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) {
	limit := auditLimitDefault
	if q := r.URL.Query().Get("limit"); q != "" {
		if _, err := fmt.Sscanf(q, "%d", &limit); err != nil || limit < 1 || limit > auditLimitMax {
			s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeInvalidInput, "limit must be 1 to %d", auditLimitMax))
			return
		}
	}
	if err := s.recordAudit(r, "operator", vaxbook.AuditViewLog, 0, fmt.Sprintf("limit %d", limit)); err != nil {
		s.writeError(w, r, err)
		return
	}
	entries, err := s.store.AuditLog(r.Context(), limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, auditView(entries))
}
