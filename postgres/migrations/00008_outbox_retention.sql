-- Outbox retention: sent and dead rows are pruned after a while, so nothing may rely on
-- them for longer than the shortest retention allowed (vaxbook.MinOutboxRetention, two
-- days). The reminder job does rely on them that long: it tells a reservation already
-- reminded by its "reminder:<id>" row, all through the day before the vaccination.
--
-- Not in a transaction: CockroachDB cannot write to a column added earlier in the same
-- transaction (cockroach#43057) and advises one schema change per transaction, and an
-- index is built CONCURRENTLY only outside one. Every statement is idempotent, so a run
-- that stopped half way is simply run again, with one exception: a concurrent build
-- that failed leaves an invalid outbox_sent index, which IF NOT EXISTS then keeps; drop
-- it (DROP INDEX CONCURRENTLY outbox_sent) before running again.

-- +goose NO TRANSACTION
-- +goose Up
-- Pruning reads sent rows by the time they were sent, and dead rows by their last attempt.
-- CONCURRENTLY keeps the outbox writable while the index is built over a live table:
-- every booking writes a row. CockroachDB always builds indexes online and accepts the
-- keyword; YugabyteDB builds this way by default.
CREATE INDEX CONCURRENTLY IF NOT EXISTS outbox_sent ON outbox (sent_at) WHERE status = 'sent';

-- A reservation released by a change names the reservation that replaced it, so that
-- statistics tell a person's cancellation from a change without reading the outbox.
-- Changes made before this column existed are found by their missing "cancelled"
-- message and marked 0: replaced, by a reservation not recorded.
ALTER TABLE reservations ADD COLUMN IF NOT EXISTS replaced_by BIGINT;

UPDATE reservations r SET replaced_by = 0
WHERE r.status = 'cancelled' AND r.replaced_by IS NULL
    AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.idempotency_key = 'cancelled:' || r.id);

-- +goose Down
ALTER TABLE reservations DROP COLUMN IF EXISTS replaced_by;
DROP INDEX IF EXISTS outbox_sent;
