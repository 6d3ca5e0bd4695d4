-- Every question's state on the attempt's row (app/src/server/attempts/marks.rs): one digit per
-- question in position order, 1 for answered plus 2 for flagged. The question page read it as
-- an aggregate of the attempt's questions on every page; kept here, the group commit updates it
-- with the attempt's sequence number.
ALTER TABLE attempts ADD COLUMN marks TEXT NOT NULL DEFAULT '';
UPDATE attempts SET marks = COALESCE((SELECT string_agg(CAST(
    (CASE WHEN m.choice_mask IS NULL THEN 0 ELSE 1 END) + 2 * m.flagged AS TEXT), ''
    ORDER BY m.position) FROM attempt_items m WHERE m.attempt_id = attempts.id), '');
