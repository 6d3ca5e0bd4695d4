-- An accommodation may let the candidate take the break at any point of the exam (pausing the
-- exam clock when they need to), not only at the scheduled place. The decision records it, and
-- the attempt started under it keeps it.
ALTER TABLE accommodation_requests ADD COLUMN break_anytime BIGINT;
ALTER TABLE attempts ADD COLUMN break_anytime BIGINT NOT NULL DEFAULT 0;
