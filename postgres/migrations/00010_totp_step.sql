-- The last TOTP step each staff account signed in with, so that a one-time code is
-- used once: a code seen over a shoulder or in a proxy log cannot sign in again within
-- its 90-second validity.

-- +goose Up
ALTER TABLE staff ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE staff DROP COLUMN totp_last_step;
