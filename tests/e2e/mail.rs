//! Mail and the password lifecycle, through a real SMTP server (aiosmtpd, started here): the
//! outbox is written with the event, the worker sends each message once even with several
//! workers at it, failures are retried, and the embedded default writes `.eml` files. Account
//! recovery by a one-time link that expires and signs every session out, the forced change of
//! an administrator's temporary password, and changing one's own.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use certamen_app::server::config::MailConfig;
use certamen_app::server::db::Db;
use certamen_app::server::mail::{self, Mailer, Outgoing, Transport};
use reqwest::StatusCode;

use crate::helpers::{location, spawn_app_with, Options, TestApp, CANDIDATE, PASSWORD};

/// aiosmtpd on a free port of this machine, writing what it receives into a folder.
struct SmtpSink {
    child: Child,
    port: u16,
    folder: PathBuf,
}

impl SmtpSink {
    fn start() -> SmtpSink {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let folder = temp_folder("smtp");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("smtp/sink.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(port.to_string())
            .arg(&folder)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs tests/smtp/sink.py (cargo xtask test installs aiosmtpd)");
        let mut ready = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut ready)
            .expect("the SMTP server starts");
        assert_eq!(
            ready.trim(),
            "ready",
            "the SMTP server did not start (is aiosmtpd installed? pip install -r tests/smtp/requirements.txt)"
        );
        SmtpSink {
            child,
            port,
            folder,
        }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, parsed, oldest first.
    fn messages(&self) -> Vec<Received> {
        read_eml_folder(&self.folder)
    }

    /// Waits (up to 10 s) until at least `n` messages arrived.
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..200 {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {n} messages, got {:?}", self.messages());
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(stdin) = self.child.stdin.as_mut() {
            let _ = stdin.flush();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

#[derive(Debug, Clone)]
struct Received {
    to: String,
    subject: String,
    body: String,
    message_id: String,
}

fn temp_folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "certamen-{name}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    std::fs::create_dir_all(&dir).expect("folder");
    dir
}

fn read_eml_folder(folder: &Path) -> Vec<Received> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "eml"));
    files.sort();
    files
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).expect("message file");
            let m = mail_parser::MessageParser::default()
                .parse(&bytes)
                .expect("a parsable message");
            Received {
                to: m
                    .to()
                    .and_then(|a| a.first())
                    .and_then(|a| a.address())
                    .unwrap_or_default()
                    .to_string(),
                subject: m.subject().unwrap_or_default().to_string(),
                body: m.body_text(0).unwrap_or_default().to_string(),
                message_id: m.message_id().unwrap_or_default().to_string(),
            }
        })
        .collect()
}

fn mail_to(sink: &SmtpSink) -> MailConfig {
    MailConfig {
        smtp_url: Some(sink.url()),
        folder: std::env::temp_dir(),
        from: Some("Peer Support Certification <certification@example.org>".into()),
        every: Duration::from_millis(100),
    }
}

async fn spawn_with_mail(mail: MailConfig) -> TestApp {
    spawn_app_with(Options {
        staff_passwords: true,
        mail: Some(mail),
        ..Options::default()
    })
    .await
}

/// The recovery link in a message.
fn link_in(body: &str) -> String {
    let start = body.find("/signin/reset?token=").expect("a link");
    let tail = &body[start..];
    let end = tail.find(char::is_whitespace).unwrap_or(tail.len());
    tail[..end].to_string()
}

async fn outbox_count(pool: &sqlx::AnyPool) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox")
        .fetch_one(pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn recovery_by_a_one_time_link_in_the_persons_language() {
    let sink = SmtpSink::start();
    let app = spawn_with_mail(mail_to(&sink)).await;
    let pool = app.db().await;
    // The candidate reads Spanish.
    sqlx::query("UPDATE candidate_profiles SET language = 'es' WHERE user_id = (SELECT id FROM users WHERE email = $1)")
        .bind(CANDIDATE)
        .execute(&pool)
        .await
        .expect("language");
    // A browser signed in before the recovery: it must be signed out by it.
    let earlier = app.browser();
    earlier.sign_in(CANDIDATE).await;

    // Unknown and known emails get the same answer; only the known one gets mail.
    let stranger = app.browser();
    let r = stranger
        .post("/auth/recovery", &[("email", "nobody@example.org")])
        .await;
    let unknown = (r.status(), location(&r));
    let r = stranger
        .post("/auth/recovery", &[("email", CANDIDATE)])
        .await;
    assert_eq!((r.status(), location(&r)), unknown);
    assert_eq!(unknown.1, "/signin/forgot?sent=1");
    let got = sink.wait_for(1).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].to, CANDIDATE);
    assert_eq!(got[0].subject, "Elija una contraseña nueva de Certamen");
    assert!(got[0].body.contains("Funciona una vez"), "{}", got[0].body);
    let link = link_in(&got[0].body);

    // The link's page, then a too-short password: refused, link still good.
    let page = stranger.visit(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"token\""));
    let token = link.split("token=").nth(1).expect("token").to_string();
    let r = stranger
        .post(
            "/auth/reset",
            &[("token", &token), ("new", "short"), ("repeat", "short")],
        )
        .await;
    assert!(location(&r).starts_with("/signin/reset?error=short"));
    let new_password = "a whole new passphrase";
    let r = stranger
        .post(
            "/auth/reset",
            &[
                ("token", &token),
                ("new", new_password),
                ("repeat", new_password),
            ],
        )
        .await;
    assert_eq!(location(&r), "/signin?reset=1");
    // Single use.
    let r = stranger
        .post(
            "/auth/reset",
            &[
                ("token", &token),
                ("new", "yet another passphrase"),
                ("repeat", "yet another passphrase"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/signin/reset?error=link");
    // The earlier browser is signed out; the old password no longer works, the new one does.
    let r = earlier.get("/dashboard").await;
    assert!(location(&r).starts_with("/signin"), "{}", location(&r));
    let r = stranger
        .post(
            "/auth/signin",
            &[("email", CANDIDATE), ("password", PASSWORD)],
        )
        .await;
    assert!(location(&r).starts_with("/signin?error=credentials"));
    let r = stranger
        .post(
            "/auth/signin",
            &[("email", CANDIDATE), ("password", new_password)],
        )
        .await;
    assert_eq!(location(&r), "/dashboard");
    // The change is audited and told by mail, in Spanish.
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE subject = $1 AND action LIKE 'password.%'",
    )
    .bind(format!("user:{CANDIDATE}"))
    .fetch_all(&pool)
    .await
    .expect("audit");
    assert_eq!(audited, ["password.reset"]);
    let got = sink.wait_for(2).await;
    assert_eq!(got[1].subject, "Se cambió su contraseña de Certamen");

    // A link expires: an hour later it no longer works.
    stranger
        .post("/auth/recovery", &[("email", CANDIDATE)])
        .await;
    let got = sink.wait_for(3).await;
    let late = link_in(&got[2].body);
    let late_token = late.split("token=").nth(1).expect("token").to_string();
    app.clock.advance_ms(61 * 60_000);
    let r = stranger
        .post(
            "/auth/reset",
            &[
                ("token", &late_token),
                ("new", "too late a passphrase"),
                ("repeat", "too late a passphrase"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/signin/reset?error=link");

    // No more than three links an hour for one account, whoever asks.
    let before = outbox_count(&pool).await;
    for _ in 0..5 {
        stranger
            .post("/auth/recovery", &[("email", CANDIDATE)])
            .await;
    }
    assert_eq!(outbox_count(&pool).await, before + 3);
    pool.close().await;
    app.cleanup().await;
}

#[tokio::test]
async fn an_administrators_temporary_password_must_be_changed_first() {
    let sink = SmtpSink::start();
    let app = spawn_with_mail(mail_to(&sink)).await;
    let admin = app.browser();
    admin.sign_in("admin@demo.certamen.test").await;
    let temporary = "temporary password 1";
    let r = admin
        .post(
            "/admin/accounts",
            &[
                ("name", "Nina New"),
                ("email", "nina@example.org"),
                ("role", "staff"),
                ("password", temporary),
            ],
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let nina = app.browser();
    let r = nina
        .post(
            "/auth/signin",
            &[("email", "nina@example.org"), ("password", temporary)],
        )
        .await;
    assert_eq!(location(&r), "/dashboard");
    // Every page sends her to choose her own password; forms are refused.
    let r = nina.get("/dashboard").await;
    assert_eq!(location(&r), "/settings/password?required=1");
    let r = nina.get("/staff/results").await;
    assert_eq!(location(&r), "/settings/password?required=1");
    let r = nina
        .post("/staff/training-providers", &[("name", "Anything")])
        .await;
    assert_eq!(location(&r), "/settings/password?required=1");
    let page = nina.visit("/settings/password?required=1").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Choose your own"), "{}", page.body);
    // The temporary password again as the new one: refused.
    let r = nina
        .post(
            "/settings/password",
            &[
                ("current", temporary),
                ("new", temporary),
                ("repeat", temporary),
            ],
        )
        .await;
    assert_eq!(location(&r), "/settings/password?error=same");
    let own = "nina's own long passphrase";
    let r = nina
        .post(
            "/settings/password",
            &[("current", temporary), ("new", own), ("repeat", own)],
        )
        .await;
    assert_eq!(location(&r), "/settings/password?changed=1");
    let r = nina.get("/dashboard").await;
    assert_eq!(r.status(), StatusCode::OK);
    // Signing in again needs no change any more.
    let again = app.browser();
    let r = again
        .post(
            "/auth/signin",
            &[("email", "nina@example.org"), ("password", own)],
        )
        .await;
    assert_eq!(location(&r), "/dashboard");
    assert_eq!(again.get("/dashboard").await.status(), StatusCode::OK);
    let got = sink.wait_for(1).await;
    assert_eq!(got[0].to, "nina@example.org");
    assert_eq!(got[0].subject, "Your Certamen password was changed");
    app.cleanup().await;
}

#[tokio::test]
async fn changing_a_password_needs_the_current_one_and_signs_out_other_browsers() {
    let sink = SmtpSink::start();
    let app = spawn_with_mail(mail_to(&sink)).await;
    let here = app.browser();
    here.sign_in(CANDIDATE).await;
    let elsewhere = app.browser();
    elsewhere.sign_in(CANDIDATE).await;
    let new = "a better passphrase";
    let r = here
        .post(
            "/settings/password",
            &[
                ("current", "not the password"),
                ("new", new),
                ("repeat", new),
            ],
        )
        .await;
    assert_eq!(location(&r), "/settings/password?error=current");
    let r = here
        .post(
            "/settings/password",
            &[("current", PASSWORD), ("new", new), ("repeat", "different")],
        )
        .await;
    assert_eq!(location(&r), "/settings/password?error=mismatch");
    // Signed out, nobody changes anything.
    let r = app
        .browser()
        .post(
            "/settings/password",
            &[("current", PASSWORD), ("new", new), ("repeat", new)],
        )
        .await;
    assert!(location(&r).starts_with("/signin"));
    let r = here
        .post(
            "/settings/password",
            &[("current", PASSWORD), ("new", new), ("repeat", new)],
        )
        .await;
    assert_eq!(location(&r), "/settings/password?changed=1");
    assert_eq!(here.get("/dashboard").await.status(), StatusCode::OK);
    assert!(location(&elsewhere.get("/dashboard").await).starts_with("/signin"));
    let got = sink.wait_for(1).await;
    assert_eq!(got[0].subject, "Your Certamen password was changed");
    assert_eq!(got.len(), 1);
    app.cleanup().await;
}

fn message(n: usize) -> Outgoing {
    Outgoing {
        kind: "test",
        to: format!("person{n}@example.org"),
        lang: certamen_app::i18n::Lang::En,
        subject: format!("Message {n}"),
        body: format!("Body of message {n}."),
    }
}

async fn enqueue(db: &Db, n: usize, now: i64) {
    for i in 0..n {
        let mut tx = db.begin().await.expect("tx");
        mail::enqueue(&mut tx, now, &message(i))
            .await
            .expect("enqueue");
        tx.commit().await.expect("commit");
    }
}

#[tokio::test]
async fn several_workers_send_each_message_exactly_once_and_retry_failures() {
    let sink = SmtpSink::start();
    let app = spawn_app_with(Options::default()).await;
    let db = Db::connect(&app.database_url, 8).await.expect("db");
    let now = crate::helpers::START_MS;
    enqueue(&db, 60, now).await;
    let from: mail::Mailbox = "Certamen <no-reply@example.org>".parse().expect("from");
    let workers: Vec<Mailer> = (0..3)
        .map(|_| {
            Mailer::new(Transport::smtp(&sink.url()).expect("url"), from.clone()).expect("mailer")
        })
        .collect();
    // Three servers' workers at once, each pass claiming up to 20.
    let mut passes = Vec::new();
    for w in &workers {
        let db = db.clone();
        let w = w.clone();
        passes.push(tokio::spawn(async move {
            let mut sent = 0;
            for _ in 0..5 {
                sent += mail::run_once(&db, &w, now).await.expect("pass").sent;
            }
            sent
        }));
    }
    let mut sent = 0;
    for p in passes {
        sent += p.await.expect("worker");
    }
    assert_eq!(sent, 60);
    let got = sink.wait_for(60).await;
    assert_eq!(got.len(), 60, "each message once");
    let mut ids: Vec<&str> = got.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 60, "sixty different messages");
    let unsent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL")
        .fetch_one(&db.pool)
        .await
        .expect("count");
    assert_eq!(unsent, 0);

    // A mail server that is down: the message waits and is tried again later.
    enqueue(&db, 1, now).await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let down = Mailer::new(
        Transport::smtp(&format!("smtp://127.0.0.1:{closed}")).expect("url"),
        from.clone(),
    )
    .expect("mailer");
    let pass = mail::run_once(&db, &down, now).await.expect("pass");
    assert_eq!((pass.sent, pass.failed), (0, 1));
    let (tries, next, error): (i64, i64, Option<String>) = sqlx::query_as(
        "SELECT tries, next_try_at, last_error FROM mail_outbox WHERE sent_at IS NULL",
    )
    .fetch_one(&db.pool)
    .await
    .expect("row");
    assert_eq!(tries, 1);
    assert_eq!(next, now + mail::retry_after_ms(1));
    assert!(error.is_some());
    // Not before its time, then through the working server.
    assert_eq!(
        mail::run_once(&db, &workers[0], now + 1_000)
            .await
            .expect("p")
            .sent,
        0
    );
    assert_eq!(
        mail::run_once(&db, &workers[0], next)
            .await
            .expect("p")
            .sent,
        1
    );
    assert_eq!(sink.wait_for(61).await.len(), 61);

    // An address no message can be built for is given up at once, naming why.
    let mut tx = db.begin().await.expect("tx");
    mail::enqueue(
        &mut tx,
        now,
        &Outgoing {
            to: "not an address".into(),
            ..message(99)
        },
    )
    .await
    .expect("enqueue");
    tx.commit().await.expect("commit");
    let pass = mail::run_once(&db, &workers[0], next).await.expect("pass");
    assert_eq!(pass.failed, 1);
    let given_up: Option<i64> = sqlx::query_scalar(
        "SELECT given_up_at FROM mail_outbox WHERE to_address = 'not an address'",
    )
    .fetch_one(&db.pool)
    .await
    .expect("row");
    assert_eq!(given_up, Some(next));
    db.pool.close().await;
    app.cleanup().await;
}

#[tokio::test]
async fn without_a_mail_server_messages_are_eml_files_in_a_folder() {
    let folder = temp_folder("mailfolder");
    let app = spawn_with_mail(MailConfig {
        smtp_url: None,
        folder: folder.clone(),
        from: None,
        every: Duration::from_millis(100),
    })
    .await;
    let browser = app.browser();
    browser
        .post("/auth/recovery", &[("email", CANDIDATE)])
        .await;
    let mut got = Vec::new();
    for _ in 0..200 {
        got = read_eml_folder(&folder);
        if !got.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].to, CANDIDATE);
    assert_eq!(got[0].subject, "Choose a new Certamen password");
    assert!(link_in(&got[0].body).starts_with("/signin/reset?token="));
    app.cleanup().await;
    let _ = std::fs::remove_dir_all(&folder);
}

#[tokio::test]
async fn a_decision_is_told_by_mail_without_its_content() {
    let app = spawn_app_with(Options {
        staff_passwords: true,
        ..Options::default()
    })
    .await;
    let pool = app.db().await;
    let request = app.candidate_requests_accommodation().await;
    let staff = app.browser();
    staff.sign_in("staff@demo.certamen.test").await;
    staff
        .submit(
            &format!("/staff/accommodations/{request}/decision"),
            &[
                ("decision", "deny"),
                ("note", "Please send the letter itself."),
            ],
        )
        .await;
    let (to, subject, body): (String, String, String) = sqlx::query_as(
        "SELECT to_address, subject, body FROM mail_outbox WHERE kind = 'accommodation.decided'",
    )
    .fetch_one(&pool)
    .await
    .expect("a notice in the outbox, with the decision");
    assert_eq!(to, CANDIDATE);
    assert_eq!(subject, "News on your accommodation request");
    assert!(body.contains("/accommodations"), "{body}");
    assert!(
        !body.contains("Please send the letter"),
        "the decision stays behind the sign-in"
    );
    pool.close().await;
    app.cleanup().await;
}
