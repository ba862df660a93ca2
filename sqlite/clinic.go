package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"vaxbook"
)

var _ vaxbook.Clinics = (*Store)(nil)

// PutStaff inserts or updates an account by login. An empty role is the clinic role,
// the only one there is.
func (s *Store) PutStaff(ctx context.Context, st vaxbook.Staff) error {
	if st.Login == "" || st.PasswordHash == "" {
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "an account needs a login and a password")
	}
	if st.Role == "" {
		st.Role = vaxbook.RoleClinic
	}
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO staff (site_id, login, name, password_hash, totp_secret, role) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (login) DO UPDATE SET site_id = excluded.site_id, name = excluded.name,
				password_hash = excluded.password_hash, totp_secret = excluded.totp_secret, role = excluded.role`,
			st.SiteID, st.Login, st.Name, st.PasswordHash, nullBytes(st.TOTPSecret), st.Role)
		if err != nil {
			return fmt.Errorf("put staff %q: %w", st.Login, err)
		}
		return nil
	})
}

// StaffByLogin returns the account with the login, or CodeNotFound.
func (s *Store) StaffByLogin(ctx context.Context, login string) (vaxbook.Staff, error) {
	var st vaxbook.Staff
	err := s.read.QueryRowContext(ctx, `
		SELECT id, site_id, login, name, password_hash, totp_secret, role FROM staff WHERE login = ?`, login).
		Scan(&st.ID, &st.SiteID, &st.Login, &st.Name, &st.PasswordHash, &st.TOTPSecret, &st.Role)
	if errors.Is(err, sql.ErrNoRows) {
		return vaxbook.Staff{}, vaxbook.Errorf(vaxbook.CodeNotFound, "no such account")
	}
	if err != nil {
		return vaxbook.Staff{}, fmt.Errorf("read staff: %w", err)
	}
	return st, nil
}

// DayAppointments returns the site's appointments on d with the person's name and
// birth date only.
func (s *Store) DayAppointments(ctx context.Context, siteID int64, d vaxbook.Date) ([]vaxbook.Appointment, error) {
	rows, err := s.read.QueryContext(ctx, `
		SELECT r.id, r.campaign_id, r.person_key, r.site_id, r.vdate, r.second_date, r.grp, r.status,
			r.created_at, r.updated_at, p.name, p.birth
		FROM reservations r JOIN persons p ON p.person_key = r.person_key
		WHERE r.site_id = ? AND r.vdate = ? AND r.status IN ('booked', 'confirmed', 'vaccinated', 'no_show')
		ORDER BY r.id`, siteID, d.String())
	if err != nil {
		return nil, fmt.Errorf("appointments of site %d on %s: %w", siteID, d, err)
	}
	defer rows.Close()
	var out []vaxbook.Appointment
	for rows.Next() {
		var a vaxbook.Appointment
		var vdate, second, birth sql.NullString
		var status string
		var created, updated sql.NullInt64
		r := &a.Reservation
		if err := rows.Scan(&r.ID, &r.CampaignID, &r.PersonKey, &r.SiteID, &vdate, &second, &r.Group, &status,
			&created, &updated, &a.PersonName, &birth); err != nil {
			return nil, fmt.Errorf("appointments of site %d on %s: %w", siteID, d, err)
		}
		if r.Date, err = parseDate(vdate); err != nil {
			return nil, err
		}
		if r.SecondDate, err = parseDate(second); err != nil {
			return nil, err
		}
		if a.Birth, err = parseDate(birth); err != nil {
			return nil, err
		}
		r.Status = vaxbook.Status(status)
		r.CreatedAt, r.UpdatedAt = parseTime(created), parseTime(updated)
		out = append(out, a)
	}
	return out, rows.Err()
}

// MarkAttendance marks a reservation of the site vaccinated or no-show. The site is
// part of the lookup, so another site's reservation is as missing as one that never
// existed. The share counter is not touched: the place was used (or its dose wasted).
func (s *Store) MarkAttendance(ctx context.Context, siteID, reservationID int64, status vaxbook.Status, at time.Time) (vaxbook.Reservation, error) {
	var r vaxbook.Reservation
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = scanReservation(tx.QueryRowContext(ctx, `
			SELECT `+reservationColumns+` FROM reservations WHERE id = ? AND site_id = ?`, reservationID, siteID))
		if errors.Is(err, sql.ErrNoRows) {
			return vaxbook.Errorf(vaxbook.CodeNotFound, "no reservation %d at this site", reservationID)
		}
		if err != nil {
			return fmt.Errorf("read reservation %d: %w", reservationID, err)
		}
		if err := vaxbook.CheckAttendance(r, status, at); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE reservations SET status = ?, updated_at = ? WHERE id = ?`,
			string(status), at.UnixMicro(), r.ID); err != nil {
			return fmt.Errorf("mark reservation %d: %w", r.ID, err)
		}
		r.Status, r.UpdatedAt = status, at.In(vaxbook.Seoul)
		return nil
	})
	if err != nil {
		return vaxbook.Reservation{}, err
	}
	return r, nil
}

// RecordAudit appends e to the audit log.
func (s *Store) RecordAudit(ctx context.Context, e vaxbook.AuditEntry) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO audit_log (at, actor, action, site_id, detail) VALUES (?, ?, ?, ?, ?)`,
			e.At.UnixMicro(), e.Actor, e.Action, e.SiteID, e.Detail)
		if err != nil {
			return fmt.Errorf("record audit entry: %w", err)
		}
		return nil
	})
}

// AuditLog returns the newest limit entries, newest first.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]vaxbook.AuditEntry, error) {
	rows, err := s.read.QueryContext(ctx, `
		SELECT id, at, actor, action, site_id, detail FROM audit_log ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var out []vaxbook.AuditEntry
	for rows.Next() {
		var e vaxbook.AuditEntry
		var at sql.NullInt64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.SiteID, &e.Detail); err != nil {
			return nil, fmt.Errorf("read audit log: %w", err)
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// nullBytes stores an empty byte slice as NULL.
func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}
