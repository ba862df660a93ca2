-- Leftover doses and the same-day standby list (잔여백신, 당일 예비명단). Same shape as
-- PostgreSQL.

-- +goose Up
-- The offer of a leftover dose is a notification of its own. SQLite cannot change a
-- CHECK in place, so the outbox is copied into a table with the new list of kinds.
CREATE TABLE outbox_new (
	id              INTEGER PRIMARY KEY,
	kind            TEXT NOT NULL
		CHECK (kind IN ('booked', 'changed', 'cancelled', 'confirmed', 'reminder', 'standby_offer')),
	person_key      TEXT NOT NULL,
	reservation_id  INTEGER NOT NULL, -- 0 for a standby offer: there is no reservation yet
	payload         TEXT NOT NULL, -- JSON; never a phone number or a name
	idempotency_key TEXT NOT NULL,
	status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error      TEXT NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL,
	sent_at         INTEGER
) STRICT;
INSERT INTO outbox_new (id, kind, person_key, reservation_id, payload, idempotency_key, status,
		attempts, next_attempt_at, last_error, created_at, sent_at)
	SELECT id, kind, person_key, reservation_id, payload, idempotency_key, status,
		attempts, next_attempt_at, last_error, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE UNIQUE INDEX outbox_idempotency ON outbox (idempotency_key);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_dead ON outbox (id) WHERE status = 'dead';

-- A reservation made from a leftover dose takes no place from a share: the audit of
-- shares leaves it out, and a cancellation gives the dose back to leftover_doses.
ALTER TABLE reservations ADD COLUMN leftover INTEGER NOT NULL DEFAULT 0 CHECK (leftover IN (0, 1));

-- A site's leftover doses of a campaign and day. A dose is free, held by an open offer
-- or taken by a reservation; the CHECK is the last defence against giving one twice.
CREATE TABLE leftover_doses (
	campaign_id INTEGER NOT NULL,
	site_id     INTEGER NOT NULL,
	vdate       TEXT NOT NULL,
	released    INTEGER NOT NULL DEFAULT 0,
	offered     INTEGER NOT NULL DEFAULT 0,
	accepted    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (campaign_id, site_id, vdate),
	CONSTRAINT leftover_doses_held CHECK (offered >= 0 AND accepted >= 0 AND offered + accepted <= released)
) STRICT, WITHOUT ROWID;

-- One row per person in line at a site on a day, and the offer made to them.
CREATE TABLE standby (
	id             INTEGER PRIMARY KEY,
	campaign_id    INTEGER NOT NULL,
	site_id        INTEGER NOT NULL,
	vdate          TEXT NOT NULL,
	person_key     TEXT NOT NULL,
	state          TEXT NOT NULL
		CHECK (state IN ('waiting', 'offered', 'accepted', 'declined', 'expired', 'withdrawn')),
	joined_at      INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL,
	offered_at     INTEGER,
	expires_at     INTEGER,
	reservation_id INTEGER
) STRICT;
-- One open entry per person and day, whatever the site or campaign.
CREATE UNIQUE INDEX standby_one_open ON standby (person_key, vdate)
	WHERE state IN ('waiting', 'offered');
-- A list in serving order, and its offers.
CREATE INDEX standby_line ON standby (campaign_id, site_id, vdate, state, joined_at, id)
	WHERE state IN ('waiting', 'offered');
-- The sweep's offers that ran out.
CREATE INDEX standby_offers_due ON standby (expires_at) WHERE state = 'offered';
-- A person's entries of a day, newest last.
CREATE INDEX standby_person ON standby (person_key, vdate, id);

-- +goose Down
DROP TABLE standby;
DROP TABLE leftover_doses;
ALTER TABLE reservations DROP COLUMN leftover;
DELETE FROM outbox WHERE kind = 'standby_offer';
CREATE TABLE outbox_old (
	id              INTEGER PRIMARY KEY,
	kind            TEXT NOT NULL
		CHECK (kind IN ('booked', 'changed', 'cancelled', 'confirmed', 'reminder')),
	person_key      TEXT NOT NULL,
	reservation_id  INTEGER NOT NULL,
	payload         TEXT NOT NULL,
	idempotency_key TEXT NOT NULL,
	status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error      TEXT NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL,
	sent_at         INTEGER
) STRICT;
INSERT INTO outbox_old SELECT * FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_old RENAME TO outbox;
CREATE UNIQUE INDEX outbox_idempotency ON outbox (idempotency_key);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_dead ON outbox (id) WHERE status = 'dead';
