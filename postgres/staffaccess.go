package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

var _ vaxbook.StaffSessions = (*Store)(nil)

// StaffAccess reads the account's state and whether the token was signed out, in one
// statement: it runs on every staff request.
func (s *Store) StaffAccess(ctx context.Context, staffID int64, tokenID string) (vaxbook.StaffAccess, error) {
	var a vaxbook.StaffAccess
	var revoked pgtype.Timestamptz
	err := s.pool.QueryRow(ctx, `
		SELECT site_id, disabled, sessions_revoked_at,
			EXISTS (SELECT 1 FROM staff_revoked_tokens WHERE token_id = $2 AND staff_id = staff.id)
		FROM staff WHERE id = $1`, staffID, tokenID).Scan(&a.SiteID, &a.Disabled, &revoked, &a.TokenRevoked)
	if errors.Is(err, pgx.ErrNoRows) {
		return vaxbook.StaffAccess{}, vaxbook.Errorf(vaxbook.CodeNotFound, "no such account")
	}
	a.RevokedAt = fromTime(revoked)
	return a, dbError(err, "read staff access")
}

// RevokeStaffToken records the sign-out of one token and drops the entries of tokens
// that have expired.
func (s *Store) RevokeStaffToken(ctx context.Context, staffID int64, tokenID string, expires, now time.Time) error {
	return s.inTx(ctx, "revoke staff token", func(tx pgx.Tx) error {
		var b pgx.Batch
		b.Queue(`DELETE FROM staff_revoked_tokens WHERE expires_at <= $1`, now)
		b.Queue(`
			INSERT INTO staff_revoked_tokens (token_id, staff_id, expires_at) VALUES ($1, $2, $3)
			ON CONFLICT (token_id) DO NOTHING`, tokenID, staffID, expires)
		return tx.SendBatch(ctx, &b).Close()
	})
}

// SetStaffAccess ends the account's sessions up to at and sets its disabled flag.
func (s *Store) SetStaffAccess(ctx context.Context, login string, at time.Time, disabled *bool) (vaxbook.Staff, vaxbook.StaffAccess, error) {
	var st vaxbook.Staff
	var a vaxbook.StaffAccess
	var revoked pgtype.Timestamptz
	err := s.pool.QueryRow(ctx, `
		UPDATE staff SET sessions_revoked_at = GREATEST($2, sessions_revoked_at),
			disabled = COALESCE($3, disabled)
		WHERE login = $1
		RETURNING id, site_id, login, name, role, disabled, sessions_revoked_at`, login, at, disabled).
		Scan(&st.ID, &st.SiteID, &st.Login, &st.Name, &st.Role, &a.Disabled, &revoked)
	if errors.Is(err, pgx.ErrNoRows) {
		return vaxbook.Staff{}, vaxbook.StaffAccess{}, vaxbook.Errorf(vaxbook.CodeNotFound, "no such account")
	}
	if err != nil {
		return vaxbook.Staff{}, vaxbook.StaffAccess{}, dbError(err, "set staff access")
	}
	a.SiteID, a.RevokedAt = st.SiteID, fromTime(revoked)
	return st, a, nil
}

// UseTOTPStep moves the account's last TOTP step forward, if step is later.
func (s *Store) UseTOTPStep(ctx context.Context, staffID, step int64) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE staff SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2`, staffID, step)
	if err != nil {
		return false, dbError(err, fmt.Sprintf("use totp step of staff %d", staffID))
	}
	return tag.RowsAffected() == 1, nil
}
