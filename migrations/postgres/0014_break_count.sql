-- An accommodation may give more than one break. The decision records how many (absent: one).
-- An attempt keeps how many breaks are still to come after the current one, and how many
-- questions apart scheduled breaks are; a finished break's time is then moved into
-- credited_ms so the next one starts afresh.
ALTER TABLE accommodation_requests ADD COLUMN break_count BIGINT;
ALTER TABLE attempts ADD COLUMN breaks_left BIGINT NOT NULL DEFAULT 0;
ALTER TABLE attempts ADD COLUMN break_interval BIGINT NOT NULL DEFAULT 0;
