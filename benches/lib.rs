//! Shared pieces of Certamen's benches: simulated data sets drawn from a seeded ChaCha stream,
//! written as wide CSV so the peer packages (benches/peers) time the very same data.

pub mod simulate;
