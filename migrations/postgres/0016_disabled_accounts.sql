-- An administrator may disable a staff, vendor or administrator account: it can no longer sign
-- in, and a session it already has stops working. The account and its records stay.
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
