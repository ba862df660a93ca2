-- Outbox retention: sent and dead rows are pruned after a while, so nothing may rely on
-- them for longer than the shortest retention allowed (vaxbook.MinOutboxRetention, two
-- days). The reminder job does rely on them that long: it tells a reservation already
-- reminded by its "reminder:<id>" row, all through the day before the vaccination.

-- +goose Up
-- Pruning reads sent rows by the time they were sent, and dead rows by their last attempt.
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE status = 'sent';

-- A reservation released by a change names the reservation that replaced it, so that
-- statistics tell a person's cancellation from a change without reading the outbox.
-- Changes made before this column existed are found by their missing "cancelled"
-- message and marked 0: replaced, by a reservation not recorded.
ALTER TABLE reservations ADD COLUMN replaced_by INTEGER;
UPDATE reservations SET replaced_by = 0
WHERE status = 'cancelled'
	AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.idempotency_key = 'cancelled:' || reservations.id);

-- +goose Down
ALTER TABLE reservations DROP COLUMN replaced_by;
DROP INDEX outbox_sent;
