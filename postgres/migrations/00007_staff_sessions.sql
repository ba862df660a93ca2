-- Staff sessions that end before their tokens expire: an account can be disabled, all
-- its sessions ended at once, and one token signed out.

-- +goose Up
-- sessions_revoked_at: every token issued at or before it is refused (NULL: never).
ALTER TABLE staff ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE staff ADD COLUMN sessions_revoked_at TIMESTAMPTZ;

-- Tokens signed out before they expire. A row is useless once its token has expired,
-- and sign-outs drop such rows as they go.
CREATE TABLE staff_revoked_tokens (
    token_id   TEXT PRIMARY KEY,
    staff_id   BIGINT NOT NULL REFERENCES staff (id),
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX staff_revoked_tokens_expiry ON staff_revoked_tokens (expires_at);

-- +goose Down
DROP TABLE staff_revoked_tokens;
ALTER TABLE staff DROP COLUMN sessions_revoked_at;
ALTER TABLE staff DROP COLUMN disabled;
