-- The vaxbook schema on SQLite. It keeps the shape of the PostgreSQL schema: dates are
-- TEXT 'YYYY-MM-DD' and instants INTEGER unix microseconds, so both compare in SQL.
-- STRICT tables refuse a value of the wrong type instead of storing it silently.

-- +goose Up
CREATE TABLE campaigns (
	id               INTEGER PRIMARY KEY,
	name             TEXT NOT NULL,
	cohort_from      TEXT,
	cohort_to        TEXT,
	vaccination_from TEXT,
	vaccination_to   TEXT,
	second_dose_days INTEGER NOT NULL,
	weights          TEXT NOT NULL -- ten comma-separated integers, index = group
) STRICT;

CREATE TABLE windows (
	campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
	seq         INTEGER NOT NULL,
	grp         INTEGER NOT NULL, -- -1 = all groups (the pooled open period)
	opens       INTEGER NOT NULL,
	closes      INTEGER NOT NULL,
	PRIMARY KEY (campaign_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE sites (
	id       INTEGER PRIMARY KEY,
	name     TEXT NOT NULL,
	province TEXT NOT NULL,
	district TEXT NOT NULL,
	address  TEXT NOT NULL,
	kind     TEXT NOT NULL
) STRICT;
CREATE INDEX sites_region ON sites (province, district);

-- Shares hold millions of rows (14,000 sites × 38 days × 10 groups): WITHOUT ROWID keeps
-- them in their primary-key b-tree alone, so an upsert or a booking touches one tree.
CREATE TABLE shares (
	campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
	site_id     INTEGER NOT NULL REFERENCES sites (id),
	vdate       TEXT NOT NULL,
	grp         INTEGER NOT NULL,
	capacity    INTEGER NOT NULL,
	booked      INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (campaign_id, site_id, vdate, grp),
	-- The last line of defence against overbooking; the store's errors.go maps its name.
	CONSTRAINT shares_booked CHECK (booked >= 0 AND booked <= capacity)
) STRICT, WITHOUT ROWID;

CREATE TABLE persons (
	person_key TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	birth      TEXT,
	phone_enc  BLOB,
	is_foreign INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE sessions (
	id_hash     TEXT PRIMARY KEY,
	person_key  TEXT,
	method      TEXT,
	created_at  INTEGER NOT NULL,
	verified_at INTEGER,
	expires_at  INTEGER NOT NULL
) STRICT;

-- A reservation names the share its place came from. The foreign key to shares is
-- checked at commit so that a booking can insert the row (to meet the one-active-per-
-- person index first) before it knows which share of the pool it draws from.
CREATE TABLE reservations (
	id          INTEGER PRIMARY KEY,
	campaign_id INTEGER NOT NULL,
	person_key  TEXT NOT NULL,
	site_id     INTEGER NOT NULL,
	vdate       TEXT NOT NULL,
	second_date TEXT,
	grp         INTEGER NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('booked', 'confirmed', 'cancelled', 'vaccinated', 'no_show')),
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	FOREIGN KEY (campaign_id, site_id, vdate, grp)
		REFERENCES shares (campaign_id, site_id, vdate, grp) DEFERRABLE INITIALLY DEFERRED
) STRICT;
-- The database-level guarantee of rule 5: one active reservation per person and campaign.
CREATE UNIQUE INDEX reservations_one_active ON reservations (campaign_id, person_key)
	WHERE status IN ('booked', 'confirmed');
CREATE INDEX reservations_active_share ON reservations (campaign_id, site_id, vdate, grp)
	WHERE status IN ('booked', 'confirmed');

-- +goose Down
DROP TABLE reservations;
DROP TABLE sessions;
DROP TABLE persons;
DROP TABLE shares;
DROP TABLE sites;
DROP TABLE windows;
DROP TABLE campaigns;
