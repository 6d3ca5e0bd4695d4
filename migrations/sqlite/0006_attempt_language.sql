-- The language the candidate reads the questions in ('en' or 'es'): chosen at the start and
-- switchable on any question. Kept on the attempt so results can later be compared by language.
ALTER TABLE attempts ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
