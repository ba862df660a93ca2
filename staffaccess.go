package vaxbook

import (
	"context"
	"time"
)

// The audit actions of ending staff sessions and of switching accounts off and on.
const (
	AuditRevokeStaff  = "revoke_staff_sessions"
	AuditDisableStaff = "disable_staff"
	AuditEnableStaff  = "enable_staff"
)

// StaffAccess is what a store knows about one staff session beyond its signed token:
// the account as it is now, the instant before which every token of the account was
// revoked, and whether this one token was revoked by signing out.
type StaffAccess struct {
	SiteID   int64
	Disabled bool
	// RevokedAt is when an operator last ended all the account's sessions (zero if
	// never): a token issued at or before it is refused.
	RevokedAt    time.Time
	TokenRevoked bool
}

// Check returns nil if a token of the account for site, issued at issued, may still be
// used, or CodeUnauthorized: the account is disabled, was moved to another site (its
// tokens name the old one), had all its sessions ended after the token was issued, or
// the token itself was signed out.
func (a StaffAccess) Check(site int64, issued time.Time) error {
	switch {
	case a.Disabled:
		return Errorf(CodeUnauthorized, "this staff account is disabled")
	case a.SiteID != site, a.TokenRevoked, !a.RevokedAt.IsZero() && !issued.After(a.RevokedAt):
		return Errorf(CodeUnauthorized, "your staff session has ended: sign in again")
	}
	return nil
}

// StaffSessions ends clinic staff sessions before their tokens expire. Staff tokens are
// signed and stateless so that any instance accepts them; this is the little state that
// makes them revocable, read once per staff request. Both stores implement it.
type StaffSessions interface {
	// StaffAccess returns the access state of account staffID for the token tokenID,
	// or CodeNotFound if the account does not exist.
	StaffAccess(ctx context.Context, staffID int64, tokenID string) (StaffAccess, error)
	// RevokeStaffToken refuses the token tokenID of account staffID from now on (a
	// sign-out). The entry is kept until expires, when the token would be refused
	// anyway; entries past their expiry at now are dropped on the way.
	RevokeStaffToken(ctx context.Context, staffID int64, tokenID string, expires, now time.Time) error
	// SetStaffAccess ends every session of the account with the login that was issued
	// at or before at, and, when disabled is not nil, disables or enables the account
	// (disabling ends its sessions too; enabling revives none). It returns the account
	// as it is afterwards, or CodeNotFound.
	SetStaffAccess(ctx context.Context, login string, at time.Time, disabled *bool) (Staff, StaffAccess, error)
	// UseTOTPStep records that account staffID signed in with the one-time code of
	// TOTP step, and reports false, recording nothing, when that step or a later one
	// was used already: each code signs in once.
	UseTOTPStep(ctx context.Context, staffID, step int64) (bool, error)
}
