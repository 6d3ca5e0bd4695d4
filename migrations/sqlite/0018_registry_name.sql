-- The registry searches names folded to lower case by the application (the same Unicode rules
-- on both databases; SQLite's LOWER folds only A to Z). Existing rows are filled with LOWER,
-- which is exact for the plain-letter names they hold.
ALTER TABLE certifications ADD COLUMN name_folded TEXT NOT NULL DEFAULT '';
UPDATE certifications SET name_folded = LOWER((SELECT display_name FROM users WHERE users.id = certifications.user_id));
