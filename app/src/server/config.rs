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
    /// Cookies marked Secure, and HSTS sent: whenever the site is reached over https
    /// (`public_url`). The scheme people use decides, not the bind address: a server on
    /// 0.0.0.0 behind plain HTTP would otherwise set cookies no browser sends back.
    pub secure_cookies: bool,
    /// Reverse proxies whose `Forwarded`/`X-Forwarded-For` name the client's address
    /// (`--trusted-proxies`); empty: the connection's peer is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub clock: Arc<dyn Clock>,
    pub max_connections: u32,
    /// The address people open the site at; passkeys are bound to its domain.
    pub public_url: String,
    /// Let staff and administrators use their pages after a password sign-in. Off: they
    /// must sign in with a passkey. Only for trying the app (`cargo xtask start` turns it on).
    pub staff_passwords: bool,
    /// Signed checkpoints of the audit log, kept outside the database (`audit_anchor`);
    /// `None`: none are made (tests that do not look at them).
    pub audit_anchor: Option<super::audit_anchor::AnchorConfig>,
    /// Where the outbox's mail goes (`mail`); `None`: it waits in the outbox (tests that do
    /// not look at mail).
    pub mail: Option<MailConfig>,
    /// Answer saves and page positions share commits (see `attempts::group_commit`). Off:
    /// each commits alone (kept to measure the difference).
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
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            clock: Arc::new(SystemClock),
            max_connections: 16,
            // A browser on this machine: localhost, which passkeys accept over plain HTTP.
            public_url: if addr.ip().is_loopback() {
                format!("http://localhost:{}", addr.port())
            } else {
                format!("http://{addr}")
            },
            staff_passwords: false,
            audit_anchor: None,
            mail: None,
            group_commit: true,
        }
    }

    /// The address people open the site at. A server bound to 127.0.0.1 behind a TLS proxy on
    /// the same host is reached over https, so its cookies must be Secure too.
    pub fn with_public_url(mut self, public_url: String) -> Self {
        self.secure_cookies = is_https(&public_url);
        self.public_url = public_url;
        self
    }
}

/// Where mail goes and who it is from.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `--smtp-url`; `None`: `.eml` files into `folder`.
    pub smtp_url: Option<String>,
    pub folder: PathBuf,
    /// `--mail-from`; `None`: `Certamen <no-reply@HOST>` for the public URL's host.
    pub from: Option<String>,
    /// How often the worker looks at the outbox.
    pub every: Duration,
}

pub fn is_https(public_url: &str) -> bool {
    public_url
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(addr: &str) -> Config {
        Config::new(addr.parse().unwrap(), "sqlite::memory:".into())
    }

    #[test]
    fn cookies_are_secure_exactly_when_people_use_https() {
        assert!(!config("127.0.0.1:3000").secure_cookies);
        assert!(!config("0.0.0.0:3000").secure_cookies);
        let proxied = config("127.0.0.1:3000").with_public_url("https://exam.example.org".into());
        assert!(proxied.secure_cookies);
        assert_eq!(proxied.public_url, "https://exam.example.org");
        let upper = config("127.0.0.1:3000").with_public_url("HTTPS://exam.example.org".into());
        assert!(upper.secure_cookies);
        let local = config("127.0.0.1:3000").with_public_url("http://localhost:3000".into());
        assert!(!local.secure_cookies);
        let open = config("10.0.0.5:3000").with_public_url("http://exam.internal".into());
        assert!(
            !open.secure_cookies,
            "a plain-HTTP site's cookies must come back"
        );
        let public = config("0.0.0.0:443").with_public_url("https://exam.example.org".into());
        assert!(public.secure_cookies);
    }
}
