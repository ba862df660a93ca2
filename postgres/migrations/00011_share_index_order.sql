-- The active-share index led with campaign_id, so that before the first ANALYZE of a
-- campaign's reservations (at the opening, when the table has just grown from nothing)
-- the planner took it for "campaign_id = $1" alone and scanned every active reservation
-- of the campaign to find one person's: 11 ms a lookup after 10,000 bookings, a third of
-- the database's time in a burst. Led by the site, it serves only what it is for (the
-- reservations of one share), and a person's lookup finds reservations_active_person.
-- Built concurrently: the table is in use when this runs.

-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY IF NOT EXISTS reservations_share_active ON reservations (site_id, vdate, grp, campaign_id)
	WHERE status IN ('booked', 'confirmed');
DROP INDEX CONCURRENTLY IF EXISTS reservations_active_share;

-- +goose Down
CREATE INDEX CONCURRENTLY IF NOT EXISTS reservations_active_share ON reservations (campaign_id, site_id, vdate, grp)
	WHERE status IN ('booked', 'confirmed');
DROP INDEX CONCURRENTLY IF EXISTS reservations_share_active;
