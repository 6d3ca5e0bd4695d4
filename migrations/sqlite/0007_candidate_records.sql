-- What a candidate tells us when creating an account, and their accommodation requests with
-- the staff decision. Dates of birth are ISO calendar dates (YYYY-MM-DD): no time zone applies.

CREATE TABLE candidate_profiles (
    user_id       BIGINT PRIMARY KEY REFERENCES users (id),
    date_of_birth TEXT NOT NULL,
    county        TEXT NOT NULL,
    language      TEXT NOT NULL CHECK (language IN ('en', 'es')),
    created_at    BIGINT NOT NULL
);

-- One row per request. The candidate writes what they need and the documentation note; staff
-- approve with an exact profile (time_percent: 150 is time and a half; break_minutes: the
-- length of the scheduled break; speech: text-to-speech of stem and options) or deny with a
-- reason. The newest approved request is the profile applied to attempts started after it.
CREATE TABLE accommodation_requests (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         BIGINT NOT NULL REFERENCES users (id),
    requested       TEXT NOT NULL,
    details         TEXT NOT NULL,
    documentation   TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
    submitted_at    BIGINT NOT NULL,
    decided_at      BIGINT,
    decided_by      BIGINT REFERENCES users (id),
    decision_note   TEXT,
    time_percent    BIGINT,
    break_minutes   BIGINT,
    speech          BIGINT
);
CREATE INDEX accommodation_requests_by_user ON accommodation_requests (user_id);
CREATE INDEX accommodation_requests_by_status ON accommodation_requests (status, submitted_at);

-- The accommodation an attempt was started under (NULL: none), and whether its questions
-- offer text-to-speech. The time and break are already in limit_ms and break_allowance_ms.
ALTER TABLE attempts ADD COLUMN accommodation_id BIGINT REFERENCES accommodation_requests (id);
ALTER TABLE attempts ADD COLUMN speech BIGINT NOT NULL DEFAULT 0;
