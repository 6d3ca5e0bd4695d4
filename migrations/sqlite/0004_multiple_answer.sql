-- Multiple-answer items. A key and a response are now sets of options, stored as bit sets of
-- authored option indexes (bit i: option i); a response is correct when it equals the key
-- exactly. A single-answer key or choice i becomes the set {i}, so every stored row keeps its
-- meaning (this is the one rewrite the response log gets: its encoding, not its content).
ALTER TABLE items RENAME COLUMN key_index TO key_mask;
UPDATE items SET key_mask = 1 << key_mask;

ALTER TABLE attempt_items RENAME COLUMN choice TO choice_mask;
UPDATE attempt_items SET choice_mask = 1 << choice_mask WHERE choice_mask IS NOT NULL;

ALTER TABLE response_log RENAME COLUMN choice TO choice_mask;
UPDATE response_log SET choice_mask = 1 << choice_mask WHERE choice_mask IS NOT NULL;
