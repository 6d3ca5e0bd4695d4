-- Foundation schema (PostgreSQL dialect). Times are Unix milliseconds in BIGINT columns and flags
-- are 0/1 BIGINTs, so both databases decode the same Rust types through sqlx's Any driver.

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('candidate', 'vendor', 'staff', 'admin')),
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE exams (
    id         TEXT NOT NULL,
    version    BIGINT NOT NULL,
    definition TEXT NOT NULL,
    loaded_at  BIGINT NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE items (
    id           TEXT NOT NULL,
    version      BIGINT NOT NULL,
    competency   TEXT NOT NULL,
    status       TEXT NOT NULL,
    body         TEXT NOT NULL,
    key_index    BIGINT NOT NULL,
    option_count BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE attempts (
    id                 TEXT PRIMARY KEY,
    user_id            BIGINT NOT NULL REFERENCES users (id),
    exam_id            TEXT NOT NULL,
    exam_version       BIGINT NOT NULL,
    seed               BIGINT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('in_progress', 'submitted')),
    started_at         BIGINT NOT NULL,
    limit_ms           BIGINT NOT NULL,
    credited_ms        BIGINT NOT NULL DEFAULT 0,
    break_after        BIGINT NOT NULL,
    break_allowance_ms BIGINT NOT NULL,
    break_started_at   BIGINT,
    break_ended_at     BIGINT,
    break_declined     BIGINT NOT NULL DEFAULT 0,
    deadline_at        BIGINT NOT NULL,
    current_position   BIGINT NOT NULL DEFAULT 1,
    last_seq           BIGINT NOT NULL DEFAULT 0,
    submitted_at       BIGINT,
    submitted_by       TEXT CHECK (submitted_by IN ('candidate', 'deadline')),
    raw_correct        BIGINT,
    raw_total          BIGINT,
    passed             BIGINT,
    score              TEXT,
    FOREIGN KEY (exam_id, exam_version) REFERENCES exams (id, version)
);
CREATE INDEX attempts_by_user ON attempts (user_id);
CREATE INDEX attempts_open_by_deadline ON attempts (status, deadline_at);
-- At most one open attempt per candidate and exam, even when two starts race.
CREATE UNIQUE INDEX one_open_attempt ON attempts (user_id, exam_id) WHERE status = 'in_progress';

CREATE TABLE attempt_items (
    attempt_id   TEXT NOT NULL REFERENCES attempts (id),
    position     BIGINT NOT NULL,
    item_id      TEXT NOT NULL,
    item_version BIGINT NOT NULL,
    option_order TEXT NOT NULL,
    choice       BIGINT,
    flagged      BIGINT NOT NULL DEFAULT 0,
    answered_at  BIGINT,
    PRIMARY KEY (attempt_id, position),
    FOREIGN KEY (item_id, item_version) REFERENCES items (id, version)
);

-- Append-only: every accepted save, in sequence order. The primary key makes a repeated
-- sequence number impossible to store twice.
CREATE TABLE response_log (
    attempt_id  TEXT NOT NULL REFERENCES attempts (id),
    seq         BIGINT NOT NULL,
    position    BIGINT NOT NULL,
    choice      BIGINT,
    flagged     BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, seq)
);

CREATE TABLE service_heartbeat (
    id       BIGINT PRIMARY KEY,
    alive_at BIGINT NOT NULL
);

CREATE TABLE outages (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    began_at          BIGINT NOT NULL,
    ended_at          BIGINT NOT NULL,
    credited_attempts BIGINT NOT NULL
);
