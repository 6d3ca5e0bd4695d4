//! `certamen`: the one binary. A thin main (STYLE.md): parse the command line, set up
//! tracing, and hand over to the application or the command asked for.

// Leptos view types nest deeply; the release build computes their layout in this crate too.
#![recursion_limit = "256"]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};

use certamen_app::server::config::Config;

/// mimalloc instead of the system allocator: under exam-day load the server allocates and
/// frees for every request on many threads, where glibc's allocator spent a seventh of the
/// CPU and kept hundreds of MiB it had freed (see docs/operations.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use certamen_app::server::startup::Application;

#[derive(Parser)]
#[command(
    name = "certamen",
    version,
    about = "Certamen: certification exam delivery and scoring"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web app.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:3000")]
        addr: SocketAddr,
        /// sqlite:FILE (the default, created on first start) or postgres://...
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite:certamen.db")]
        database_url: String,
        /// Load the sample Peer Support exam and the demo accounts.
        #[arg(long)]
        demo: bool,
        /// Password for the demo accounts (a fresh random one each start if not given).
        #[arg(long, env = "CERTAMEN_DEMO_PASSWORD")]
        demo_password: Option<String>,
        /// The bank folder to load with --demo.
        #[arg(long)]
        bank: Option<PathBuf>,
        /// Folder holding the built client bundle in pkg/.
        #[arg(long, env = "CERTAMEN_SITE_ROOT", default_value = "target/site")]
        site_root: PathBuf,
        /// The address people open the site at (https://exam.example.org); passkeys are bound
        /// to its domain. Default: http://localhost:PORT when listening on this machine.
        #[arg(long, env = "CERTAMEN_PUBLIC_URL")]
        public_url: Option<String>,
        /// Let staff and administrators use their pages after a password sign-in, for trying
        /// the app (`cargo xtask start` sets it). Without it they must sign in with a passkey.
        #[arg(long)]
        allow_staff_passwords: bool,
        /// Commit each answer save alone instead of in shared commits (to compare).
        #[arg(long)]
        no_group_commit: bool,
        /// The size of this server's database connection pool; a quarter as many again (at
        /// least two) are kept beside it for the reads every request makes. On PostgreSQL,
        /// the servers' sum must stay under its `max_connections` (100 by default).
        #[arg(long, env = "CERTAMEN_MAX_CONNECTIONS", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1000))]
        max_connections: u32,
        /// Reverse proxies (CIDR blocks or addresses, comma-separated) whose `Forwarded` or
        /// `X-Forwarded-For` header names the client's address. Without it the connection's
        /// peer is the client, whatever the headers say.
        #[arg(long, env = "CERTAMEN_TRUSTED_PROXIES", value_parser = parse_trusted_proxies)]
        trusted_proxies: Option<Vec<ipnet::IpNet>>,
        /// The Ed25519 key that signs the audit log's checkpoints: made on first start if
        /// absent (its public key beside it, in FILE.pub). Keep it off the database's machine
        /// and backups if you can. `CERTAMEN_AUDIT_KEY` (64 hex characters) overrides it.
        #[arg(
            long,
            env = "CERTAMEN_AUDIT_KEY_FILE",
            default_value = "certamen-audit.key"
        )]
        audit_key: PathBuf,
        /// The file each signed checkpoint of the audit log is appended to (one JSON line
        /// each): ship it elsewhere; `certamen audit verify --checkpoints FILE` reads it.
        #[arg(
            long,
            env = "CERTAMEN_AUDIT_CHECKPOINTS",
            default_value = "certamen-audit-checkpoints.jsonl"
        )]
        audit_checkpoints: PathBuf,
        /// Send mail through this SMTP server: smtp://HOST:25 (add ?tls=required for
        /// STARTTLS) or smtps://USER:PASSWORD@HOST:465. Without it, mail is written as .eml
        /// files into --mail-folder.
        #[arg(long, env = "CERTAMEN_SMTP_URL")]
        smtp_url: Option<String>,
        /// Where mail is written when there is no --smtp-url.
        #[arg(long, env = "CERTAMEN_MAIL_FOLDER", default_value = "mail")]
        mail_folder: PathBuf,
        /// The sender of every message, e.g. "Peer Support Certification <certification@example.org>".
        /// Default: Certamen <no-reply@HOST> for the --public-url's host.
        #[arg(long, env = "CERTAMEN_MAIL_FROM")]
        mail_from: Option<String>,
    },
    /// Accounts, for the operator of the server.
    Account {
        #[command(subcommand)]
        command: AccountCommand,
    },
    /// Item bank tools.
    Bank {
        #[command(subcommand)]
        command: BankCommand,
    },
    /// The audit log of staff, vendor and administrator decisions.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Data for newcomers to explore.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// IRT scoring, calibration, item statistics and DIF on CSV files.
    Psychometrics {
        #[command(subcommand)]
        command: certamen_app::cli::psychometrics::PsychometricsCommand,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Simulated candidates with scored attempts over the last year, for exploring the staff
    /// console's figures. Marked simulated everywhere; never certified; linear exams only.
    SeedResults {
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite:certamen.db")]
        database_url: String,
        /// How many simulated candidates (each sits the exam once to three times).
        #[arg(long, default_value_t = 2000)]
        candidates: u32,
        /// The simulation's seed: the same seed on the same bank gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The exam, when the database has more than one.
        #[arg(long)]
        exam: Option<String>,
    },
}

fn parse_trusted_proxies(text: &str) -> Result<Vec<ipnet::IpNet>, String> {
    certamen_app::server::client_address::parse_trusted(text)
}

#[derive(Subcommand)]
enum AccountCommand {
    /// A one-time code with which a staff, vendor or administrator account enrols its first
    /// passkey (single use, valid 24 hours, audited). For the first administrator; later ones
    /// get theirs from an administrator's accounts page.
    EnrolmentCode {
        /// The account's email.
        email: String,
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite:certamen.db")]
        database_url: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the whole hash chain: every entry there, in order, and unchanged.
    Verify {
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite:certamen.db")]
        database_url: String,
        /// A hash an earlier `verify` printed, kept elsewhere: the log must still hold that
        /// entry (a chain alone cannot show that its newest entries were removed).
        #[arg(long)]
        expect_hash: Option<String>,
        /// The server's checkpoint log: every entry a checkpoint signed must still be there,
        /// unchanged, even if the chain was recomputed after a change.
        #[arg(long)]
        checkpoints: Option<PathBuf>,
        /// The audit key's public half (64 hex characters, printed at the server's start);
        /// without it, read from AUDIT_KEY.pub or AUDIT_KEY.
        #[arg(long)]
        public_key: Option<String>,
        #[arg(
            long,
            env = "CERTAMEN_AUDIT_KEY_FILE",
            default_value = "certamen-audit.key"
        )]
        audit_key: PathBuf,
    },
}

#[derive(Subcommand)]
enum BankCommand {
    /// Check a bank folder and report every problem with file, line and field.
    Validate { path: PathBuf },
    /// Validate a bank folder and load it into the database: all of it or, on any problem,
    /// nothing. Changed items get a new version; unchanged ones are left alone.
    Import {
        path: PathBuf,
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite:certamen.db")]
        database_url: String,
    },
    /// Write every item as a QTI 3.0 package (an unzipped IMS content package) into a new folder.
    QtiExport {
        /// The folder to create (it must not exist yet).
        out: PathBuf,
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite:certamen.db")]
        database_url: String,
        /// The exam whose competencies the test sections follow, when there is more than one.
        #[arg(long)]
        exam: Option<String>,
    },
    /// Read a QTI 3.0 package folder and load its items: all of them or, on any problem, none.
    QtiImport {
        path: PathBuf,
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite:certamen.db")]
        database_url: String,
        /// The exam whose blueprint the items are checked against, when there is more than one.
        #[arg(long)]
        exam: Option<String>,
    },
    /// Write the newest exam definition and every item from the database into a new folder.
    Export {
        /// The folder to create (it must not exist yet).
        out: PathBuf,
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite:certamen.db")]
        database_url: String,
        /// The exam to export, when the database has more than one.
        #[arg(long)]
        exam: Option<String>,
    },
}

/// Errors end the process with one clear message (and its causes), not a backtrace: the
/// messages name the file, row and column, which is what the person needs.
fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    if let Err(e) = runtime.block_on(run()) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Seeding scores thousands of attempts: their one-line logs would bury the progress bar.
    let quiet = matches!(cli.command, Command::Demo { .. });
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                if quiet {
                    "warn".into()
                } else {
                    "info,sqlx=warn,tower_sessions=warn".into()
                }
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Serve {
            addr,
            database_url,
            demo,
            demo_password,
            bank,
            site_root,
            public_url,
            allow_staff_passwords,
            no_group_commit,
            max_connections,
            trusted_proxies,
            audit_key,
            audit_checkpoints,
            smtp_url,
            mail_folder,
            mail_from,
        } => {
            let mut config = Config::new(addr, database_url);
            if let Some(url) = public_url {
                config = config.with_public_url(url);
            }
            config.demo = demo;
            config.staff_passwords = allow_staff_passwords;
            config.group_commit = !no_group_commit;
            config.max_connections = max_connections;
            config.trusted_proxies = trusted_proxies.unwrap_or_default();
            config.demo_password = demo_password;
            config.site_root = site_root;
            config.audit_anchor = Some(certamen_app::server::audit_anchor::AnchorConfig {
                key_file: audit_key,
                log_file: audit_checkpoints,
                ..certamen_app::server::audit_anchor::AnchorConfig::in_folder(Path::new("."))
            });
            config.mail = Some(certamen_app::server::config::MailConfig {
                smtp_url,
                folder: std::path::absolute(&mail_folder).unwrap_or(mail_folder),
                from: mail_from,
                every: std::time::Duration::from_secs(2),
            });
            if let Some(bank) = bank {
                config.bank_dir = bank;
            }
            let app = Application::build(config)
                .await
                .context("cannot start the server")?;
            let port = app.port();
            if let Some(anchor) = &app.anchor_info {
                let shown = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
                let key = if anchor.key_from_env {
                    "from CERTAMEN_AUDIT_KEY".to_string()
                } else if anchor.key_created {
                    format!("made now in {}", shown(&anchor.key_file).display())
                } else {
                    format!("in {}", shown(&anchor.key_file).display())
                };
                println!(
                    "\nAudit checkpoints: signed with the key {key} (public key {}),\n  appended to {}",
                    anchor.public_key,
                    shown(&anchor.log_file).display()
                );
            }
            if let Some(mail) = &app.mail_info {
                println!("\nMail: {mail}");
            }
            if let Some(logins) = &app.demo_logins {
                println!("\nDemo accounts (password for all: {}):", logins.password);
                for (email, role) in &logins.accounts {
                    println!("  {:<10} {email}", role.as_str());
                }
            }
            // localhost rather than 127.0.0.1: browsers allow passkeys on a domain only.
            let host = if addr.ip().is_loopback() {
                "localhost".to_string()
            } else {
                addr.ip().to_string()
            };
            println!("\nCertamen is running at http://{host}:{port}/signin (Ctrl-C to stop)\n");
            app.run_until_stopped().await?;
        }
        Command::Account {
            command:
                AccountCommand::EnrolmentCode {
                    email,
                    database_url,
                },
        } => {
            let db = certamen_app::server::db::Db::connect(&database_url, 2).await?;
            let issued = certamen_app::server::enrolment::issue_by_operator(
                &db,
                &email,
                certamen_app::server::clock::Clock::now_ms(
                    &certamen_app::server::clock::SystemClock,
                ),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "Enrolment code for {}: {}\nSingle use, valid for 24 hours: sign in with the password, open /settings/passkeys and enter it to add the first passkey.",
                issued.email, issued.code
            );
        }
        Command::Bank {
            command: BankCommand::Validate { path },
        } => {
            let bank = certamen_item_bank::load::load_bank(&path)?;
            eprintln!(
                "{}: {} items and {} practice items, exam {} version {}: no problems",
                path.display(),
                bank.items.len(),
                bank.practice.len(),
                bank.exam.id,
                bank.exam.version
            );
        }
        Command::Bank {
            command: BankCommand::Import { path, database_url },
        } => {
            let r = certamen_app::cli::bank::import(&path, &database_url).await?;
            eprintln!(
                "{}: imported into {}: {} new item versions, {} items unchanged{}",
                path.display(),
                certamen_app::server::db::redact(&database_url),
                r.new_item_versions,
                r.unchanged_items,
                if r.exam_loaded {
                    ", exam definition loaded"
                } else {
                    ""
                }
            );
        }
        Command::Bank {
            command:
                BankCommand::Export {
                    out,
                    database_url,
                    exam,
                },
        } => {
            let r = certamen_app::cli::bank::export(&database_url, exam.as_deref(), &out).await?;
            eprintln!(
                "{}: exam {} version {}, {} items and {} practice items",
                out.display(),
                r.exam_id,
                r.exam_version,
                r.items,
                r.practice_items
            );
        }
        Command::Bank {
            command:
                BankCommand::QtiExport {
                    out,
                    database_url,
                    exam,
                },
        } => {
            let r =
                certamen_app::cli::bank::qti_export(&database_url, exam.as_deref(), &out).await?;
            eprintln!(
                "{}: QTI 3.0 package of {} items (exam {} version {})",
                out.display(),
                r.items,
                r.exam_id,
                r.exam_version
            );
        }
        Command::Bank {
            command:
                BankCommand::QtiImport {
                    path,
                    database_url,
                    exam,
                },
        } => {
            let r =
                certamen_app::cli::bank::qti_import(&path, &database_url, exam.as_deref()).await?;
            eprintln!(
                "{}: imported: {} new item versions, {} items unchanged",
                path.display(),
                r.new_item_versions,
                r.unchanged_items
            );
        }
        Command::Audit {
            command:
                AuditCommand::Verify {
                    database_url,
                    expect_hash,
                    checkpoints,
                    public_key,
                    audit_key,
                },
        } => {
            use certamen_app::server::audit_anchor;
            // The file and key first: a mistyped path is said before the database is read.
            let signed = match &checkpoints {
                Some(file) => Some((
                    audit_anchor::read_log(file)?,
                    audit_anchor::verifying_key(public_key.as_deref(), &audit_key)?,
                )),
                None => None,
            };
            let db = certamen_app::server::db::Db::connect(&database_url, 2).await?;
            let found = certamen_app::server::audit::verify(&db).await?;
            let kept = match &expect_hash {
                Some(h) => Some(certamen_app::server::audit::holds(&db, h).await?),
                None => None,
            };
            let anchored = match &signed {
                Some((log, key)) => Some(audit_anchor::verify(&db, log, key).await?),
                None => None,
            };
            db.pool.close().await;
            if let Some(report) = &anchored {
                // The signed checkpoints outrank the chain: a recomputed chain looks intact.
                if let Some((seq, why)) = &report.broken {
                    anyhow::bail!(
                        "audit log: entry {seq} does not match the signed checkpoints: {why}"
                    );
                }
            }
            if let Some(None) = kept {
                anyhow::bail!(
                    "audit log: no entry has the hash {}: the log was cut short or changed after it was recorded",
                    expect_hash.unwrap_or_default()
                );
            }
            match found.broken {
                None => {
                    println!(
                        "audit log: {} entries, chain intact (last hash {})",
                        found.entries, found.last_hash
                    );
                    if let Some(report) = anchored {
                        println!(
                            "checkpoints: {} signed, entries 1 to {} match them{}",
                            report.checkpoints,
                            report.anchored_to,
                            if found.entries > report.anchored_to {
                                format!(
                                    "; entries {} to {} are newer than the newest checkpoint (chain only)",
                                    report.anchored_to + 1,
                                    found.entries
                                )
                            } else {
                                String::new()
                            }
                        );
                    }
                }
                Some((seq, why)) => anyhow::bail!(
                    "audit log: entry {seq} breaks the chain: {why} (entries before it are intact)"
                ),
            }
        }
        Command::Demo {
            command:
                DemoCommand::SeedResults {
                    database_url,
                    candidates,
                    seed,
                    exam,
                },
        } => {
            use certamen_app::server::seed_results;
            let db = certamen_app::server::db::Db::connect(&database_url, 2).await?;
            let plan = seed_results::SeedPlan {
                exam_id: exam,
                candidates,
                seed,
                now: {
                    use certamen_app::server::clock::Clock;
                    certamen_app::server::clock::SystemClock.now_ms()
                },
            };
            let bar = certamen_app::cli::psychometrics::progress_bar(
                u64::from(candidates),
                "simulating candidates",
            );
            let r = seed_results::seed(&db, &plan, |done| bar.set_position(u64::from(done))).await;
            bar.finish_and_clear();
            let r = r?;
            db.pool.close().await;
            eprintln!(
                "{}: {} simulated candidates sat exam {} {} times ({} passed); they are marked simulated and never certified",
                certamen_app::server::db::redact(&database_url),
                r.candidates,
                r.exam_id,
                r.attempts,
                r.passed
            );
        }
        Command::Psychometrics { command } => certamen_app::cli::psychometrics::run(command)?,
    }
    Ok(())
}
