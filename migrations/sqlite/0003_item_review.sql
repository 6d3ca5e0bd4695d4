-- The review workflow: who made each item version on the web, and every review decision.

-- The vendor who made this version in the workspace (submitted, approved, returned or retired
-- it); NULL for versions loaded from the bank's files.
ALTER TABLE items ADD COLUMN author_id BIGINT REFERENCES users (id);

-- Append-only: every approval and return, with the reviewer's comment.
CREATE TABLE item_reviews (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id     TEXT NOT NULL,
    version     BIGINT NOT NULL,
    reviewer_id BIGINT NOT NULL REFERENCES users (id),
    decision    TEXT NOT NULL CHECK (decision IN ('approved', 'returned', 'retired')),
    comment     TEXT NOT NULL,
    decided_at  BIGINT NOT NULL,
    FOREIGN KEY (item_id, version) REFERENCES items (id, version)
);
CREATE INDEX item_reviews_by_item ON item_reviews (item_id, version);
