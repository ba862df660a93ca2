-- Outbox retention: sent rows are pruned after a while, so nothing else may rely on them.
--
-- Not in a transaction: CockroachDB cannot write to a column added earlier in the same
-- transaction (cockroach#43057) and advises one schema change per transaction. Every
-- statement is idempotent, so a run that stopped half way is simply run again.

-- +goose NO TRANSACTION
-- +goose Up
-- Pruning reads sent rows by the time they were sent, and dead rows by their last attempt.
CREATE INDEX IF NOT EXISTS outbox_sent ON outbox (sent_at) WHERE status = 'sent';

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
