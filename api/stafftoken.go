package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"

	"vaxbook"
)

// staffCookie names the cookie of a clinic staff session. It is a different cookie from
// the resident's, so neither session can be taken for the other.
const staffCookie = "vb_staff"

// staffTTL is one working day: a clinic signs in once in the morning.
const staffTTL = 8 * time.Hour

// staffClaims is what a staff token says: who, for which site, until when. The site is
// fixed at login from the account, and every clinic route reads it from here, never
// from the request.
type staffClaims struct {
	StaffID int64
	SiteID  int64
	Expires time.Time
}

// actor names the staff member in the audit log.
func (c staffClaims) actor() string { return fmt.Sprintf("staff:%d", c.StaffID) }

// signStaff returns "v1.<staff>.<site>.<expiry>.<mac>", the MAC an HMAC-SHA-256 of
// everything before it under the server's staff key. The token is stateless so that any
// instance behind the load balancer accepts it; the price is that logout only drops the
// cookie and a stolen token lives until it expires.
func signStaff(key []byte, c staffClaims) string {
	body := fmt.Sprintf("v1.%d.%d.%d", c.StaffID, c.SiteID, c.Expires.Unix())
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
	var c staffClaims
	var exp int64
	var extra string
	n, _ := fmt.Sscanf(strings.ReplaceAll(token[:i], ".", " ")+" end", "v1 %d %d %d %s", &c.StaffID, &c.SiteID, &exp, &extra)
	if n != 4 || extra != "end" || c.StaffID <= 0 || c.SiteID <= 0 {
		return staffClaims{}, false
	}
	c.Expires = time.Unix(exp, 0)
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
		if s.clinics == nil {
			s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeNotFound, "this store keeps no clinic accounts"))
			return
		}
		next(w, r, c)
	}
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
