-- A site's telephone number, so that a resident's booking text and the search results
-- can say whom to call. Sites loaded before it have none ('') until loaded again.

-- +goose Up
ALTER TABLE sites ADD COLUMN phone TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sites DROP COLUMN phone;
