-- Simulated candidates, made by `certamen demo seed-results` for newcomers to explore the staff
-- console, are marked so every figure can say how many of its attempts are simulated.
ALTER TABLE users ADD COLUMN simulated BIGINT NOT NULL DEFAULT 0;

-- Rescoring: a staff decision to correct an item version's key or drop it from scoring. It
-- applies to every attempt that has that version: those already scored at once (their scores
-- before and after both kept in score_changes), later ones when they are scored.
CREATE TABLE rescorings (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id          TEXT NOT NULL,
    item_version     BIGINT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('key', 'drop')),
    key_mask         BIGINT,
    reason           TEXT NOT NULL,
    decided_by       BIGINT NOT NULL REFERENCES users (id),
    decided_at       BIGINT NOT NULL,
    attempts         BIGINT NOT NULL,
    outcomes_changed BIGINT NOT NULL,
    FOREIGN KEY (item_id, item_version) REFERENCES items (id, version)
);

-- The rule in force for an item version: the newest rescoring of it.
CREATE TABLE scoring_rules (
    item_id      TEXT NOT NULL,
    item_version BIGINT NOT NULL,
    key_mask     BIGINT,
    dropped      BIGINT NOT NULL,
    rescoring_id BIGINT NOT NULL REFERENCES rescorings (id),
    PRIMARY KEY (item_id, item_version)
);

-- Every score a rescoring changed, before and after.
CREATE TABLE score_changes (
    rescoring_id BIGINT NOT NULL REFERENCES rescorings (id),
    attempt_id   TEXT NOT NULL REFERENCES attempts (id),
    old_correct  BIGINT NOT NULL,
    old_total    BIGINT NOT NULL,
    old_passed   BIGINT NOT NULL,
    old_score    TEXT NOT NULL,
    new_correct  BIGINT NOT NULL,
    new_total    BIGINT NOT NULL,
    new_passed   BIGINT NOT NULL,
    new_score    TEXT NOT NULL,
    PRIMARY KEY (rescoring_id, attempt_id)
);
CREATE INDEX score_changes_by_attempt ON score_changes (attempt_id);
