-- Account security (issue 30): enrolment codes for a privileged account's first passkey,
-- browsers known to an account, sign-in tries counted atomically, and the server's secrets.

-- One-time codes an administrator (or the operator, from the command line) issues so that a
-- staff, vendor or administrator account can enrol its first passkey. Only a hash is kept.
CREATE TABLE enrolment_codes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    code_hash  TEXT NOT NULL UNIQUE,
    issued_by  TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX enrolment_codes_by_user ON enrolment_codes (user_id);

-- Browsers that have signed in to an account before (a random token in a long-lived cookie;
-- only its hash is kept). Others' failed guesses do not hold such a browser back.
CREATE TABLE known_devices (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL
);
CREATE INDEX known_devices_by_user ON known_devices (user_id);

-- Password sign-in tries by bucket (an account from unknown browsers, one known browser, one
-- address). A try is recorded before the password is checked, in the same transaction as the
-- count, and taken back when the password was right.
CREATE TABLE sign_in_tries (
    id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bucket TEXT NOT NULL,
    at     BIGINT NOT NULL
);
CREATE INDEX sign_in_tries_by_bucket ON sign_in_tries (bucket, at);
-- One row per bucket, locked while a try is counted (PostgreSQL; SQLite has one writer).
CREATE TABLE sign_in_buckets (
    bucket TEXT PRIMARY KEY
);

DROP TABLE sign_in_failures;

-- Random secrets made on first start and shared by every server of this database.
CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The previous sign-in, so the next one can show what changed on the account since (read
-- from the audit log by subject on every dashboard view: hence the index).
ALTER TABLE users ADD COLUMN last_sign_in_at BIGINT;
CREATE INDEX audit_log_by_subject ON audit_log (subject, at);
