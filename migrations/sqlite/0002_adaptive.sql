-- Adaptive delivery, and the exact item parameters every delivered item was used with
-- (invariant 4).

-- An adaptive attempt's item pool, fixed when it starts, as a JSON array in bank order of
-- {"id", "version", "competency", "options", "a", "b", "c"}: the next item is chosen by
-- replaying the engine from the seed over this pool, so a bank load during the attempt
-- changes nothing for it. NULL for linear (fixed or LOFT) attempts.
ALTER TABLE attempts ADD COLUMN item_pool TEXT;

-- The IRT parameters of the item version as delivered, and where they came from
-- ('provisional' or 'calibrated'); NULL when the item had none.
ALTER TABLE attempt_items ADD COLUMN irt_a REAL;
ALTER TABLE attempt_items ADD COLUMN irt_b REAL;
ALTER TABLE attempt_items ADD COLUMN irt_c REAL;
ALTER TABLE attempt_items ADD COLUMN irt_source TEXT;
