//! The servers under load: `certamen serve` processes started, killed (SIGKILL) and restarted
//! by the load generator, and their resident memory.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

pub struct Server {
    pub port: u16,
    /// More `certamen serve` options (`--no-group-commit`).
    pub extra: Vec<String>,
    bin: PathBuf,
    database_url: String,
    bank: Option<PathBuf>,
    log: PathBuf,
    child: Option<Child>,
}

impl Server {
    pub fn new(
        bin: &Path,
        database_url: &str,
        bank: Option<&Path>,
        log: PathBuf,
    ) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        Ok(Server {
            port,
            extra: Vec::new(),
            bin: bin.to_path_buf(),
            database_url: database_url.to_string(),
            bank: bank.map(Path::to_path_buf),
            log,
            child: None,
        })
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts the process (again, after a kill: same port, same database) and waits until it
    /// answers `/healthz`.
    pub async fn start(&mut self) -> anyhow::Result<()> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)?;
        let mut cmd = Command::new(&self.bin);
        cmd.args([
            "serve",
            "--demo",
            "--demo-password",
            "load-test-password",
            "--addr",
        ])
        .arg(format!("127.0.0.1:{}", self.port))
        .arg("--database-url")
        .arg(&self.database_url)
        .arg("--site-root")
        .arg(std::env::temp_dir().join("certamen-load-no-bundle"));
        cmd.args(&self.extra);
        if let Some(bank) = &self.bank {
            cmd.arg("--bank").arg(bank);
        }
        let child = cmd
            .env(
                "RUST_LOG",
                "warn,certamen_app::server::attempts::finish=info",
            )
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log))
            .spawn()
            .with_context(|| format!("cannot start {}", self.bin.display()))?;
        self.child = Some(child);
        let client = reqwest::Client::new();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(120) {
            if let Ok(r) = client.get(format!("{}/healthz", self.base())).send().await {
                if r.status().is_success() {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!(
            "the server on port {} did not come up (see {})",
            self.port,
            self.log.display()
        )
    }

    /// SIGKILL: no shutdown, no flush, as a crash.
    pub fn kill(&mut self) -> anyhow::Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill()?;
            child.wait()?;
        }
        Ok(())
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Resident memory in KiB, from /proc.
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()?)).ok()?;
        status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.kill();
    }
}
