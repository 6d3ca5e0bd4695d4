//! Command-line faces of the engine and the item bank (besides `serve`).

pub mod bank;
pub mod psychometrics;
