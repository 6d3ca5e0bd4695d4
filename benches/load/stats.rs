//! Latency samples per request kind, and their percentiles.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The kinds of request a simulated candidate makes.
pub const KINDS: [&str; 8] = [
    "sign_in", "start", "item", "save", "next", "break", "review", "submit",
];

/// The window of the busiest-stretch throughput.
pub const WINDOW_S: u64 = 10;

pub struct Stats {
    inner: Mutex<BTreeMap<&'static str, Kind>>,
    /// Server-error answers by HTTP status: 503 is the server saying its database cannot be
    /// reached (expected in an outage), any other is a fault.
    server_errors: Mutex<BTreeMap<u16, u64>>,
    epoch: Instant,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            inner: Mutex::default(),
            server_errors: Mutex::default(),
            epoch: Instant::now(),
        }
    }
}

#[derive(Default, Clone)]
pub struct Kind {
    /// Microseconds of every answered request.
    pub micros: Vec<u64>,
    /// When each was answered, in milliseconds since the run began.
    pub done_ms: Vec<u64>,
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
    /// Answered per second over the busiest 10 seconds of the run (the whole-run rate also
    /// counts the arrival and the last candidates finishing).
    pub busiest_per_s: f64,
}

impl Stats {
    pub fn ok(&self, kind: &'static str, took: Duration) {
        let done = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        let mut m = self.inner.lock().expect("stats lock");
        let k = m.entry(kind).or_default();
        k.micros
            .push(u64::try_from(took.as_micros()).unwrap_or(u64::MAX));
        k.done_ms.push(done);
    }

    pub fn error(&self, kind: &'static str, what: String) {
        let mut m = self.inner.lock().expect("stats lock");
        let k = m.entry(kind).or_default();
        k.errors += 1;
        if k.samples.len() < 5 {
            k.samples.push(what);
        }
    }

    pub fn server_error(&self, status: u16) {
        *self
            .server_errors
            .lock()
            .expect("stats lock")
            .entry(status)
            .or_default() += 1;
    }

    pub fn server_errors(&self) -> BTreeMap<u16, u64> {
        self.server_errors.lock().expect("stats lock").clone()
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
                let at = |q: f64| nearest_rank(&v, q);
                Summary {
                    kind,
                    count: v.len(),
                    errors: k.errors,
                    p50_ms: at(0.50),
                    p95_ms: at(0.95),
                    p99_ms: at(0.99),
                    max_ms: v.last().map_or(0.0, |&m| m as f64 / 1000.0),
                    busiest_per_s: busiest(k.done_ms) as f64 / WINDOW_S as f64,
                }
            })
            .collect()
    }
}

/// One `WINDOW_S`-second stretch of the run: the saves answered in it with their latency, and
/// the sign-ins answered in it (while candidates still sign in, a core hashes passwords).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Stretch {
    pub from_s: u64,
    pub saves: usize,
    pub save_p50_ms: f64,
    pub save_p99_ms: f64,
    pub sign_ins: usize,
}

impl Stats {
    /// The run in `WINDOW_S`-second stretches, by when each request was answered.
    pub fn timeline(&self) -> Vec<Stretch> {
        let m = self.inner.lock().expect("stats lock");
        let none = Kind::default();
        let save = m.get("save").unwrap_or(&none);
        let saves = by_stretch(&save.done_ms, save.micros.iter().copied());
        let sign_in = m.get("sign_in").unwrap_or(&none);
        let sign_ins = by_stretch(&sign_in.done_ms, std::iter::repeat(0));
        let len = saves.len().max(sign_ins.len());
        (0..len)
            .map(|at| {
                let mut v = saves.get(at).cloned().unwrap_or_default();
                v.sort_unstable();
                Stretch {
                    from_s: at as u64 * WINDOW_S,
                    saves: v.len(),
                    save_p50_ms: nearest_rank(&v, 0.50),
                    save_p99_ms: nearest_rank(&v, 0.99),
                    sign_ins: sign_ins.get(at).map_or(0, Vec::len),
                }
            })
            .collect()
    }
}

/// `values` (one per answer, answered at `done_ms`) grouped by `WINDOW_S`-second stretch.
fn by_stretch(done_ms: &[u64], values: impl Iterator<Item = u64>) -> Vec<Vec<u64>> {
    let mut out: Vec<Vec<u64>> = Vec::new();
    for (&done, value) in done_ms.iter().zip(values) {
        let at = usize::try_from(done / (WINDOW_S * 1000)).unwrap_or(usize::MAX);
        if out.len() <= at {
            out.resize(at + 1, Vec::new());
        }
        out[at].push(value);
    }
    out
}

/// The smallest of the sorted microsecond samples `v` with at least `q` of them at or below
/// it, in milliseconds (nearest rank); 0 for no samples.
fn nearest_rank(v: &[u64], q: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1] as f64 / 1000.0
}

/// The most answers within any `WINDOW_S` seconds.
fn busiest(mut done_ms: Vec<u64>) -> usize {
    done_ms.sort_unstable();
    let mut best = 0;
    let mut first = 0;
    for (last, &t) in done_ms.iter().enumerate() {
        while t - done_ms[first] >= WINDOW_S * 1000 {
            first += 1;
        }
        best = best.max(last + 1 - first);
    }
    best
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_busiest_window_counts_the_densest_ten_seconds() {
        // 5 answers in the first second, 3 spread later, 12 within 9.9 s at the end.
        let mut t: Vec<u64> = vec![0, 100, 200, 300, 400, 15_000, 30_000, 45_000];
        t.extend((0..12).map(|k| 60_000 + k * 900));
        assert_eq!(super::busiest(t), 12);
        assert_eq!(super::busiest(Vec::new()), 0);
        // Exactly 10 s apart are two windows.
        assert_eq!(super::busiest(vec![0, 10_000]), 1);
    }

    #[test]
    fn the_timeline_puts_each_answer_in_its_ten_seconds() {
        let stats = super::Stats::default();
        {
            let mut m = stats.inner.lock().unwrap();
            let save = m.entry("save").or_default();
            // Three saves in the first stretch (1, 2 and 100 ms), one in the third.
            save.done_ms = vec![10, 9_999, 5_000, 25_000];
            save.micros = vec![1_000, 2_000, 100_000, 7_000];
            m.entry("sign_in").or_default().done_ms = vec![0, 10_000];
        }
        let t = stats.timeline();
        assert_eq!(t.len(), 3);
        assert_eq!((t[0].from_s, t[0].saves, t[0].sign_ins), (0, 3, 1));
        assert_eq!((t[0].save_p50_ms, t[0].save_p99_ms), (2.0, 100.0));
        assert_eq!((t[1].saves, t[1].sign_ins, t[1].save_p99_ms), (0, 1, 0.0));
        assert_eq!((t[2].from_s, t[2].saves, t[2].save_p50_ms), (20, 1, 7.0));
    }
}
