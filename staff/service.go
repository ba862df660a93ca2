package staff

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"vaxbook"
	"vaxbook/audit"
	"vaxbook/identity"
)

// MinPassword is the shortest staff password accepted: staff see residents' names and
// birth dates, and a memory-hard hash does not save a short password.
const MinPassword = 12

// Store is what the staff service reads and writes: the accounts and the audit log
// (vaxbook.Clinics) and what ends their sessions (vaxbook.StaffSessions).
type Store interface {
	vaxbook.Clinics
	vaxbook.StaffSessions
}

// Service carries out the staff use cases: the operators' account administration and
// the staff's own sign-in and sign-out. Every action is audited. Create it with New.
type Service struct {
	store  Store
	audit  *audit.Service
	sealer *identity.Sealer
	clock  vaxbook.Clock
}

// New returns the service. sealer seals second-factor keys; without one no account can
// get a second factor, and one that has a key cannot sign in.
func New(store Store, audit *audit.Service, sealer *identity.Sealer, clock vaxbook.Clock) *Service {
	return &Service{store: store, audit: audit, sealer: sealer, clock: clock}
}

// Actor names a staff member in the audit log.
func Actor(staffID int64) string { return fmt.Sprintf("staff:%d", staffID) }

// Account is an operator's definition of a clinic staff account.
type Account struct {
	Login    string
	SiteID   int64
	Name     string
	Password string
	// TOTP gives the account a new second-factor key; false removes the one it has.
	TOTP bool
}

// check refuses an account definition that breaks the account rules, with
// CodeInvalidInput.
func (a Account) check() error {
	switch {
	case a.Login == "" || len(a.Login) > 64 || strings.ContainsAny(a.Login, " /\\\t\n"):
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "login must be 1 to 64 characters without spaces or slashes")
	case a.SiteID <= 0:
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "site_id must be a positive number")
	case utf8.RuneCountInString(a.Password) < MinPassword:
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "the password must have at least %d characters", MinPassword)
	case a.Name == "" || utf8.RuneCountInString(a.Name) > 50:
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "name must be 1 to 50 characters")
	}
	return nil
}

// Put is the outcome of Service.Put.
type Put struct {
	Staff vaxbook.Staff
	// TOTPSecret (base32) and TOTPURI (otpauth://, for authenticator apps) carry a new
	// second-factor key; they are shown once and stored only sealed.
	TOTPSecret, TOTPURI string
	// SessionsEnded tells that the account's credentials changed and every session it
	// had was ended.
	SessionsEnded bool
}

// Put creates or updates a clinic staff account: its site, name and password and,
// with a.TOTP, a new second-factor key. An update that changes the account's
// credentials (a password reset, a new or removed second factor) also ends every
// session of the account, as EndSessions does: a reset after a password leaked must
// shut out whoever signed in with it. CodeInvalidInput for an account that breaks the
// rules; CodeNotFound for a site that does not exist.
func (s *Service) Put(ctx context.Context, a Account) (Put, error) {
	if err := a.check(); err != nil {
		return Put{}, err
	}
	reset, err := s.resetsCredentials(ctx, a)
	if err != nil {
		return Put{}, err
	}
	hash, err := Hash(a.Password)
	if err != nil {
		return Put{}, err
	}
	out := Put{Staff: vaxbook.Staff{SiteID: a.SiteID, Login: a.Login, Name: a.Name, PasswordHash: hash, Role: vaxbook.RoleClinic}}
	if a.TOTP {
		if s.sealer == nil {
			return Put{}, vaxbook.Errorf(vaxbook.CodeUnavailable, "second factors need the sealing key, which is not configured")
		}
		var key [20]byte
		rand.Read(key[:])
		if out.Staff.TOTPSecret, err = s.sealer.Seal(string(key[:])); err != nil {
			return Put{}, err
		}
		out.TOTPSecret = base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(key[:])
		out.TOTPURI = "otpauth://totp/vaxbook:" + url.PathEscape(a.Login) + "?secret=" + out.TOTPSecret + "&issuer=vaxbook"
	}
	if err := s.store.PutStaff(ctx, out.Staff); err != nil {
		return Put{}, err
	}
	if err := s.audit.Record(ctx, audit.Operator, "put_staff", a.SiteID, a.Login); err != nil {
		return Put{}, err
	}
	// The sessions end after the new credentials are stored, so that a sign-in with the
	// old ones in between is ended too.
	if reset {
		if _, _, err := s.store.SetStaffAccess(ctx, a.Login, s.clock.Now(), nil); err != nil {
			return Put{}, err
		}
		s.audit.Operated(ctx, vaxbook.AuditRevokeStaff, a.Login)
		out.SessionsEnded = true
	}
	return out, nil
}

// resetsCredentials reports whether a changes the credentials the account with its
// login signs in with: the account exists and the password differs, or it gets a new
// second-factor key or loses the one it has. A new account resets nothing.
func (s *Service) resetsCredentials(ctx context.Context, a Account) (bool, error) {
	old, err := s.store.StaffByLogin(ctx, a.Login)
	switch {
	case vaxbook.ErrorCode(err) == vaxbook.CodeNotFound:
		return false, nil
	case err != nil:
		return false, err
	}
	return a.TOTP || len(old.TOTPSecret) > 0 || !Check(old.PasswordHash, a.Password), nil
}

// EndSessions ends every session of the account at once (a lost phone, a shared
// password), whichever instance issued them: tokens issued until now are refused from
// the next request on. The account may sign in again. CodeNotFound for no such login.
func (s *Service) EndSessions(ctx context.Context, login string) (vaxbook.Staff, vaxbook.StaffAccess, error) {
	return s.setAccess(ctx, login, nil, vaxbook.AuditRevokeStaff)
}

// SetDisabled disables the account, which also ends its sessions, or enables it again;
// enabling revives no old session. CodeNotFound for no such login.
func (s *Service) SetDisabled(ctx context.Context, login string, disabled bool) (vaxbook.Staff, vaxbook.StaffAccess, error) {
	action := vaxbook.AuditEnableStaff
	if disabled {
		action = vaxbook.AuditDisableStaff
	}
	return s.setAccess(ctx, login, &disabled, action)
}

func (s *Service) setAccess(ctx context.Context, login string, disabled *bool, action string) (vaxbook.Staff, vaxbook.StaffAccess, error) {
	st, a, err := s.store.SetStaffAccess(ctx, login, s.clock.Now(), disabled)
	if err != nil {
		return vaxbook.Staff{}, vaxbook.StaffAccess{}, err
	}
	s.audit.Operated(ctx, action, login)
	return st, a, nil
}

// dummyHash is checked when the login does not exist, so that an unknown login takes as
// long as a wrong password and the answer does not tell which logins exist.
var dummyHash, _ = Hash("no such account")

// SignIn checks a staff member's password and, when the account has a second factor,
// its one-time code, and returns the account. Every mismatch is the same
// CodeUnauthorized, audited as a failed sign-in; a disabled account whose credentials
// matched is CodeForbidden. The success is audited too, and an entry that cannot be
// written refuses the sign-in. Attempts are not counted here: the caller limits them
// by address and login before.
func (s *Service) SignIn(ctx context.Context, login, password, code string) (vaxbook.Staff, error) {
	now := s.clock.Now()
	st, err := s.store.StaffByLogin(ctx, login)
	if err != nil && vaxbook.ErrorCode(err) != vaxbook.CodeNotFound {
		return vaxbook.Staff{}, err
	}
	ok, err := s.checkCredentials(ctx, st, err == nil, password, code, now)
	if err != nil {
		return vaxbook.Staff{}, err
	}
	if !ok {
		s.audit.Record(ctx, "login:"+login, vaxbook.AuditLoginFailed, 0, "")
		return vaxbook.Staff{}, vaxbook.Errorf(vaxbook.CodeUnauthorized, "wrong login, password or one-time code")
	}
	// Asked only after the password and code matched, so it tells nothing to a guesser.
	a, err := s.store.StaffAccess(ctx, st.ID, "")
	if err != nil {
		return vaxbook.Staff{}, err
	}
	if a.Disabled {
		s.audit.Record(ctx, "login:"+login, vaxbook.AuditLoginFailed, st.SiteID, "disabled")
		return vaxbook.Staff{}, vaxbook.Errorf(vaxbook.CodeForbidden, "this staff account is disabled; ask the operators to enable it")
	}
	if err := s.audit.Record(ctx, Actor(st.ID), vaxbook.AuditLogin, st.SiteID, ""); err != nil {
		return vaxbook.Staff{}, err
	}
	return st, nil
}

// checkCredentials reports whether password (and code, if the account has a TOTP key)
// match st. The password hash is always checked, against dummyHash when there is no
// account. A code signs in once: its step is recorded, and the same or an earlier step
// is refused afterwards, so a code seen over a shoulder cannot be replayed.
func (s *Service) checkCredentials(ctx context.Context, st vaxbook.Staff, found bool, password, code string, now time.Time) (bool, error) {
	hash := dummyHash
	if found {
		hash = st.PasswordHash
	}
	if !Check(hash, password) || !found || st.Role != vaxbook.RoleClinic {
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
	step, ok := MatchTOTP([]byte(key), code, now)
	if !ok {
		return false, nil
	}
	return s.store.UseTOTPStep(ctx, st.ID, step)
}

// Session is a staff member's signed-in session as its token names it.
type Session struct {
	StaffID, SiteID int64
	// TokenID and Expires identify the token.
	TokenID string
	Expires time.Time
}

// SignOut ends the session: its token is revoked in the store, so that a copy of it (a
// stolen cookie, another tab) is refused too. The sign-out is audited; a failure to
// write that entry does not undo it.
func (s *Service) SignOut(ctx context.Context, sess Session) error {
	if err := s.store.RevokeStaffToken(ctx, sess.StaffID, sess.TokenID, sess.Expires, s.clock.Now()); err != nil {
		return err
	}
	// The session has ended whether or not its entry can be written.
	s.audit.Record(ctx, Actor(sess.StaffID), vaxbook.AuditLogout, sess.SiteID, "")
	return nil
}
