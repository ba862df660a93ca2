-- Eligible-population counts, the denominator of the booking rate statistics.

-- +goose Up
CREATE TABLE eligible_population (
	campaign_id INTEGER NOT NULL,
	birth_year  INTEGER NOT NULL,
	grp         INTEGER NOT NULL CHECK (grp BETWEEN 0 AND 9),
	province    TEXT NOT NULL,
	count       INTEGER NOT NULL CHECK (count >= 0),
	PRIMARY KEY (campaign_id, birth_year, grp, province)
) STRICT, WITHOUT ROWID;

-- +goose Down
DROP TABLE eligible_population;
