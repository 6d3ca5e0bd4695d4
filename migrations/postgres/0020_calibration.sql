-- Recalibration: parameters estimated from live responses for items whose parameters are
-- provisional, proposed to staff and applied only when they accept it (each item then gets a
-- new version with the calibrated parameters). A proposal keeps every item's old and new
-- parameters, as JSON, whatever is decided.
CREATE TABLE calibration_proposals (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    exam_id       TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    created_by    BIGINT NOT NULL REFERENCES users (id),
    model         TEXT NOT NULL CHECK (model IN ('2pl', '3pl')),
    attempts      BIGINT NOT NULL,
    converged     BIGINT NOT NULL,
    cycles        BIGINT NOT NULL,
    items         TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'rejected')),
    decided_at    BIGINT,
    decided_by    BIGINT REFERENCES users (id),
    decision_note TEXT
);
