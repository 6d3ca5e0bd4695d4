-- Renewals: every two years a certificant renews with continuing-education hours (the program
-- asks for 20, of which 6 in law and ethics). Staff record each renewal; the certification's
-- expiry moves two years on, and the hours and both expiry dates are kept.
CREATE TABLE renewals (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    certification_id    BIGINT NOT NULL REFERENCES certifications (id),
    recorded_at         BIGINT NOT NULL,
    recorded_by         BIGINT NOT NULL REFERENCES users (id),
    ce_hours            BIGINT NOT NULL,
    law_ethics_hours    BIGINT NOT NULL,
    previous_expires_at BIGINT NOT NULL,
    new_expires_at      BIGINT NOT NULL
);
CREATE INDEX renewals_by_certification ON renewals (certification_id);
