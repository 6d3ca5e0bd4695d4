-- At most one accommodation request waiting and one application open (submitted or
-- approved) per person, held by the database, so two sends at once cannot both get in.
CREATE UNIQUE INDEX one_pending_accommodation ON accommodation_requests (user_id) WHERE status = 'pending';
CREATE UNIQUE INDEX one_open_application ON applications (user_id) WHERE status IN ('submitted', 'approved');

-- TRUNCATE empties a table without touching a row, so the row triggers of 0012 miss it.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
