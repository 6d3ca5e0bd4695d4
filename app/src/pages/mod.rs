//! One module per page (STYLE.md: pages by feature), each with its components and the server
//! functions that load its data.

pub mod accommodations;
pub mod account;
pub mod admin_accounts;
pub mod application;
pub mod bank;
pub mod bank_edit;
pub mod bank_item;
pub mod break_page;
pub mod charts;
pub mod dashboard;
pub mod instructions;
pub mod item;
pub mod layout;
pub mod passkeys;
pub mod password;
pub mod print_button;
pub mod read_aloud;
pub mod registry;
pub mod report;
pub mod review;
pub mod settings;
pub mod signin;
pub mod staff_accommodations;
pub mod staff_applications;
pub mod staff_certifications;
pub mod staff_complaints;
pub mod staff_item_health;
pub mod staff_proposals;
pub mod staff_providers;
pub mod staff_rescoring;
pub mod staff_results;
pub mod staff_statistics;
pub mod timer;
