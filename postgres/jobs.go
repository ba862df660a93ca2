package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

var _ vaxbook.Jobs = (*Store)(nil)

// FixBatch confirms one batch of date d's unfixed reservations in one statement: pick
// (SKIP LOCKED, so a change or cancel in flight is neither waited for nor blocked —
// the next run takes it), confirm with the plan's product, and write the "confirmed"
// messages. The product is the one the site's plan holds most doses of that day (by
// name on a tie). "product IS NULL" makes the job idempotent and resumable: a batch
// that committed is never picked again, one that did not is picked whole.
func (s *Store) FixBatch(ctx context.Context, d vaxbook.Date, at time.Time, defaultProduct string, limit int) (int, error) {
	if defaultProduct == "" {
		return 0, vaxbook.Errorf(vaxbook.CodeInvalidInput, "a default product is needed")
	}
	var n int
	err := s.inTx(ctx, "fix reservations", func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `
			WITH picked AS (
				SELECT id FROM reservations
				WHERE vdate = $1 AND status IN ('booked', 'confirmed') AND product IS NULL
				ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED
			), fixed AS (
				UPDATE reservations r SET status = 'confirmed', updated_at = $3,
					product = COALESCE((SELECT p.product FROM delivery_plans p
						WHERE p.site_id = r.site_id AND p.vdate = r.vdate AND p.doses > 0
						ORDER BY p.doses DESC, p.product LIMIT 1), $4)
				FROM picked WHERE r.id = picked.id
				RETURNING r.id, r.campaign_id, r.person_key, r.site_id, r.vdate, r.second_date, r.product
			), sent AS (
				INSERT INTO outbox (kind, person_key, reservation_id, payload, idempotency_key, next_attempt_at, created_at)
				SELECT 'confirmed', person_key, id, `+payloadSQL+`, 'confirmed:' || id, $3, $3 FROM fixed
				ON CONFLICT (idempotency_key) DO NOTHING
			)
			SELECT count(*) FROM fixed`, pgDate(d), limit, at, defaultProduct).Scan(&n)
	})
	return n, err
}

// payloadSQL builds vaxbook.MessagePayload from a row with the reservation's columns.
const payloadSQL = `jsonb_strip_nulls(jsonb_build_object('campaign_id', campaign_id, 'site_id', site_id,
	'date', to_char(vdate, 'YYYY-MM-DD'), 'second_date', to_char(second_date, 'YYYY-MM-DD'),
	'product', product))`

// RemindBatch writes reminders for one batch of date d's confirmed reservations that
// have none; NOT EXISTS and the unique idempotency key make a re-run write nothing.
// The reservations are locked (SKIP LOCKED, as in FixBatch): without the lock a cancel
// committing while the statement runs would leave a reminder of a cancelled
// reservation that its own withdrawal ran too early to see. A locked one is picked
// up by the next run if it is still confirmed then.
func (s *Store) RemindBatch(ctx context.Context, d vaxbook.Date, at time.Time, limit int) (int, error) {
	var n int64
	err := s.inTx(ctx, "remind", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			WITH due AS (
				SELECT id, campaign_id, person_key, site_id, vdate, second_date, product FROM reservations r
				WHERE vdate = $1 AND status = 'confirmed'
					AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.idempotency_key = 'reminder:' || r.id)
				ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED
			)
			INSERT INTO outbox (kind, person_key, reservation_id, payload, idempotency_key, next_attempt_at, created_at)
			SELECT 'reminder', person_key, id, `+payloadSQL+`, 'reminder:' || id, $2, $2
			FROM due
			ON CONFLICT (idempotency_key) DO NOTHING`, pgDate(d), at, limit)
		n = tag.RowsAffected()
		return err
	})
	return int(n), err
}

// PutDeliveryPlans upserts plans in one statement.
func (s *Store) PutDeliveryPlans(ctx context.Context, plans []vaxbook.DeliveryPlan) error {
	var sites []int64
	var dates []pgtype.Date
	var products []string
	var doses []int32
	for _, p := range plans {
		sites, dates = append(sites, p.SiteID), append(dates, pgDate(p.Date))
		products, doses = append(products, p.Product), append(doses, int32(p.Doses))
	}
	return s.inTx(ctx, "put delivery plans", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			INSERT INTO delivery_plans (site_id, vdate, product, doses)
			SELECT * FROM unnest($1::bigint[], $2::date[], $3::text[], $4::int[])
			ON CONFLICT (site_id, vdate, product) DO UPDATE SET doses = excluded.doses`,
			sites, dates, products, doses)
		return err
	})
}

// Product returns the product assigned to a reservation.
func (s *Store) Product(ctx context.Context, id int64) (string, error) {
	var p *string
	err := s.pool.QueryRow(ctx, `SELECT product FROM reservations WHERE id = $1`, id).Scan(&p)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", vaxbook.Errorf(vaxbook.CodeNotFound, "no reservation %d", id)
	}
	if err != nil || p == nil {
		return "", dbError(err, "product")
	}
	return *p, nil
}

// AcquireLease takes the lease if it is free, expired or already the holder's, in one
// upsert: its WHERE leaves another holder's live lease untouched and returns no row.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	var h string
	err := s.pool.QueryRow(ctx, `
		INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE job_leases.expires_at <= $4 OR job_leases.holder = excluded.holder
		RETURNING holder`, name, holder, now.Add(ttl), now).Scan(&h)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		if retryable(err) || isUnique(err) {
			return false, nil // another instance took it at the same moment
		}
		return false, dbError(err, "acquire lease")
	}
	return true, nil
}

// ReleaseLease deletes the lease if holder holds it.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM job_leases WHERE name = $1 AND holder = $2`, name, holder)
	return dbError(err, "release lease")
}

// isUnique reports whether err is a unique violation.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == sqlUnique
}
