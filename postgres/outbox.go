package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

var _ vaxbook.Outbox = (*Store)(nil)

// enqueue writes the outbox row of a message about r inside tx, the transaction of the
// change it reports, so that the change and its notification commit or vanish together.
func enqueue(ctx context.Context, tx pgx.Tx, kind vaxbook.MessageKind, r vaxbook.Reservation, product string, at time.Time) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO outbox (kind, person_key, reservation_id, payload, idempotency_key, next_attempt_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)
		ON CONFLICT (idempotency_key) DO NOTHING`,
		string(kind), r.PersonKey, r.ID, string(vaxbook.PayloadOf(r, product)),
		vaxbook.IdempotencyKey(kind, r.ID), at)
	return err
}

// queueBooked adds to b one multi-row insert of the "booked" messages of rs, so that a
// group commit writes its notifications in one statement, in its pipelined round.
func queueBooked(b *pgx.Batch, rs []vaxbook.Reservation) {
	if len(rs) == 0 {
		return
	}
	persons, payloads, keys := make([]string, len(rs)), make([]string, len(rs)), make([]string, len(rs))
	ids, ats := make([]int64, len(rs)), make([]time.Time, len(rs))
	for i, r := range rs {
		persons[i], ids[i], ats[i] = r.PersonKey, r.ID, r.CreatedAt
		payloads[i] = string(vaxbook.PayloadOf(r, ""))
		keys[i] = vaxbook.IdempotencyKey(vaxbook.KindBooked, r.ID)
	}
	b.Queue(`
		INSERT INTO outbox (kind, person_key, reservation_id, payload, idempotency_key, next_attempt_at, created_at)
		SELECT 'booked', p, id, pl::jsonb, k, a, a
		FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::timestamptz[]) AS v (p, id, pl, k, a)
		ON CONFLICT (idempotency_key) DO NOTHING`, persons, ids, payloads, keys, ats)
}

const outboxReturning = `o.id, o.kind, o.person_key, o.reservation_id, o.payload, o.idempotency_key,
	o.status, o.attempts, o.next_attempt_at, o.last_error, o.created_at`

// ClaimOutbox leases the due rows. FOR UPDATE SKIP LOCKED lets several instances'
// workers claim at once without waiting for, or taking, each other's rows.
func (s *Store) ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]vaxbook.OutboxMessage, error) {
	rows, err := s.pool.Query(ctx, `
		UPDATE outbox o SET attempts = o.attempts + 1, next_attempt_at = $2
		FROM (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1
			ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) due
		WHERE o.id = due.id
		RETURNING `+outboxReturning+`,
			(SELECT p.phone_enc FROM persons p WHERE p.person_key = o.person_key)`,
		now, now.Add(lease), limit)
	if err != nil {
		return nil, dbError(err, "claim outbox")
	}
	out, err := pgx.CollectRows(rows, scanMessage)
	return out, dbError(err, "claim outbox")
}

// MarkSent records the rows as sent.
func (s *Store) MarkSent(ctx context.Context, ids []int64, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.pool.Exec(ctx, `UPDATE outbox SET status = 'sent', sent_at = $2, last_error = '' WHERE id = ANY($1::BIGINT[])`, ids, at)
	return dbError(err, "mark sent")
}

// MarkFailed records the failed attempts of a batch.
func (s *Store) MarkFailed(ctx context.Context, fs ...vaxbook.OutboxFailure) error {
	if len(fs) == 0 {
		return nil
	}
	ids, statuses, errs, nexts := make([]int64, len(fs)), make([]string, len(fs)), make([]string, len(fs)), make([]time.Time, len(fs))
	for i, f := range fs {
		ids[i], statuses[i], errs[i], nexts[i] = f.ID, string(f.Status()), f.LastError, f.Next
	}
	_, err := s.pool.Exec(ctx, `
		UPDATE outbox o SET status = f.status, last_error = f.err, next_attempt_at = f.next
		FROM unnest($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::TIMESTAMPTZ[]) AS f (id, status, err, next)
		WHERE o.id = f.id AND o.status = 'pending'`, ids, statuses, errs, nexts)
	return dbError(err, "mark failed")
}

// RetryDead sends a dead row back to pending.
func (s *Store) RetryDead(ctx context.Context, id int64, now time.Time) error {
	tag, err := s.pool.Exec(ctx, `
		UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $2
		WHERE id = $1 AND status = 'dead'`, id, now)
	if err != nil {
		return dbError(err, "retry dead")
	}
	if tag.RowsAffected() == 0 {
		return vaxbook.Errorf(vaxbook.CodeNotFound, "no dead message %d", id)
	}
	return nil
}

// OutboxMessages lists rows in a status, newest first.
func (s *Store) OutboxMessages(ctx context.Context, status vaxbook.OutboxStatus, limit int) ([]vaxbook.OutboxMessage, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT `+outboxReturning+`, NULL::bytea FROM outbox o
		WHERE o.status = $1 ORDER BY o.id DESC LIMIT $2`, string(status), limit)
	if err != nil {
		return nil, dbError(err, "list outbox")
	}
	out, err := pgx.CollectRows(rows, scanMessage)
	return out, dbError(err, "list outbox")
}

func scanMessage(row pgx.CollectableRow) (vaxbook.OutboxMessage, error) {
	var m vaxbook.OutboxMessage
	var next, created pgtype.Timestamptz
	var payload []byte
	err := row.Scan(&m.ID, &m.Kind, &m.PersonKey, &m.ReservationID, &payload, &m.IdempotencyKey,
		&m.Status, &m.Attempts, &next, &m.LastError, &created, &m.PhoneSealed)
	m.Payload = payload
	m.NextAttemptAt, m.CreatedAt = fromTime(next), fromTime(created)
	return m, err
}
