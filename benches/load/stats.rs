//! Latency samples per request kind, and their percentiles.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

/// The kinds of request a simulated candidate makes.
pub const KINDS: [&str; 5] = ["sign_in", "start", "item", "save", "submit"];

#[derive(Default)]
pub struct Stats {
    inner: Mutex<BTreeMap<&'static str, Kind>>,
}

#[derive(Default, Clone)]
pub struct Kind {
    /// Microseconds of every answered request.
    pub micros: Vec<u64>,
    pub errors: u64,
    /// The first few errors, in words.
    pub samples: Vec<String>,
}

/// What a run measured for one kind.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Summary {
    pub kind: &'static str,
    pub count: usize,
    pub errors: u64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Stats {
    pub fn ok(&self, kind: &'static str, took: Duration) {
        let mut m = self.inner.lock().expect("stats lock");
        m.entry(kind)
            .or_default()
            .micros
            .push(u64::try_from(took.as_micros()).unwrap_or(u64::MAX));
    }

    pub fn error(&self, kind: &'static str, what: String) {
        let mut m = self.inner.lock().expect("stats lock");
        let k = m.entry(kind).or_default();
        k.errors += 1;
        if k.samples.len() < 5 {
            k.samples.push(what);
        }
    }

    pub fn error_samples(&self) -> Vec<(String, Vec<String>)> {
        let m = self.inner.lock().expect("stats lock");
        m.iter()
            .filter(|(_, k)| !k.samples.is_empty())
            .map(|(n, k)| (n.to_string(), k.samples.clone()))
            .collect()
    }

    pub fn summaries(&self) -> Vec<Summary> {
        let m = self.inner.lock().expect("stats lock");
        KINDS
            .iter()
            .map(|&kind| {
                let k = m.get(kind).cloned().unwrap_or_default();
                let mut v = k.micros;
                v.sort_unstable();
                let at = |q: f64| -> f64 {
                    if v.is_empty() {
                        return 0.0;
                    }
                    // Nearest rank: the smallest sample with at least q of them at or below it.
                    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
                    v[rank - 1] as f64 / 1000.0
                };
                Summary {
                    kind,
                    count: v.len(),
                    errors: k.errors,
                    p50_ms: at(0.50),
                    p95_ms: at(0.95),
                    p99_ms: at(0.99),
                    max_ms: v.last().map_or(0.0, |&m| m as f64 / 1000.0),
                }
            })
            .collect()
    }
}
