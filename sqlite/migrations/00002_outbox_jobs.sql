-- Notifications (transactional outbox), the fixing job's product and delivery plans,
-- and the leases that let one process run a job at a time. Same shape as PostgreSQL.

-- +goose Up
CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	kind            TEXT NOT NULL
		CHECK (kind IN ('booked', 'changed', 'cancelled', 'confirmed', 'reminder')),
	person_key      TEXT NOT NULL,
	reservation_id  INTEGER NOT NULL,
	payload         TEXT NOT NULL, -- JSON; never a phone number or a name
	idempotency_key TEXT NOT NULL,
	status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error      TEXT NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL,
	sent_at         INTEGER
) STRICT;
CREATE UNIQUE INDEX outbox_idempotency ON outbox (idempotency_key);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_dead ON outbox (id) WHERE status = 'dead';

ALTER TABLE reservations ADD COLUMN product TEXT;
CREATE INDEX reservations_active_date ON reservations (vdate, id)
	WHERE status IN ('booked', 'confirmed');

CREATE TABLE delivery_plans (
	site_id INTEGER NOT NULL,
	vdate   TEXT NOT NULL,
	product TEXT NOT NULL,
	doses   INTEGER NOT NULL CHECK (doses >= 0),
	PRIMARY KEY (site_id, vdate, product)
) STRICT, WITHOUT ROWID;

CREATE TABLE job_leases (
	name       TEXT PRIMARY KEY,
	holder     TEXT NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;

-- +goose Down
DROP TABLE job_leases;
DROP TABLE delivery_plans;
DROP INDEX reservations_active_date;
ALTER TABLE reservations DROP COLUMN product;
DROP TABLE outbox;
