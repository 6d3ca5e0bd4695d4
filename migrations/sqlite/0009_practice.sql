-- The practice exam. Its items are kept apart from every real form by id (whatever their
-- version), and a practice attempt is marked so it never counts: not against the attempt
-- limit, not in results, not as "seen" for a retake. A candidate may have one practice
-- attempt and one real attempt open at once.
CREATE TABLE practice_items (
    item_id TEXT PRIMARY KEY
);

ALTER TABLE attempts ADD COLUMN practice BIGINT NOT NULL DEFAULT 0;

DROP INDEX one_open_attempt;
CREATE UNIQUE INDEX one_open_attempt ON attempts (user_id, exam_id, practice) WHERE status = 'in_progress';
