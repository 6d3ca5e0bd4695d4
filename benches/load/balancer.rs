//! The load balancer in front of the servers, as the candidates' requests see it: each request
//! goes to one of the servers at random, and a server that refused a connection is left out for
//! a few seconds, as a balancer's health check would (a dead server is not sent half of all
//! requests until it returns). An error answer (a 5xx, say while the database is away) does not
//! take a server out: every server shares that database.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rand::RngExt;

/// How long a server that refused a connection is left out.
const LEFT_OUT: Duration = Duration::from_secs(3);

pub struct Balancer {
    servers: Vec<String>,
    /// Per server, until when it is left out, in milliseconds since `epoch`.
    out_until_ms: Vec<AtomicU64>,
    epoch: Instant,
}

impl Balancer {
    pub fn new(servers: Vec<String>) -> Balancer {
        Balancer {
            out_until_ms: servers.iter().map(|_| AtomicU64::new(0)).collect(),
            servers,
            epoch: Instant::now(),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// A server for the next request: any of those not left out, or any at all when every one
    /// is (the request then finds out whether one is back).
    pub fn pick(&self, rng: &mut impl rand::Rng) -> (usize, &str) {
        let now = self.now_ms();
        let up: Vec<usize> = (0..self.servers.len())
            .filter(|&k| self.out_until_ms[k].load(Ordering::Relaxed) <= now)
            .collect();
        let k = if up.is_empty() {
            rng.random_range(0..self.servers.len())
        } else {
            up[rng.random_range(0..up.len())]
        };
        (k, &self.servers[k])
    }

    /// Server `k` refused a connection.
    pub fn refused(&self, k: usize) {
        let until = self.now_ms() + u64::try_from(LEFT_OUT.as_millis()).unwrap_or(0);
        self.out_until_ms[k].fetch_max(until, Ordering::Relaxed);
    }
}
