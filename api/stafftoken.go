package api

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"vaxbook"
)

// staffCookie names the cookie of a clinic staff session. It is a different cookie from
// the resident's, so neither session can be taken for the other.
const staffCookie = "vb_staff"

// staffTTL is one working day: a clinic signs in once in the morning.
const staffTTL = 8 * time.Hour

// staffClaims is what a staff token says: who, for which site, issued when, until when,
// and the token's own random id. The site is fixed at login from the account, and every
// clinic route reads it from here, never from the request.
type staffClaims struct {
	StaffID int64
	SiteID  int64
	Issued  time.Time
	Expires time.Time
	ID      string
}

// actor names the staff member in the audit log.
func (c staffClaims) actor() string { return fmt.Sprintf("staff:%d", c.StaffID) }

// newStaffClaims returns the claims of a token issued to st at now, with a fresh id.
func newStaffClaims(st vaxbook.Staff, now time.Time) staffClaims {
	var id [16]byte
	rand.Read(id[:])
	return staffClaims{StaffID: st.ID, SiteID: st.SiteID, Issued: now, Expires: now.Add(staffTTL),
		ID: base64.RawURLEncoding.EncodeToString(id[:])}
}

// signStaff returns "v2.<staff>.<site>.<issued µs>.<expiry>.<id>.<mac>", the MAC an
// HMAC-SHA-256 of everything before it under the server's staff key. The token is
// signed, not stored, so that any instance behind the load balancer accepts it; what
// ends it before it expires (a sign-out of its id, an operator ending every session of
// the account issued up to an instant, a disabled account) is looked up in the store on
// every staff request.
func signStaff(key []byte, c staffClaims) string {
	body := fmt.Sprintf("v2.%d.%d.%d.%d.%s", c.StaffID, c.SiteID, c.Issued.UnixMicro(), c.Expires.Unix(), c.ID)
	return body + "." + staffMAC(key, body)
}

func staffMAC(key []byte, body string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// parseStaff checks token's MAC and expiry at now and returns its claims.
func parseStaff(key []byte, token string, now time.Time) (staffClaims, bool) {
	i := strings.LastIndexByte(token, '.')
	if len(key) == 0 || i < 0 || !hmac.Equal([]byte(token[i+1:]), []byte(staffMAC(key, token[:i]))) {
		return staffClaims{}, false
	}
	parts := strings.Split(token[:i], ".")
	if len(parts) != 6 || parts[0] != "v2" || len(parts[5]) != 22 {
		return staffClaims{}, false
	}
	var n [4]int64
	for j, p := range parts[1:5] {
		v, err := strconv.ParseInt(p, 10, 64)
		if err != nil || v <= 0 {
			return staffClaims{}, false
		}
		n[j] = v
	}
	c := staffClaims{StaffID: n[0], SiteID: n[1], Issued: time.UnixMicro(n[2]), Expires: time.Unix(n[3], 0), ID: parts[5]}
	return c, now.Before(c.Expires)
}

// staffOnly passes the request on with the claims of a valid staff cookie, or answers
// 401. A resident's session or an operator's bearer token is not a staff cookie.
func (s *Server) staffOnly(next func(http.ResponseWriter, *http.Request, staffClaims)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie(staffCookie)
		if err != nil {
			s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeUnauthorized, "sign in as clinic staff first"))
			return
		}
		c, ok := parseStaff(s.staffKey, ck.Value, s.clock.Now())
		if !ok {
			s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeUnauthorized, "your staff session has expired: sign in again"))
			return
		}
		if err := s.checkStaffSession(r, s.store, c); err != nil {
			s.writeError(w, r, err)
			return
		}
		next(w, r, c)
	}
}

// checkStaffSession refuses a token that was signed out, whose account had all its
// sessions ended after it was issued, was disabled, was moved to another site or is
// gone, with CodeUnauthorized.
func (s *Server) checkStaffSession(r *http.Request, sessions vaxbook.StaffSessions, c staffClaims) error {
	a, err := sessions.StaffAccess(r.Context(), c.StaffID, c.ID)
	if vaxbook.ErrorCode(err) == vaxbook.CodeNotFound {
		return vaxbook.Errorf(vaxbook.CodeUnauthorized, "your staff session has ended: sign in again")
	}
	if err != nil {
		return err
	}
	return a.Check(c.SiteID, c.Issued)
}

// setStaffCookie sets (or, with an empty token, clears) the staff cookie. SameSite=Strict
// because a clinic never arrives from a link on another site, and the path keeps it off
// every other route.
func (s *Server) setStaffCookie(w http.ResponseWriter, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: staffCookie, Value: token, Path: "/api/v1/clinic", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode,
	})
}
