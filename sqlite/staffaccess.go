package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"vaxbook"
)

var _ vaxbook.StaffSessions = (*Store)(nil)

// StaffAccess reads the account's state and whether the token was signed out, in one
// statement: it runs on every staff request.
func (s *Store) StaffAccess(ctx context.Context, staffID int64, tokenID string) (vaxbook.StaffAccess, error) {
	var a vaxbook.StaffAccess
	var revoked sql.NullInt64
	err := s.read.QueryRowContext(ctx, `
		SELECT site_id, disabled, sessions_revoked_at,
			EXISTS (SELECT 1 FROM staff_revoked_tokens WHERE token_id = ? AND staff_id = staff.id)
		FROM staff WHERE id = ?`, tokenID, staffID).Scan(&a.SiteID, &a.Disabled, &revoked, &a.TokenRevoked)
	if errors.Is(err, sql.ErrNoRows) {
		return vaxbook.StaffAccess{}, vaxbook.Errorf(vaxbook.CodeNotFound, "no such account")
	}
	if err != nil {
		return vaxbook.StaffAccess{}, fmt.Errorf("read staff access %d: %w", staffID, err)
	}
	a.RevokedAt = parseTime(revoked)
	return a, nil
}

// RevokeStaffToken records the sign-out of one token and drops the entries of tokens
// that have expired.
func (s *Store) RevokeStaffToken(ctx context.Context, staffID int64, tokenID string, expires, now time.Time) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM staff_revoked_tokens WHERE expires_at <= ?`, now.UnixMicro()); err != nil {
			return fmt.Errorf("drop expired revocations: %w", err)
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO staff_revoked_tokens (token_id, staff_id, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (token_id) DO NOTHING`, tokenID, staffID, expires.UnixMicro())
		if err != nil {
			return fmt.Errorf("revoke token of staff %d: %w", staffID, err)
		}
		return nil
	})
}

// SetStaffAccess ends the account's sessions up to at and sets its disabled flag.
func (s *Store) SetStaffAccess(ctx context.Context, login string, at time.Time, disabled *bool) (vaxbook.Staff, vaxbook.StaffAccess, error) {
	var st vaxbook.Staff
	var a vaxbook.StaffAccess
	var flag any // NULL keeps the flag as it is
	if disabled != nil {
		flag = *disabled
	}
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		var revoked sql.NullInt64
		err := tx.QueryRowContext(ctx, `
			UPDATE staff SET sessions_revoked_at = MAX(?, COALESCE(sessions_revoked_at, 0)),
				disabled = COALESCE(?, disabled)
			WHERE login = ?
			RETURNING id, site_id, login, name, role, disabled, sessions_revoked_at`,
			at.UnixMicro(), flag, login).
			Scan(&st.ID, &st.SiteID, &st.Login, &st.Name, &st.Role, &a.Disabled, &revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return vaxbook.Errorf(vaxbook.CodeNotFound, "no such account")
		}
		if err != nil {
			return fmt.Errorf("set access of staff %q: %w", login, err)
		}
		a.SiteID, a.RevokedAt = st.SiteID, parseTime(revoked)
		return nil
	})
	if err != nil {
		return vaxbook.Staff{}, vaxbook.StaffAccess{}, err
	}
	return st, a, nil
}

// UseTOTPStep moves the account's last TOTP step forward, if step is later.
func (s *Store) UseTOTPStep(ctx context.Context, staffID, step int64) (bool, error) {
	var n int64
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE staff SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, staffID, step)
		if err != nil {
			return fmt.Errorf("use totp step of staff %d: %w", staffID, err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n == 1, err
}
