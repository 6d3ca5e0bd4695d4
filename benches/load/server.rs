//! The servers under load: `certamen serve` processes started, killed (SIGKILL) and restarted
//! by the load generator, and their resident memory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// What a server logs unless told otherwise: problems, and the deadline finalizer's
/// submissions (the abandoned-attempt check counts them).
pub const DEFAULT_LOG: &str = "warn,certamen_app::server::attempts::finish=info";

pub struct Server {
    pub port: u16,
    /// More `certamen serve` options (`--no-group-commit`).
    pub extra: Vec<String>,
    /// The server's `RUST_LOG`.
    pub log_filter: String,
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
            log_filter: DEFAULT_LOG.to_string(),
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
            .env("RUST_LOG", &self.log_filter)
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

    /// The process's CPU time so far (user and system), from /proc; `None` once it has gone.
    pub fn cpu(&self) -> Option<Duration> {
        cpu_of(&format!("/proc/{}/stat", self.pid()?))
    }

    /// The process's CPU time so far by kind of thread (see [`threads_cpu`]); `None` once it
    /// has gone.
    pub fn cpu_by_thread(&self) -> Option<BTreeMap<String, Duration>> {
        threads_cpu(&format!("/proc/{}/task", self.pid()?))
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

/// User plus system CPU time of the process whose `/proc/.../stat` is at `path` (`/proc/self/stat`
/// for the load generator itself).
pub fn cpu_of(path: &str) -> Option<Duration> {
    cpu_in_stat(&std::fs::read_to_string(path).ok()?)
}

/// The CPU time so far of the threads under `task_dir` (`/proc/PID/task`), summed by kind: the
/// thread's name less a trailing `-N` (the async workers, SQLite's connection threads, the
/// password-hashing thread). A thread that ends while it is read is left out.
pub fn threads_cpu(task_dir: &str) -> Option<BTreeMap<String, Duration>> {
    let mut kinds = BTreeMap::new();
    for (_, kind, stat) in read_threads(task_dir, "stat")? {
        if let Some(cpu) = cpu_in_stat(&stat) {
            *kinds.entry(kind).or_default() += cpu;
        }
    }
    Some(kinds)
}

/// Each thread under `task_dir` (`/proc/PID/task`): its id, its kind (see [`thread_kind`]) and
/// the text of its file `file` (`stat`, `schedstat`); `None` when the directory cannot be
/// read (the process has gone). A thread that ends while it is read is left out.
pub(crate) fn read_threads(task_dir: &str, file: &str) -> Option<Vec<(u32, String, String)>> {
    let mut threads = Vec::new();
    for thread in std::fs::read_dir(task_dir).ok()?.flatten() {
        let path = thread.path();
        let Some(tid) = thread.file_name().to_str().and_then(|t| t.parse().ok()) else {
            continue;
        };
        if let (Ok(text), Ok(name)) = (
            std::fs::read_to_string(path.join(file)),
            std::fs::read_to_string(path.join("comm")),
        ) {
            threads.push((tid, thread_kind(name.trim()), text));
        }
    }
    Some(threads)
}

/// A thread's name without its number (`password-hashing-0` is `password-hashing`).
fn thread_kind(name: &str) -> String {
    match name.rsplit_once('-') {
        Some((kind, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => kind,
        _ => name,
    }
    .to_string()
}

/// Fields 14 and 15 of a `/proc/PID/stat` line, in clock ticks of 1/100 s (Linux's `USER_HZ`
/// on every architecture it exposes it for).
fn cpu_in_stat(stat: &str) -> Option<Duration> {
    // The command name (field 2) is in parentheses and may hold spaces and parentheses of its
    // own: count from after its last one.
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((user + system) * 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_is_user_plus_system_after_a_command_name_with_spaces() {
        let stat = "4242 (certamen (x) y) S 1 4242 4242 0 -1 4194560 9 0 0 0 1234 56 0 0 20 0 6 0 99 1000 200";
        assert_eq!(cpu_in_stat(stat), Some(Duration::from_millis(12_900)));
        assert_eq!(cpu_in_stat("4242 (cut short) S 1"), None);
    }

    #[test]
    fn threads_are_summed_by_their_name_less_its_number() {
        assert_eq!(thread_kind("password-hashing-0"), "password-hashing");
        assert_eq!(thread_kind("sqlx-sqlite-wor"), "sqlx-sqlite-wor");
        assert_eq!(thread_kind("tokio-rt-worker"), "tokio-rt-worker");
        assert_eq!(thread_kind("worker-"), "worker-");
        let ours = threads_cpu("/proc/self/task").expect("this process's threads");
        assert!(!ours.is_empty(), "at least the thread running this test");
        assert_eq!(threads_cpu("/proc/no-such-process/task"), None);
    }

    #[test]
    fn this_process_is_read_and_a_missing_one_is_none() {
        assert!(
            cpu_of("/proc/self/stat").is_some(),
            "a stat line for this process"
        );
        assert_eq!(cpu_of("/proc/no-such-process/stat"), None);
    }
}
