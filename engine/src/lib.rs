//! certamen-engine: the psychometrics and delivery rules of Certamen.
//!
//! Pure by design (DESIGN.md): no I/O, no clock, no async, no database, no web. Time comes in as
//! numbers, randomness as `&mut impl Rng`, so every decision can be replayed from stored inputs.

pub mod blueprint;
pub mod cat;
pub mod classical;
pub mod dif;
pub mod form;
pub mod irt;
pub mod random;
pub mod reporting;
pub mod scoring;
pub mod timing;
