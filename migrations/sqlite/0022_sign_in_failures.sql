-- Failed password sign-ins of the last minutes, to hold back guessing: by account and by
-- network address (only failures are kept, and only for the limit's window).
CREATE TABLE sign_in_failures (
    email   TEXT NOT NULL,
    address TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_by_email ON sign_in_failures (email, at);
CREATE INDEX sign_in_failures_by_address ON sign_in_failures (address, at);
