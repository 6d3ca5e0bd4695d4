//! End-to-end tests: the real server on an ephemeral port with a fresh database, real HTTP,
//! plain form posts as a browser without JavaScript sends them.
//!
//! `CERTAMEN_TEST_DATABASE=postgres` runs them on PostgreSQL (a fresh database per test at
//! `CERTAMEN_TEST_POSTGRES_URL`, default `postgres://root@127.0.0.1:5432/test`); SQLite otherwise.

mod access;
mod account_security;
mod adaptive;
mod audit;
mod audit_anchor;
mod bad_input;
mod bank_files;
mod candidate_records;
mod complaints;
mod exam;
mod exam_screen;
mod fuzz_save;
mod group_commit;
mod helpers;
mod item_health;
mod mail;
mod multiple_answer;
mod outage;
mod passkeys;
mod practice;
mod proposals;
mod registry;
mod rescoring;
mod secrets;
mod security;
mod session_read;
mod statistics;
mod time;
mod workspace;
