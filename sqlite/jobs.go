package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"vaxbook"
)

var _ vaxbook.Jobs = (*Store)(nil)

// FixBatch confirms one batch of date d's unfixed reservations. The product is the one
// the site's plan holds most doses of that day (by name on a tie), so every run picks
// the same one. "product IS NULL" is what makes the job idempotent and resumable: a
// batch that committed is never picked again, one that did not is picked whole.
func (s *Store) FixBatch(ctx context.Context, d vaxbook.Date, at time.Time, defaultProduct string, limit int) (int, error) {
	if defaultProduct == "" {
		return 0, vaxbook.Errorf(vaxbook.CodeInvalidInput, "a default product is needed")
	}
	n := 0
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			UPDATE reservations SET status = 'confirmed', updated_at = ?1,
				product = COALESCE((SELECT p.product FROM delivery_plans p
					WHERE p.site_id = reservations.site_id AND p.vdate = reservations.vdate AND p.doses > 0
					ORDER BY p.doses DESC, p.product LIMIT 1), ?2)
			WHERE id IN (SELECT id FROM reservations
				WHERE vdate = ?3 AND status IN `+activeStatuses+` AND product IS NULL
				ORDER BY id LIMIT ?4)
			RETURNING `+reservationColumns+`, product`,
			at.UnixMicro(), defaultProduct, d.String(), limit)
		if err != nil {
			return fmt.Errorf("fix %s: %w", d, err)
		}
		type fixed struct {
			r       vaxbook.Reservation
			product string
		}
		var all []fixed
		for rows.Next() {
			var f fixed
			if f.r, err = scanReservationRow(rows, &f.product); err != nil {
				rows.Close()
				return fmt.Errorf("fix %s: %w", d, err)
			}
			all = append(all, f)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("fix %s: %w", d, err)
		}
		for _, f := range all {
			if err := enqueue(ctx, tx, vaxbook.KindConfirmed, f.r, f.product, at); err != nil {
				return err
			}
		}
		n = len(all)
		return nil
	})
	return n, err
}

// RemindBatch writes reminders for one batch of date d's confirmed reservations that
// have none; the NOT EXISTS on the idempotency key is what makes a re-run write nothing.
func (s *Store) RemindBatch(ctx context.Context, d vaxbook.Date, at time.Time, limit int) (int, error) {
	var n int64
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			INSERT INTO outbox (kind, person_key, reservation_id, payload, idempotency_key, next_attempt_at, created_at)
			SELECT 'reminder', r.person_key, r.id,
				json_object('campaign_id', r.campaign_id, 'site_id', r.site_id, 'date', r.vdate,
					'second_date', r.second_date, 'product', r.product),
				'reminder:' || r.id, ?1, ?1
			FROM reservations r
			WHERE r.vdate = ?2 AND r.status = 'confirmed'
				AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.idempotency_key = 'reminder:' || r.id)
			ORDER BY r.id LIMIT ?3
			ON CONFLICT (idempotency_key) DO NOTHING`, at.UnixMicro(), d.String(), limit)
		if err != nil {
			return fmt.Errorf("remind %s: %w", d, err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// PutDeliveryPlans upserts plans in one transaction.
func (s *Store) PutDeliveryPlans(ctx context.Context, plans []vaxbook.DeliveryPlan) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		for _, p := range plans {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO delivery_plans (site_id, vdate, product, doses) VALUES (?, ?, ?, ?)
				ON CONFLICT (site_id, vdate, product) DO UPDATE SET doses = excluded.doses`,
				p.SiteID, p.Date.String(), p.Product, p.Doses); err != nil {
				return fmt.Errorf("put delivery plan of site %d on %s: %w", p.SiteID, p.Date, err)
			}
		}
		return nil
	})
}

// Product returns the product assigned to a reservation.
func (s *Store) Product(ctx context.Context, id int64) (string, error) {
	var p sql.NullString
	err := s.read.QueryRowContext(ctx, `SELECT product FROM reservations WHERE id = ?`, id).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return "", vaxbook.Errorf(vaxbook.CodeNotFound, "no reservation %d", id)
	}
	return p.String, err
}

// AcquireLease takes the lease if it is free, expired or already the holder's, in one
// upsert: its WHERE leaves another holder's live lease untouched and returns no row.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	got := false
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		var h string
		err := tx.QueryRowContext(ctx, `
			INSERT INTO job_leases (name, holder, expires_at) VALUES (?1, ?2, ?3)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE job_leases.expires_at <= ?4 OR job_leases.holder = excluded.holder
			RETURNING holder`, name, holder, now.Add(ttl).UnixMicro(), now.UnixMicro()).Scan(&h)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		got = err == nil
		return err
	})
	return got, err
}

// ReleaseLease deletes the lease if holder holds it.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM job_leases WHERE name = ? AND holder = ?`, name, holder)
		return err
	})
}

// scanReservationRow scans reservationColumns and one more column into extra.
func scanReservationRow(rows *sql.Rows, extra *string) (vaxbook.Reservation, error) {
	var r vaxbook.Reservation
	var vdate, second sql.NullString
	var status string
	var created, updated sql.NullInt64
	if err := rows.Scan(&r.ID, &r.CampaignID, &r.PersonKey, &r.SiteID, &vdate, &second, &r.Group, &status, &created, &updated, extra); err != nil {
		return r, err
	}
	var err error
	if r.Date, err = parseDate(vdate); err != nil {
		return r, err
	}
	if r.SecondDate, err = parseDate(second); err != nil {
		return r, err
	}
	r.Status = vaxbook.Status(status)
	r.CreatedAt, r.UpdatedAt = parseTime(created), parseTime(updated)
	return r, nil
}
