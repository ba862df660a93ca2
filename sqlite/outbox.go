package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"vaxbook"
)

var _ vaxbook.Outbox = (*Store)(nil)

// enqueue writes the outbox row of a message about r inside tx, the transaction of the
// change it reports, so that the change and its notification commit or vanish together.
func enqueue(ctx context.Context, tx *sql.Tx, kind vaxbook.MessageKind, r vaxbook.Reservation, product string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO outbox (kind, person_key, reservation_id, payload, idempotency_key, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (idempotency_key) DO NOTHING`,
		string(kind), r.PersonKey, r.ID, string(vaxbook.PayloadOf(r, product)),
		vaxbook.IdempotencyKey(kind, r.ID), at.UnixMicro(), at.UnixMicro())
	if err != nil {
		return fmt.Errorf("enqueue %s of reservation %d: %w", kind, r.ID, err)
	}
	return nil
}

const outboxColumns = `o.id, o.kind, o.person_key, o.reservation_id, o.payload, o.idempotency_key,
	o.status, o.attempts, o.next_attempt_at, o.last_error, o.created_at, p.phone_enc`

// ClaimOutbox leases the due rows. The single write connection makes the read and the
// update one atomic step, so two workers never claim one row.
func (s *Store) ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]vaxbook.OutboxMessage, error) {
	var out []vaxbook.OutboxMessage
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT `+outboxColumns+` FROM outbox o LEFT JOIN persons p ON p.person_key = o.person_key
			WHERE o.status = 'pending' AND o.next_attempt_at <= ?
			ORDER BY o.next_attempt_at, o.id LIMIT ?`, now.UnixMicro(), limit)
		if err != nil {
			return fmt.Errorf("claim outbox: %w", err)
		}
		if out, err = scanMessages(rows); err != nil {
			return err
		}
		until := now.Add(lease)
		for i := range out {
			if _, err := tx.ExecContext(ctx, `
				UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?`,
				until.UnixMicro(), out[i].ID); err != nil {
				return fmt.Errorf("lease outbox row %d: %w", out[i].ID, err)
			}
			out[i].Attempts++
			out[i].NextAttemptAt = until.In(vaxbook.Seoul)
		}
		return nil
	})
	return out, err
}

// MarkSent records the rows as sent.
func (s *Store) MarkSent(ctx context.Context, ids []int64, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			UPDATE outbox SET status = 'sent', sent_at = ?, last_error = ''
			WHERE id IN (SELECT value FROM json_each(?))`, at.UnixMicro(), string(list))
		return err
	})
}

// MarkFailed records the failed attempts of a batch.
func (s *Store) MarkFailed(ctx context.Context, fs ...vaxbook.OutboxFailure) error {
	if len(fs) == 0 {
		return nil
	}
	// One write transaction for the batch: SQLite has one writer, and each
	// transaction is a commit to disk.
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		for _, f := range fs {
			if _, err := tx.ExecContext(ctx, `
				UPDATE outbox SET status = ?, last_error = ?, next_attempt_at = ?
				WHERE id = ? AND status = 'pending'`, string(f.Status()), f.LastError, f.Next.UnixMicro(), f.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

// RetryDead sends a dead row back to pending.
func (s *Store) RetryDead(ctx context.Context, id int64, now time.Time) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?
			WHERE id = ? AND status = 'dead'`, now.UnixMicro(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vaxbook.Errorf(vaxbook.CodeNotFound, "no dead message %d", id)
		}
		return nil
	})
}

// OutboxMessages lists rows in a status, newest first.
func (s *Store) OutboxMessages(ctx context.Context, status vaxbook.OutboxStatus, limit int) ([]vaxbook.OutboxMessage, error) {
	rows, err := s.read.QueryContext(ctx, `
		SELECT `+strings.Replace(outboxColumns, "p.phone_enc", "NULL", 1)+` FROM outbox o
		WHERE o.status = ? ORDER BY o.id DESC LIMIT ?`, string(status), limit)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	return scanMessages(rows)
}

func scanMessages(rows *sql.Rows) ([]vaxbook.OutboxMessage, error) {
	defer rows.Close()
	var out []vaxbook.OutboxMessage
	for rows.Next() {
		var m vaxbook.OutboxMessage
		var payload string
		var next, created int64
		if err := rows.Scan(&m.ID, &m.Kind, &m.PersonKey, &m.ReservationID, &payload, &m.IdempotencyKey,
			&m.Status, &m.Attempts, &next, &m.LastError, &created, &m.PhoneSealed); err != nil {
			return nil, fmt.Errorf("scan outbox: %w", err)
		}
		m.Payload = []byte(payload)
		m.NextAttemptAt, m.CreatedAt = time.UnixMicro(next).In(vaxbook.Seoul), time.UnixMicro(created).In(vaxbook.Seoul)
		out = append(out, m)
	}
	return out, rows.Err()
}
