-- Complaints about certificants, each taken through to a recorded outcome: received, then
-- investigating (due_at: the 90 days the program allows, from the day it was opened), then
-- closed with no action or a corrective action, which may suspend or revoke the certification.
CREATE TABLE complaints (
    id                       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    certification_id         BIGINT NOT NULL REFERENCES certifications (id),
    received_at              BIGINT NOT NULL,
    received_by              BIGINT NOT NULL REFERENCES users (id),
    complainant              TEXT NOT NULL,
    summary                  TEXT NOT NULL,
    status                   TEXT NOT NULL CHECK (status IN ('received', 'investigating', 'closed')),
    investigation_started_at BIGINT,
    due_at                   BIGINT,
    outcome                  TEXT CHECK (outcome IN ('no_action', 'corrective_action')),
    corrective_action        TEXT,
    registry_effect          TEXT CHECK (registry_effect IN ('none', 'suspended', 'revoked')),
    finding                  TEXT,
    closed_at                BIGINT,
    closed_by                BIGINT REFERENCES users (id)
);
CREATE INDEX complaints_by_certification ON complaints (certification_id);
CREATE INDEX complaints_open ON complaints (status, due_at);
