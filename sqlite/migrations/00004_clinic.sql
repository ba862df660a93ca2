-- Clinic staff accounts and the audit log of reads and writes of personal data.

-- +goose Up
-- An account belongs to one site; its login is unique across the country.
CREATE TABLE staff (
	id            INTEGER PRIMARY KEY,
	site_id       INTEGER NOT NULL REFERENCES sites (id),
	login         TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	totp_secret   BLOB, -- sealed; NULL for password-only accounts
	role          TEXT NOT NULL CHECK (role IN ('clinic'))
) STRICT;

-- The log is append-only: the store has no statement that updates or deletes it.
CREATE TABLE audit_log (
	id      INTEGER PRIMARY KEY,
	at      INTEGER NOT NULL,
	actor   TEXT NOT NULL,
	action  TEXT NOT NULL,
	site_id INTEGER NOT NULL DEFAULT 0,
	detail  TEXT NOT NULL DEFAULT ''
) STRICT;

-- A site's day list reads every status but cancelled, which the partial active index
-- does not hold.
CREATE INDEX reservations_site_day ON reservations (site_id, vdate);

-- +goose Down
DROP INDEX reservations_site_day;
DROP TABLE audit_log;
DROP TABLE staff;
