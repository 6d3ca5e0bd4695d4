//! Server configuration, filled from the command line (or by tests).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::clock::{Clock, SystemClock};

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub database_url: String,
    /// Load the sample bank and create demo accounts.
    pub demo: bool,
    /// Demo accounts get this password; a random one each start when `None`.
    pub demo_password: Option<String>,
    /// The bank folder loaded at start.
    pub bank_dir: PathBuf,
    /// Where the built client bundle lives (`<site_root>/pkg`).
    pub site_root: PathBuf,
    /// How often the deadline finalizer and heartbeat run.
    pub jobs_every: Duration,
    /// Silence longer than this between heartbeats is treated as downtime and credited in
    /// full. Two heartbeats: a live server (any of several) never leaves a longer gap, and a
    /// crash that kept candidates out for longer gets all of it back (30 s, as it was, left a
    /// 20 s crash uncredited: found by certamen-load).
    pub downtime_threshold: Duration,
    /// Cookies marked Secure (on for anything but localhost over plain HTTP).
    pub secure_cookies: bool,
    pub clock: Arc<dyn Clock>,
    pub max_connections: u32,
    /// The address people open the site at; passkeys are bound to its domain.
    pub public_url: String,
    /// Let staff and administrators use their pages after a password sign-in. Off: they
    /// must sign in with a passkey. Only for trying the app (`cargo xtask start` turns it on).
    pub staff_passwords: bool,
    /// SQLite: answer saves share commits (see `attempts::group_commit`). Off: each save
    /// commits alone (kept to measure the difference).
    pub group_commit: bool,
}

impl Config {
    pub fn new(addr: SocketAddr, database_url: String) -> Self {
        Self {
            addr,
            database_url,
            demo: false,
            demo_password: None,
            bank_dir: certamen_item_bank::sample_bank_dir(),
            site_root: PathBuf::from("target/site"),
            jobs_every: Duration::from_secs(5),
            downtime_threshold: Duration::from_secs(10),
            secure_cookies: !addr.ip().is_loopback(),
            clock: Arc::new(SystemClock),
            max_connections: 16,
            // A browser on this machine: localhost, which passkeys accept over plain HTTP.
            public_url: if addr.ip().is_loopback() {
                format!("http://localhost:{}", addr.port())
            } else {
                format!("http://{addr}")
            },
            staff_passwords: false,
            group_commit: true,
        }
    }
}
