-- Applications for certification, by one of the program's pathways, and the staff-kept list
-- of approved training providers. A candidate may start the exam once their newest
-- application is approved. A returned application stays as it was; the corrected one is a new
-- row, so the history of every decision is kept.

CREATE TABLE training_providers (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    name     TEXT NOT NULL UNIQUE,
    -- 0 once staff take the provider off the list: past applications keep naming it.
    active   BIGINT NOT NULL DEFAULT 1,
    added_at BIGINT NOT NULL
);

CREATE TABLE applications (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id               BIGINT NOT NULL REFERENCES users (id),
    -- 'training': initial certification after training by an approved provider;
    -- 'reciprocity': a current peer support certification from another state.
    pathway               TEXT NOT NULL CHECK (pathway IN ('training', 'reciprocity')),
    training_provider_id  BIGINT REFERENCES training_providers (id),
    training_completed_on TEXT,
    other_state           TEXT,
    other_credential      TEXT,
    -- 'self' or 'family': lived experience of recovery, or as a parent, caregiver or family member.
    lived_experience      TEXT NOT NULL CHECK (lived_experience IN ('self', 'family')),
    -- The attestations the program requires, each 1 when the candidate ticked it.
    attest_lived_experience BIGINT NOT NULL,
    attest_code_of_ethics   BIGINT NOT NULL,
    attest_education        BIGINT NOT NULL,
    attest_training         BIGINT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'returned')),
    submitted_at          BIGINT NOT NULL,
    decided_at            BIGINT,
    decided_by            BIGINT REFERENCES users (id),
    decision_note         TEXT
);
CREATE INDEX applications_by_user ON applications (user_id, submitted_at);
CREATE INDEX applications_by_status ON applications (status, submitted_at);
