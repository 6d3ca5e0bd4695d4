//! Server-only code: configuration, the database, sessions, repositories, form handlers and
//! background jobs. Nothing here is compiled into the browser bundle.

pub mod accommodations;
pub mod account_forms;
pub mod accounts;
pub mod admin;
pub mod application_forms;
pub mod applications;
pub mod attempts;
pub mod audit;
pub mod auth;
pub mod bank;
pub mod calibration;
pub mod clock;
pub mod complaints;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod flash;
pub mod forms;
pub mod item_health;
pub mod jobs;
pub mod language;
pub mod passkeys;
pub mod registry;
pub mod rescoring;
pub mod results;
pub mod results_forms;
pub mod security;
pub mod seed_results;
pub mod session_store;
pub mod sign_in_limits;
pub mod startup;
pub mod statistics;
pub mod users;
pub mod workspace;
