-- Results and the public registry. A result reaches the candidate when it is released: at once,
-- or after staff review, as the exam definition says (attempts submitted before this had theirs
-- at once). Staff may invalidate an attempt for a recorded reason. A released pass by an
-- eligible candidate makes them a certificant; staff may suspend, revoke or reinstate.
ALTER TABLE attempts ADD COLUMN released_at BIGINT;
ALTER TABLE attempts ADD COLUMN invalidated_at BIGINT;
ALTER TABLE attempts ADD COLUMN invalidated_reason TEXT;
UPDATE attempts SET released_at = submitted_at WHERE status = 'submitted';

CREATE TABLE certifications (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    number            TEXT NOT NULL UNIQUE,
    user_id           BIGINT NOT NULL REFERENCES users (id),
    attempt_id        TEXT NOT NULL UNIQUE REFERENCES attempts (id),
    issued_at         BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
    status_reason     TEXT,
    status_changed_at BIGINT NOT NULL
);
CREATE INDEX certifications_by_user ON certifications (user_id);
