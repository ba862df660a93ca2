-- +goose Up
-- One person, one first dose per campaign: a vaccinated person keeps their place in the
-- one-reservation index, so they cannot book again. A no-show may book again.
DROP INDEX reservations_one_active;
CREATE UNIQUE INDEX reservations_one_active ON reservations (campaign_id, person_key)
	WHERE status IN ('booked', 'confirmed', 'vaccinated');

-- +goose Down
DROP INDEX reservations_one_active;
CREATE UNIQUE INDEX reservations_one_active ON reservations (campaign_id, person_key)
	WHERE status IN ('booked', 'confirmed');
