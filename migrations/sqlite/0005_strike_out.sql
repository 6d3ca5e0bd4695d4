-- Answer elimination: the options a candidate has struck out on a question, as a bit set of
-- authored option indexes (bit i: option i). A study aid only: never scored, never logged as
-- an answer.
ALTER TABLE attempt_items ADD COLUMN struck_mask BIGINT NOT NULL DEFAULT 0;
