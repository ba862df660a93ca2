-- Eligible-population counts, the denominator of the booking rate statistics.

-- +goose Up
CREATE TABLE eligible_population (
    campaign_id BIGINT NOT NULL,
    birth_year  INT NOT NULL,
    grp         SMALLINT NOT NULL CHECK (grp BETWEEN 0 AND 9),
    province    TEXT NOT NULL,
    count       INT NOT NULL CHECK (count >= 0),
    PRIMARY KEY (campaign_id, birth_year, grp, province)
);

-- +goose Down
DROP TABLE eligible_population;
