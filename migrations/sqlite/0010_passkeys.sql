-- Passkeys (WebAuthn). Each user gets a random WebAuthn user handle at their first passkey
-- (never the database id or the email); each passkey is stored as webauthn-rs serialises it,
-- with its credential id apart so a sign-in finds it, and a name the person chose.
ALTER TABLE users ADD COLUMN webauthn_id TEXT;

CREATE TABLE passkeys (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       BIGINT NOT NULL REFERENCES users (id),
    credential_id TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    passkey       TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT
);
CREATE INDEX passkeys_by_user ON passkeys (user_id);
