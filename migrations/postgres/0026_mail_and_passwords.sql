-- Mail and the password lifecycle (issue 30).

-- Messages to send, written in the same transaction as the event they tell of, and sent by a
-- background worker on any server: a worker claims a row (claimed_by, until claimed_until)
-- before sending it, marks it sent after, and on failure sets the next try further off.
CREATE TABLE mail_outbox (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          TEXT NOT NULL,
    to_address    TEXT NOT NULL,
    language      TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    tries         BIGINT NOT NULL DEFAULT 0,
    next_try_at   BIGINT NOT NULL,
    claimed_by    TEXT,
    claimed_until BIGINT,
    sent_at       BIGINT,
    given_up_at   BIGINT,
    last_error    TEXT
);
CREATE INDEX mail_outbox_waiting ON mail_outbox (next_try_at) WHERE sent_at IS NULL AND given_up_at IS NULL;

-- One-time links to choose a new password (account recovery). Only a hash of the token is
-- kept; a link works once, until it expires.
CREATE TABLE password_resets (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX password_resets_by_user ON password_resets (user_id);

-- A password an administrator chose (for a new staff, vendor or administrator account): the
-- person must choose their own before using the account.
ALTER TABLE users ADD COLUMN password_must_change BIGINT NOT NULL DEFAULT 0;

-- Candidate registrations waiting for their email to be confirmed: the account is made only
-- when the link is opened, so registering tells nobody whether an email already has one (its
-- owner gets a notice instead). Only a hash of the link's token is kept.
CREATE TABLE pending_registrations (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    details       TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX pending_registrations_by_email ON pending_registrations (email, created_at);

-- Four eyes: a decision that changes a result or a credential is proposed by one staff member
-- and carried out only when a different one approves it. `basis` is the record's state when
-- proposed: an approval finds it changed (stale) and refuses.
CREATE TABLE proposals (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          TEXT NOT NULL,
    subject       TEXT NOT NULL,
    payload       TEXT NOT NULL,
    summary       TEXT NOT NULL,
    basis         TEXT NOT NULL,
    proposed_by   BIGINT NOT NULL REFERENCES users (id),
    proposed_at   BIGINT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'stale')),
    decided_by    BIGINT REFERENCES users (id),
    decided_at    BIGINT
);
-- One open proposal of a kind per record.
CREATE UNIQUE INDEX one_open_proposal ON proposals (kind, subject) WHERE status = 'pending';
