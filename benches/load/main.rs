//! `certamen-load`: exam day at 9:00, on this machine. Starts `certamen serve` (one or two
//! processes on one database), makes N candidate accounts, and runs N simulated candidates at
//! once over real HTTP: each signs in, starts an attempt, reads every question, saves answers
//! with think time and submits. It reports throughput and latency percentiles per request kind
//! and errors, samples the server's memory, and at the end checks every acknowledged answer in
//! the database. Faults on demand: SIGKILL the server mid-run and restart it, kill one of two
//! servers for good, or cut the database off for some seconds (PostgreSQL, through a proxy).
//!
//! Build it and the server in release mode, then e.g.:
//!
//! ```text
//! cargo build --release -p certamen-app --bin certamen -p certamen-benches --bin certamen-load
//! target/release/certamen-load --candidates 2000
//! ```

mod balancer;
mod candidate;
mod proxy;
mod sched;
mod server;
mod stats;
mod verify;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;

use candidate::{Outcome, Plan};
use server::Server;
use stats::Stats;

#[derive(Parser, Debug)]
#[command(
    name = "certamen-load",
    about = "Exam day under load, with faults on demand"
)]
struct Args {
    /// Simulated candidates, all at once.
    #[arg(long, default_value_t = 2000)]
    candidates: u32,
    /// Questions each candidate answers before submitting (the exam has 120).
    #[arg(long, default_value_t = 120)]
    questions: u32,
    /// Saves per question: the first answer, then changes of mind.
    #[arg(long, default_value_t = 2)]
    saves_per_item: u32,
    /// Mean think time before each save, in milliseconds (uniform, ±50 %).
    #[arg(long, default_value_t = 1000)]
    think_ms: u64,
    /// Seconds over which the candidates arrive.
    #[arg(long, default_value_t = 20)]
    ramp_s: u64,
    /// sqlite:FILE (default: a fresh file in the temporary folder) or postgres://.../DB (a
    /// fresh database is created there and dropped after).
    #[arg(long)]
    database_url: Option<String>,
    /// The server binary.
    #[arg(long)]
    server_bin: Option<PathBuf>,
    /// Servers on the one database; each request goes to one of them at random.
    #[arg(long, default_value_t = 1)]
    servers: usize,
    /// SIGKILL the (first) server this many seconds into the run, then restart it.
    #[arg(long)]
    kill_at_s: Option<u64>,
    /// How long the killed server stays down before the restart.
    #[arg(long, default_value_t = 35)]
    down_s: u64,
    /// With two servers: SIGKILL the second this many seconds in, for good.
    #[arg(long)]
    kill_second_at_s: Option<u64>,
    /// Cut the database off (PostgreSQL only) this many seconds into the run...
    #[arg(long)]
    db_outage_at_s: Option<u64>,
    /// ...for this many seconds.
    #[arg(long, default_value_t = 8)]
    db_outage_s: u64,
    /// Share of candidates who leave without submitting; with `--time-limit-minutes`, the
    /// deadline finalizer must submit each of them exactly once.
    #[arg(long, default_value_t = 0.0)]
    abandon: f64,
    /// Run the exam with this time limit (a copy of the sample bank), to see deadlines pass.
    #[arg(long)]
    time_limit_minutes: Option<u32>,
    /// Candidates sign in over this many seconds before the exam opens (check-in) and wait on
    /// their dashboard; the exam then opens and they start it within `--ramp-s`. Without it
    /// (0) each candidate signs in and starts at once, all within `--ramp-s`: the sign-ins'
    /// password hashing meets the exam's first minutes. The whole-run saves per second count
    /// from the exam's opening.
    #[arg(long, default_value_t = 0)]
    check_in_s: u64,
    /// Candidates move on by posting the question form's Next, as a browser without script
    /// does, rather than loading the next page directly once their answer is acknowledged, as
    /// the page's script does (one request fewer per question).
    #[arg(long)]
    next_by_form: bool,
    /// Servers commit each save alone (SQLite), to compare with shared commits.
    #[arg(long)]
    no_group_commit: bool,
    /// The servers' `RUST_LOG` (their logs are in the run's folder), e.g. to see the group
    /// commit's batches: `warn,certamen_app::server::attempts::group_commit=debug`. The
    /// deadline finalizer's submissions must stay at info for `--abandon` to count them.
    #[arg(long, default_value = server::DEFAULT_LOG)]
    server_log: String,
    /// Write the figures as JSON here too.
    #[arg(long)]
    report: Option<PathBuf>,
    /// The load generator's own threads. It shares the machine's cores with the server(s) it
    /// measures: one thread spent 0.93x the CPU of two for the same 2,000-candidate run (no
    /// hand-offs between its own threads), which leaves the server a little more of the machine.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=64))]
    client_threads: u16,
}

const PASSWORD: &str = "load test password";

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"))
}

/// A fresh database for the run: its URL, and what to drop afterwards.
async fn fresh_database(
    asked: Option<&str>,
    work: &std::path::Path,
) -> anyhow::Result<(String, Option<(String, String)>)> {
    match asked {
        Some(url) if url.starts_with("postgres") => {
            sqlx::any::install_default_drivers();
            let name = format!("certamen_load_{}", std::process::id());
            let admin = sqlx::AnyPool::connect(url).await.context("PostgreSQL")?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                .execute(&admin)
                .await?;
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await?;
            admin.close().await;
            let base = url
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or_default();
            Ok((format!("{base}/{name}"), Some((url.to_string(), name))))
        }
        Some(url) => Ok((url.to_string(), None)),
        None => Ok((format!("sqlite:{}", work.join("load.db").display()), None)),
    }
}

/// A copy of the sample bank whose exam has another time limit.
fn bank_with_limit(minutes: u32, work: &std::path::Path) -> anyhow::Result<PathBuf> {
    let from = certamen_item_bank::sample_bank_dir();
    let to = work.join("bank");
    for folder in ["items", "sets", "practice"] {
        std::fs::create_dir_all(to.join(folder))?;
        for entry in std::fs::read_dir(from.join(folder))? {
            let path = entry?.path();
            std::fs::copy(
                &path,
                to.join(folder).join(path.file_name().context("name")?),
            )?;
        }
    }
    let exam = std::fs::read_to_string(from.join("exam.toml"))?;
    anyhow::ensure!(
        exam.contains("time_limit_minutes = 150"),
        "the sample exam's time limit moved"
    );
    std::fs::write(
        to.join("exam.toml"),
        exam.replacen(
            "time_limit_minutes = 150",
            &format!("time_limit_minutes = {minutes}"),
            1,
        ),
    )?;
    Ok(to)
}

/// The candidates' accounts, each with an approved application, straight in the database
/// (one password hash for all: signing in still verifies it on every sign-in).
async fn make_candidates(database_url: &str, n: u32) -> anyhow::Result<Vec<String>> {
    use certamen_app::server::{auth, db::Db, demo, users};
    let db = Db::connect(database_url, 4).await?;
    let hash = auth::hash_password(PASSWORD.into()).await?;
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis(),
    )?;
    let mut emails = Vec::with_capacity(n as usize);
    for k in 0..n {
        let email = format!("load{k:05}@load.certamen.test");
        users::upsert(
            &db,
            &email,
            &format!("Load Candidate {k:05}"),
            certamen_app::dto::Role::Candidate,
            &hash,
            now,
        )
        .await?;
        let (user, _) = users::find_for_sign_in(&db, &email)
            .await?
            .context("the account just made")?;
        demo::approved_application(&db, user.id, now).await?;
        emails.push(email);
    }
    db.pool.close().await;
    Ok(emails)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(usize::from(args.client_threads))
        .enable_all()
        .build()?
        .block_on(run(args))
}

async fn run(args: Args) -> anyhow::Result<()> {
    let work = std::env::temp_dir().join(format!("certamen-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let bin = args
        .server_bin
        .clone()
        .unwrap_or_else(|| target_dir().join("release").join("certamen"));
    anyhow::ensure!(
        bin.exists(),
        "no server binary at {} (cargo build --release -p certamen-app --bin certamen)",
        bin.display()
    );
    let (database_url, drop_after) = fresh_database(args.database_url.as_deref(), &work).await?;
    // The servers reach PostgreSQL through a proxy when an outage is asked for.
    let (server_url, proxy) = match args.db_outage_at_s {
        Some(_) => {
            anyhow::ensure!(
                database_url.starts_with("postgres"),
                "--db-outage-at-s needs PostgreSQL"
            );
            let p = proxy::Proxy::start(&database_url).await?;
            (p.url(&database_url), Some(p))
        }
        None => (database_url.clone(), None),
    };
    let bank = args
        .time_limit_minutes
        .map(|m| bank_with_limit(m, &work))
        .transpose()?;
    let mut servers = Vec::new();
    for k in 0..args.servers.max(1) {
        let mut s = Server::new(
            &bin,
            &server_url,
            bank.as_deref(),
            work.join(format!("server-{k}.log")),
        )?;
        if args.no_group_commit {
            s.extra.push("--no-group-commit".into());
        }
        s.log_filter.clone_from(&args.server_log);
        s.start().await?;
        servers.push(s);
    }
    eprintln!(
        "certamen-load: {} server(s) on {}; logs in {}",
        servers.len(),
        redact(&database_url),
        work.display()
    );
    let emails = make_candidates(&database_url, args.candidates).await?;
    let idle_kib = servers[0].rss_kib().unwrap_or(0);

    // CPU from here to the last candidate's end: what the crowd cost the servers and this
    // generator (the accounts made above are left out). A server killed and restarted counts
    // only from its restart, so runs with a kill report none.
    let cpu_before = (servers_cpu(&servers), server::cpu_of("/proc/self/stat"));
    let threads_before = servers_cpu_by_thread(&servers);
    let plan = Arc::new(Plan {
        servers: Arc::new(balancer::Balancer::new(
            servers.iter().map(Server::base).collect(),
        )),
        password: PASSWORD.into(),
        questions: args.questions,
        saves_per_item: args.saves_per_item,
        think: Duration::from_millis(args.think_ms),
        start_at: None,
        next_by_form: args.next_by_form,
        patience: Duration::from_secs(args.down_s + 60),
        abandon: false,
    });
    let stats = Arc::new(Stats::default());
    let started = Instant::now();
    // Where the CPU went, per stretch of the timeline (`sched.rs`).
    let mut sampler = sched::Sampler::default();
    let server_pids = |servers: &[Server]| servers.iter().map(Server::pid).collect::<Vec<_>>();
    sampler.take(0, started.elapsed().as_secs_f64(), &server_pids(&servers));
    let mut tasks = Vec::new();
    let abandon_every = if args.abandon > 0.0 {
        (1.0 / args.abandon).round() as u32
    } else {
        0
    };
    let active = Arc::new(std::sync::atomic::AtomicI64::new(0));
    for (k, email) in emails.into_iter().enumerate() {
        let k = u32::try_from(k).unwrap_or(u32::MAX);
        let mut p = Plan {
            ..clone_plan(&plan)
        };
        p.abandon = abandon_every > 0 && k % abandon_every == 0;
        let spread = |s: u64| {
            Duration::from_millis(s * 1000 * u64::from(k) / u64::from(args.candidates.max(1)))
        };
        let delay = if args.check_in_s > 0 {
            p.start_at = Some(
                tokio::time::Instant::from_std(started)
                    + Duration::from_secs(args.check_in_s)
                    + spread(args.ramp_s),
            );
            spread(args.check_in_s)
        } else {
            spread(args.ramp_s)
        };
        let (p, stats, active) = (Arc::new(p), stats.clone(), active.clone());
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            candidate::sit(email, 7_000 + u64::from(k), p, stats, active).await
        }));
    }

    // Watch the run: memory, and the faults asked for, at their times.
    let mut peak = (0u64, 0i64);
    // The most memory while the most candidates were in their attempts at once.
    let mut fullest = (0u64, 0i64);
    let mut killed = false;
    let mut second_killed = false;
    let mut outage_done = false;
    while !tasks.iter().all(|t| t.is_finished()) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let t = started.elapsed().as_secs();
        let next_sample = sampler.taken() as u64 * stats::WINDOW_S;
        if t >= next_sample {
            sampler.take(
                next_sample,
                started.elapsed().as_secs_f64(),
                &server_pids(&servers),
            );
        }
        let now_active = active.load(std::sync::atomic::Ordering::Relaxed);
        if let Some(rss) = servers[0].rss_kib() {
            if rss > peak.0 {
                peak = (rss, now_active);
            }
            if now_active > fullest.1 || (now_active == fullest.1 && rss > fullest.0) {
                fullest = (rss, now_active);
            }
        }
        if args.kill_at_s.is_some_and(|at| t >= at) && !killed {
            killed = true;
            eprintln!("certamen-load: SIGKILL to the server at {t} s ({now_active} candidates in the exam)");
            servers[0].kill()?;
            tokio::time::sleep(Duration::from_secs(args.down_s)).await;
            servers[0].start().await?;
            eprintln!(
                "certamen-load: server restarted at {} s",
                started.elapsed().as_secs()
            );
        }
        if args.kill_second_at_s.is_some_and(|at| t >= at) && !second_killed && servers.len() > 1 {
            second_killed = true;
            eprintln!("certamen-load: SIGKILL to the second server at {t} s, for good");
            servers[1].kill()?;
        }
        if let (Some(at), Some(p)) = (args.db_outage_at_s, &proxy) {
            if t >= at && !outage_done {
                outage_done = true;
                eprintln!(
                    "certamen-load: the database is cut off at {t} s for {} s",
                    args.db_outage_s
                );
                p.cut(Duration::from_secs(args.db_outage_s)).await;
                eprintln!(
                    "certamen-load: the database is back at {} s",
                    started.elapsed().as_secs()
                );
            }
        }
    }
    let elapsed = started.elapsed();
    sampler.take(
        elapsed.as_secs(),
        elapsed.as_secs_f64(),
        &server_pids(&servers),
    );
    // The exam's own time: from its opening, after any check-in.
    let exam_elapsed = elapsed.saturating_sub(Duration::from_secs(args.check_in_s));
    let killed_any = killed || second_killed;
    let cpu_after = (servers_cpu(&servers), server::cpu_of("/proc/self/stat"));
    let threads_after = servers_cpu_by_thread(&servers);
    let cpu_s = |before: Option<Duration>, after: Option<Duration>| match (before, after) {
        (Some(b), Some(a)) if !killed_any => Some(a.saturating_sub(b).as_secs_f64()),
        _ => None,
    };
    let cpu = serde_json::json!({
        "servers_s": cpu_s(cpu_before.0, cpu_after.0),
        "load_generator_s": cpu_s(cpu_before.1, cpu_after.1),
        // The servers' share by kind of thread (async workers, SQLite's connection threads,
        // password hashing), summed over the servers.
        "servers_by_thread_s": match (threads_before, threads_after) {
            (Some(before), Some(after)) if !killed_any => Some(
                after
                    .into_iter()
                    .map(|(kind, cpu)| {
                        let spent = cpu.saturating_sub(before.get(&kind).copied().unwrap_or_default());
                        (kind, spent.as_secs_f64())
                    })
                    .collect::<BTreeMap<_, _>>(),
            ),
            _ => None,
        },
        "client_threads": args.client_threads,
    });
    // A fault asked for but never made (the candidates finished first) proves nothing.
    let missed: Vec<&str> = [
        (args.kill_at_s.is_some() && !killed, "--kill-at-s"),
        (
            args.kill_second_at_s.is_some() && servers.len() > 1 && !second_killed,
            "--kill-second-at-s",
        ),
        (
            args.db_outage_at_s.is_some() && !outage_done,
            "--db-outage-at-s",
        ),
    ]
    .into_iter()
    .filter_map(|(missed, flag)| missed.then_some(flag))
    .collect();
    if !missed.is_empty() {
        anyhow::bail!(
            "the candidates finished after {} s, before the fault asked for by {}: make it earlier",
            elapsed.as_secs(),
            missed.join(", ")
        );
    }
    let mut outcomes: Vec<Outcome> = Vec::new();
    for t in tasks {
        outcomes.push(t.await?);
    }
    // Abandoned attempts: wait for the last of their deadlines (an attempt started late ends
    // late), then two rounds of the finalizer.
    if args.abandon > 0.0 {
        let latest = latest_open_deadline_ms(&database_url).await?;
        let now_ms = i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_millis(),
        )?;
        let wait = Duration::from_millis(u64::try_from(latest - now_ms).unwrap_or(0))
            + Duration::from_secs(15);
        eprintln!(
            "certamen-load: waiting {} s for the abandoned attempts' deadlines",
            wait.as_secs()
        );
        tokio::time::sleep(wait).await;
    }
    let verdict = verify::verify(&database_url, &outcomes).await?;
    let server_errors = stats.server_errors();
    let faults = verify_faults(&database_url, &outcomes, &work, &args, &server_errors).await?;
    let summaries = stats.summaries();
    let saves = summaries
        .iter()
        .find(|s| s.kind == "save")
        .map_or(0, |s| s.count);
    let failures: Vec<String> = outcomes
        .iter()
        .filter_map(|o| o.failure.as_ref().map(|f| format!("{}: {f}", o.email)))
        .collect();
    let per_1000 = if fullest.1 > 0 {
        (fullest.0.saturating_sub(idle_kib)) as f64 / 1024.0 / fullest.1 as f64 * 1000.0
    } else {
        0.0
    };
    let report = serde_json::json!({
        "candidates": args.candidates, "questions": args.questions, "saves_per_item": args.saves_per_item,
        "think_ms": args.think_ms, "next_by_form": args.next_by_form, "servers": args.servers, "group_commit": !args.no_group_commit, "database": if database_url.starts_with("postgres") { "postgres" } else { "sqlite" },
        "seconds": elapsed.as_secs_f64(), "check_in_s": args.check_in_s, "acknowledged_saves_per_second": saves as f64 / exam_elapsed.as_secs_f64(),
        "kinds": summaries, "timeline": stats.timeline(), "cpu_timeline": sampler.stretches(), "verification": verdict, "faults": faults,
        "failed_candidates": failures.len(), "failure_examples": failures.iter().take(5).collect::<Vec<_>>(),
        "error_examples": stats.error_samples(),
        "server_errors_by_status": server_errors.iter().map(|(k, v)| (k.to_string(), *v)).collect::<BTreeMap<_, _>>(),
        "cpu": cpu,
        "memory": { "idle_mib": idle_kib as f64 / 1024.0, "peak_mib": peak.0 as f64 / 1024.0, "most_active": fullest.1, "mib_at_most_active": fullest.0 as f64 / 1024.0, "mib_per_1000_attempts": per_1000 },
    });
    print_report(&report);
    if let Some(path) = &args.report {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)?;
    }
    drop(servers);
    if let Some((admin, name)) = drop_after {
        let pool = sqlx::AnyPool::connect(&admin).await?;
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&pool)
            .await;
    }
    let ok = verdict.lost == 0
        && verdict.wrong == 0
        && failures.is_empty()
        && faults
            .get("problems")
            .and_then(|p| p.as_array())
            .is_none_or(|p| p.is_empty());
    if !ok {
        anyhow::bail!("the run found problems (see above)");
    }
    Ok(())
}

/// The latest deadline of an attempt still open (0 when none is), in the servers' clock.
async fn latest_open_deadline_ms(database_url: &str) -> anyhow::Result<i64> {
    use sqlx::Row;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(database_url).await?;
    let row = sqlx::query(
        "SELECT COALESCE(MAX(deadline_at), 0) AS latest FROM attempts WHERE status = 'in_progress'",
    )
    .fetch_one(&pool)
    .await?;
    pool.close().await;
    Ok(row.try_get("latest")?)
}

/// The CPU time of every server so far; `None` when one is not running.
fn servers_cpu(servers: &[Server]) -> Option<Duration> {
    servers.iter().map(Server::cpu).sum()
}

/// The CPU time of every server so far by kind of thread, summed over the servers; `None` when
/// one is not running.
fn servers_cpu_by_thread(servers: &[Server]) -> Option<BTreeMap<String, Duration>> {
    let mut kinds = BTreeMap::new();
    for server in servers {
        for (kind, cpu) in server.cpu_by_thread()? {
            *kinds.entry(kind).or_insert(Duration::ZERO) += cpu;
        }
    }
    Some(kinds)
}

fn clone_plan(p: &Plan) -> Plan {
    Plan {
        servers: p.servers.clone(),
        password: p.password.clone(),
        questions: p.questions,
        saves_per_item: p.saves_per_item,
        think: p.think,
        start_at: p.start_at,
        next_by_form: p.next_by_form,
        patience: p.patience,
        abandon: p.abandon,
    }
}

fn redact(url: &str) -> String {
    certamen_app::server::db::redact(url)
}

/// Outages longer than this are credited to the candidates' clocks (the server's downtime
/// threshold, two heartbeats).
const CREDITED_AFTER_S: u64 = 10;

/// What the faults must not have broken: downtime credited after a kill or a database outage
/// long enough to count, every request refused in a database outage refused as "unavailable"
/// (503, which the candidate's page repeats) rather than as a server fault, every abandoned
/// attempt submitted once by the deadline, and (in every server's log) no attempt submitted twice.
async fn verify_faults(
    database_url: &str,
    outcomes: &[Outcome],
    work: &std::path::Path,
    args: &Args,
    server_errors: &BTreeMap<u16, u64>,
) -> anyhow::Result<serde_json::Value> {
    use sqlx::Row;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(database_url).await?;
    let mut problems: Vec<String> = Vec::new();
    let mut facts = serde_json::Map::new();
    if args.db_outage_at_s.is_some() {
        let faults: u64 = server_errors
            .iter()
            .filter(|(status, _)| **status != 503)
            .map(|(_, n)| n)
            .sum();
        if faults > 0 {
            problems.push(format!(
                "{faults} requests answered with a server fault rather than 503 around the database outage: {server_errors:?}"
            ));
        }
        facts.insert(
            "unavailable_answers".into(),
            server_errors.get(&503).copied().unwrap_or(0).into(),
        );
    }
    let credited_outage = args
        .kill_at_s
        .is_some_and(|_| args.down_s > CREDITED_AFTER_S)
        || args
            .db_outage_at_s
            .is_some_and(|_| args.db_outage_s > CREDITED_AFTER_S);
    if credited_outage {
        let outages = sqlx::query("SELECT began_at, ended_at, credited_attempts FROM outages")
            .fetch_all(&pool)
            .await?;
        let credited: i64 = sqlx::query("SELECT COUNT(*) AS n FROM attempts WHERE credited_ms > 0")
            .fetch_one(&pool)
            .await?
            .try_get("n")?;
        match outages.first() {
            None => problems.push("no outage was recorded".into()),
            Some(o) => {
                let gap: i64 =
                    o.try_get::<i64, _>("ended_at")? - o.try_get::<i64, _>("began_at")?;
                facts.insert("outage_ms".into(), gap.into());
                facts.insert("attempts_credited".into(), credited.into());
                if credited == 0 {
                    problems.push("the outage was credited to no attempt".into());
                }
            }
        }
    }
    if args.abandon > 0.0 {
        let abandoned: Vec<&str> = outcomes
            .iter()
            .filter(|o| !o.submitted && o.failure.is_none())
            .filter_map(|o| o.attempt.as_deref())
            .collect();
        let mut logs = String::new();
        for entry in std::fs::read_dir(work)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "log") {
                logs.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
        let mut by_deadline = 0;
        for id in &abandoned {
            let row = sqlx::query("SELECT status, submitted_by FROM attempts WHERE id = $1")
                .bind(*id)
                .fetch_one(&pool)
                .await?;
            let (status, by): (String, Option<String>) =
                (row.try_get("status")?, row.try_get("submitted_by")?);
            if status != "submitted" || by.as_deref() != Some("deadline") {
                problems.push(format!("abandoned attempt {id}: {status}, by {by:?}"));
            }
            let submitted_lines = logs
                .lines()
                .filter(|l| l.contains("attempt submitted") && l.contains(id))
                .count();
            if submitted_lines != 1 {
                problems.push(format!(
                    "attempt {id} was submitted {submitted_lines} times in the servers' logs"
                ));
            }
            by_deadline += 1;
        }
        facts.insert("abandoned_submitted_by_deadline".into(), by_deadline.into());
    }
    pool.close().await;
    facts.insert("problems".into(), problems.into());
    Ok(serde_json::Value::Object(facts))
}

fn print_report(r: &serde_json::Value) {
    println!(
        "\n{} candidates, {} questions, {} saves per question, think {} ms, {} server(s), {}: {:.1} s",
        r["candidates"], r["questions"], r["saves_per_item"], r["think_ms"], r["servers"], r["database"].as_str().unwrap_or(""), r["seconds"].as_f64().unwrap_or(0.0)
    );
    println!(
        "{:<8} {:>8} {:>7} {:>8} {:>8} {:>8} {:>8}",
        "kind", "count", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    println!("(errors: requests answered with a network or server error, each then sent again)");
    for k in r["kinds"].as_array().into_iter().flatten() {
        println!(
            "{:<8} {:>8} {:>7} {:>8.1} {:>8.1} {:>8.1} {:>8.1}",
            k["kind"].as_str().unwrap_or(""),
            k["count"].as_u64().unwrap_or(0),
            k["errors"].as_u64().unwrap_or(0),
            k["p50_ms"].as_f64().unwrap_or(0.0),
            k["p95_ms"].as_f64().unwrap_or(0.0),
            k["p99_ms"].as_f64().unwrap_or(0.0),
            k["max_ms"].as_f64().unwrap_or(0.0)
        );
    }
    let busiest = r["kinds"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|k| k["kind"] == "save")
        .and_then(|k| k["busiest_per_s"].as_f64())
        .unwrap_or(0.0);
    let check_in = r["check_in_s"].as_u64().unwrap_or(0);
    if check_in > 0 {
        println!("check-in: the candidates signed in over the {check_in} s before the exam opened");
    }
    println!(
        "acknowledged saves per second: {:.0} over the whole {}, {busiest:.0} in its busiest {} s",
        r["acknowledged_saves_per_second"].as_f64().unwrap_or(0.0),
        if check_in > 0 {
            "exam (from its opening)"
        } else {
            "run"
        },
        stats::WINDOW_S
    );
    println!(
        "by {} s (from s: saves, save p50/p99 ms, sign-ins): {}",
        stats::WINDOW_S,
        r["timeline"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|w| format!(
                "{}: {} {:.0}/{:.0} {}",
                w["from_s"],
                w["saves"],
                w["save_p50_ms"].as_f64().unwrap_or(0.0),
                w["save_p99_ms"].as_f64().unwrap_or(0.0),
                w["sign_ins"]
            ))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    sched::print(&r["cpu_timeline"]);
    let secs = |v: &serde_json::Value| v.as_f64().map_or("-".to_string(), |s| format!("{s:.0} s"));
    println!(
        "CPU while the candidates ran: server(s) {}, load generator {} ({} thread(s))",
        secs(&r["cpu"]["servers_s"]),
        secs(&r["cpu"]["load_generator_s"]),
        r["cpu"]["client_threads"]
    );
    if let Some(kinds) = r["cpu"]["servers_by_thread_s"].as_object() {
        println!(
            "  the server(s) by thread: {}",
            kinds
                .iter()
                .map(|(kind, s)| format!("{kind} {}", secs(s)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    println!(
        "verification: {} acknowledged, {} lost, {} wrong",
        r["verification"]["acknowledged"], r["verification"]["lost"], r["verification"]["wrong"]
    );
    println!(
        "server memory: idle {:.0} MiB, {:.0} MiB with {} attempts in progress at once: {:.1} MiB per 1,000 attempts (peak {:.0} MiB)",
        r["memory"]["idle_mib"].as_f64().unwrap_or(0.0), r["memory"]["mib_at_most_active"].as_f64().unwrap_or(0.0),
        r["memory"]["most_active"], r["memory"]["mib_per_1000_attempts"].as_f64().unwrap_or(0.0),
        r["memory"]["peak_mib"].as_f64().unwrap_or(0.0)
    );
    println!("faults: {}", r["faults"]);
    if r["failed_candidates"].as_u64().unwrap_or(0) > 0 {
        println!(
            "failed candidates: {} (e.g. {})",
            r["failed_candidates"], r["failure_examples"]
        );
    }
}
