//! `spawn_app()` and a small HTML-form client.

use std::sync::Arc;
use std::time::Duration;

use certamen_app::server::clock::ManualClock;
use certamen_app::server::config::Config;
use certamen_app::server::startup::Application;
use reqwest::header::{ACCEPT, LOCATION};
use reqwest::{redirect, Client, Response, StatusCode};

pub const PASSWORD: &str = "correct horse battery staple";
pub const CANDIDATE: &str = "candidate@demo.certamen.test";
/// 2026-11-23 09:00 UTC: exam day.
pub const START_MS: i64 = 1_795_424_400_000;

fn random_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{:x}{:x}", nanos, std::process::id())
}

fn init_logs() {
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "info,sqlx=warn".into()),
            )
            .with_test_writer()
            .try_init();
    }
}

pub struct TestApp {
    pub address: String,
    pub clock: ManualClock,
    pub database_url: String,
    bank_dir: std::path::PathBuf,
    server: Option<tokio::task::JoinHandle<()>>,
    options: Options,
    postgres_admin: Option<(String, String)>,
}

/// How a test's server is set up beyond its database and bank.
#[derive(Clone, Default)]
pub struct Options {
    /// Staff may use their pages after a password sign-in (as the tests' staff do); false:
    /// they need a passkey, as in a real program.
    pub staff_passwords: bool,
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Signed checkpoints of the audit log (none by default).
    pub audit_anchor: Option<certamen_app::server::audit_anchor::AnchorConfig>,
    /// Where mail goes (none by default: it waits in the outbox).
    pub mail: Option<certamen_app::server::config::MailConfig>,
}

/// A fresh database URL: a temporary SQLite file, or a new PostgreSQL database.
async fn fresh_database() -> (String, Option<(String, String)>) {
    let name = format!("certamen_t_{}", random_suffix());
    if std::env::var("CERTAMEN_TEST_DATABASE").as_deref() == Ok("postgres") {
        let admin = std::env::var("CERTAMEN_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/test".into());
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&admin)
            .await
            .expect("PostgreSQL for tests is reachable");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&pool)
            .await
            .expect("create test database");
        pool.close().await;
        let base = admin
            .rsplit_once('/')
            .map(|(b, _)| b.to_string())
            .unwrap_or(admin.clone());
        (format!("{base}/{name}"), Some((admin, name)))
    } else {
        let path = std::env::temp_dir().join(format!("{name}.db"));
        (format!("sqlite:{}", path.display()), None)
    }
}

async fn start(
    database_url: &str,
    clock: &ManualClock,
    bank_dir: &std::path::Path,
    options: &Options,
) -> (String, tokio::task::JoinHandle<()>) {
    let mut config = Config::new(
        "127.0.0.1:0".parse().expect("literal address"),
        database_url.to_string(),
    );
    config.demo = true;
    config.bank_dir = bank_dir.to_path_buf();
    config.demo_password = Some(PASSWORD.into());
    config.site_root = std::env::temp_dir().join("certamen-no-client-bundle");
    config.clock = Arc::new(clock.clone());
    config.jobs_every = Duration::from_millis(100);
    config.max_connections = 8;
    config.staff_passwords = options.staff_passwords;
    config.trusted_proxies = options.trusted_proxies.clone();
    config.audit_anchor = options.audit_anchor.clone();
    config.mail = options.mail.clone();
    let app = Application::build(config).await.expect("the app starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = tokio::spawn(async move {
        let _ = app.run_until_stopped().await;
    });
    (address, handle)
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with_bank(certamen_item_bank::sample_bank_dir()).await
}

/// The app with another bank folder loaded (e.g. a copy of the sample with a changed exam.toml).
pub async fn spawn_app_with_bank(bank_dir: std::path::PathBuf) -> TestApp {
    spawn(bank_dir, true).await
}

/// The app as a real program runs it: staff and administrators need a passkey.
pub async fn spawn_app_passkeys_for_staff() -> TestApp {
    spawn_app_with(Options::default()).await
}

/// The app behind a reverse proxy on this machine (`--trusted-proxies 127.0.0.1`): the tests'
/// `X-Forwarded-For` names the client's address.
pub async fn spawn_app_behind_proxy() -> TestApp {
    spawn_app_with(Options {
        staff_passwords: true,
        trusted_proxies: vec!["127.0.0.1/32".parse().expect("literal CIDR")],
        ..Options::default()
    })
    .await
}

async fn spawn(bank_dir: std::path::PathBuf, staff_passwords: bool) -> TestApp {
    spawn_with(
        bank_dir,
        Options {
            staff_passwords,
            ..Options::default()
        },
    )
    .await
}

/// The app with the sample bank, set up as `options` say.
pub async fn spawn_app_with(options: Options) -> TestApp {
    spawn_with(certamen_item_bank::sample_bank_dir(), options).await
}

async fn spawn_with(bank_dir: std::path::PathBuf, options: Options) -> TestApp {
    init_logs();
    let (database_url, postgres_admin) = fresh_database().await;
    let clock = ManualClock::starting_at(START_MS);
    let (address, handle) = start(&database_url, &clock, &bank_dir, &options).await;
    TestApp {
        address,
        clock,
        database_url,
        bank_dir,
        server: Some(handle),
        options,
        postgres_admin,
    }
}

impl TestApp {
    /// Stops the server abruptly, as a crash would (in-flight requests are dropped).
    pub async fn stop(&mut self) {
        if let Some(handle) = self.server.take() {
            handle.abort();
            let _ = handle.await;
        }
    }

    /// Starts a new server on the same database and clock.
    pub async fn restart(&mut self) {
        self.stop().await;
        let (address, handle) = start(
            &self.database_url,
            &self.clock,
            &self.bank_dir,
            &self.options,
        )
        .await;
        self.address = address;
        self.server = Some(handle);
    }

    pub fn browser(&self) -> Browser {
        Browser {
            client: Client::builder()
                .cookie_store(true)
                .redirect(redirect::Policy::none())
                // A request the server never answers fails the test with its URL instead of
                // hanging the whole run.
                .timeout(Duration::from_secs(20))
                .build()
                .expect("client"),
            app: self.address.clone(),
        }
    }

    /// Direct database access for assertions the HTTP interface does not expose.
    pub async fn db(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::AnyPool::connect(&self.database_url)
            .await
            .expect("test database")
    }

    pub async fn cleanup(mut self) {
        self.stop().await;
        if let Some((admin, name)) = self.postgres_admin.take() {
            if let Ok(pool) = sqlx::AnyPool::connect(&admin).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&pool)
                    .await;
            }
        } else if let Some(path) = self.database_url.strip_prefix("sqlite:") {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
    }

    /// Registers a candidate through the form and confirms the emailed link (read from the
    /// outbox) in `browser`, as a newcomer does; returns the page the confirmation lands on.
    pub async fn register(&self, browser: &Browser, form: &[(&str, &str)]) -> Page {
        let sent = browser.submit("/account/new", form).await;
        assert!(
            sent.body.contains("Check your email"),
            "registration asks to confirm by email: {}",
            sent.body
        );
        let email = form
            .iter()
            .find(|(k, _)| *k == "email")
            .map(|(_, v)| v.trim().to_lowercase())
            .expect("an email");
        let pool = self.db().await;
        let body: String = sqlx::query_scalar(
            "SELECT body FROM mail_outbox WHERE kind = 'account.confirm' AND to_address = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(&email)
        .fetch_one(&pool)
        .await
        .expect("a confirmation message");
        pool.close().await;
        let token = body
            .split("token=")
            .nth(1)
            .and_then(|t| t.split_whitespace().next())
            .expect("a link with a token")
            .to_string();
        let page = browser
            .visit(&format!("/account/confirm?token={token}"))
            .await;
        assert!(page.body.contains("name=\"token\""), "{}", page.body);
        browser
            .submit("/account/confirm", &[("token", token.as_str())])
            .await
    }

    /// A second staff member (`second.staff@example.org`) approves the newest waiting
    /// proposal (four eyes); returns the page the approval lands on.
    pub async fn second_staff_approves(&self) -> Page {
        self.add_user(
            "second.staff@example.org",
            "Sam Second",
            certamen_app::dto::Role::Staff,
        )
        .await;
        let pool = self.db().await;
        let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM proposals WHERE status = 'pending'")
            .fetch_one(&pool)
            .await
            .expect("a waiting proposal");
        pool.close().await;
        let second = self.browser();
        second.sign_in("second.staff@example.org").await;
        second
            .submit(
                &format!("/staff/proposals/{id}/decision"),
                &[("decision", "approve")],
            )
            .await
    }

    /// The demo candidate asks for extra time; returns the pending request's id (staff
    /// decide it: an audited decision for the tests that need one).
    pub async fn candidate_requests_accommodation(&self) -> i64 {
        let candidate = self.browser();
        candidate.sign_in(CANDIDATE).await;
        candidate
            .submit(
                "/accommodations",
                &[
                    ("need", "extra_time"),
                    ("details", "Slow reading."),
                    ("documentation", "Letter, 2026."),
                ],
            )
            .await;
        let pool = self.db().await;
        let request: i64 = sqlx::query_scalar(
            "SELECT MAX(id) FROM accommodation_requests WHERE status = 'pending'",
        )
        .fetch_one(&pool)
        .await
        .expect("request");
        pool.close().await;
        request
    }

    /// Adds a candidate account (password [`PASSWORD`]).
    pub async fn add_candidate(&self, email: &str) {
        self.add_user(
            email,
            "Second Candidate",
            certamen_app::dto::Role::Candidate,
        )
        .await;
    }

    /// Adds an account with this role (password [`PASSWORD`]).
    pub async fn add_user(&self, email: &str, name: &str, role: certamen_app::dto::Role) {
        let db = certamen_app::server::db::Db::connect(&self.database_url, 2)
            .await
            .expect("db");
        let hash = certamen_app::server::auth::hash_password(PASSWORD.into())
            .await
            .expect("hash");
        certamen_app::server::users::upsert(&db, email, name, role, &hash, START_MS)
            .await
            .expect("user");
        if role == certamen_app::dto::Role::Candidate {
            // Test candidates may start the exam at once, like the demo candidate.
            let (user, _) = certamen_app::server::users::find_for_sign_in(&db, email)
                .await
                .expect("lookup")
                .expect("the user just added");
            certamen_app::server::demo::approved_application(&db, user.id, START_MS)
                .await
                .expect("approved application");
        }
    }
}

/// Where a redirect sends the browser (empty if it is none).
pub fn location(r: &Response) -> String {
    r.headers()
        .get(LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// A JSON POST as a page's script sends it: the status and the JSON answer (null if none).
pub async fn post_json(
    b: &Browser,
    path: &str,
    body: serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    let r = b
        .client
        .post(format!("{}{path}", b.app))
        .json(&body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {path}: {e}"));
    let status = r.status();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

/// A browser without JavaScript: cookies, HTML forms, redirects followed by hand.
pub struct Browser {
    pub client: Client,
    pub app: String,
}

pub struct Page {
    pub status: StatusCode,
    pub url: String,
    pub body: String,
}

impl Browser {
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.app))
            .header(ACCEPT, "text/html")
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.client
            .post(format!("{}{path}", self.app))
            .header(ACCEPT, "text/html")
            .form(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    /// Follows redirects (as GETs) to the final page.
    pub async fn follow(&self, mut response: Response) -> Page {
        for _ in 0..10 {
            if !response.status().is_redirection() {
                break;
            }
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|l| l.to_str().ok())
                .unwrap_or("/")
                .to_string();
            let path = location
                .strip_prefix(&self.app)
                .unwrap_or(&location)
                .to_string();
            response = self.get(&path).await;
        }
        let status = response.status();
        let url = response.url().path().to_string();
        Page {
            status,
            url,
            body: response.text().await.expect("body"),
        }
    }

    pub async fn visit(&self, path: &str) -> Page {
        let r = self.get(path).await;
        self.follow(r).await
    }

    pub async fn submit(&self, path: &str, form: &[(&str, &str)]) -> Page {
        let r = self.post(path, form).await;
        self.follow(r).await
    }

    pub async fn sign_in(&self, email: &str) -> Page {
        let page = self
            .submit("/auth/signin", &[("email", email), ("password", PASSWORD)])
            .await;
        assert!(
            page.url.ends_with("/dashboard"),
            "signed in lands on the dashboard, got {} {}",
            page.url,
            page.status
        );
        page
    }

    /// Starts (or resumes) the sample exam; returns the attempt id and the first page.
    pub async fn start_exam(&self) -> (String, Page) {
        let page = self.submit("/exams/peer-support/attempts", &[]).await;
        let id = page.url.split('/').nth(2).unwrap_or_default().to_string();
        assert_eq!(id.len(), 32, "landed on an attempt page: {}", page.url);
        (id, page)
    }
}

/// The usual arrange step: a fresh app, the demo candidate signed in, an attempt started.
/// Returns the app, the candidate's browser, the attempt id and its first page.
pub async fn candidate_in_exam() -> (TestApp, Browser, String, Page) {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.sign_in(CANDIDATE).await;
    let (attempt, page) = browser.start_exam().await;
    (app, browser, attempt, page)
}

/// The pieces of an item page a test needs.
pub struct Question {
    pub seq: String,
    /// (display letter, option text, checked)
    pub options: Vec<(String, String, bool)>,
    pub stem: String,
}

impl Question {
    /// The letters of the options shown as chosen.
    pub fn checked(&self) -> Vec<&str> {
        self.options
            .iter()
            .filter(|o| o.2)
            .map(|o| o.0.as_str())
            .collect()
    }
}

pub fn unescape(s: &str) -> String {
    s.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let to = s[from..].find(end)? + from;
    Some(&s[from..to])
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in s.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(out.trim())
}

pub fn parse_question(html: &str) -> Question {
    let seq = between(html, "name=\"seq\" value=\"", "\"")
        .expect("seq field")
        .to_string();
    let stem = strip_tags(between(html, "class=\"stem\">", "</legend>").expect("stem"));
    let mut options = Vec::new();
    for chunk in html.split("class=\"option\"").skip(1) {
        let input = between(chunk, "<input", ">").expect("radio");
        let letter = between(input, "value=\"", "\"")
            .expect("letter")
            .to_string();
        let checked = input.contains(" checked");
        // The option text carries its language: read from the end of that tag.
        let text = strip_tags(
            between(chunk, "<span lang=", "</span>")
                .and_then(|s| s.split_once('>').map(|(_, rest)| rest))
                .expect("option text"),
        );
        options.push((letter, text, checked));
    }
    Question { seq, options, stem }
}

/// A copy of the sample bank (items and scenario sets) in a fresh temporary folder, its
/// exam.toml passed through `exam` (to change the delivery mode, say).
pub fn sample_bank_copy(name: &str, exam: impl FnOnce(String) -> String) -> std::path::PathBuf {
    static MADE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let from = certamen_item_bank::sample_bank_dir();
    let to = std::env::temp_dir().join(format!("certamen-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&to);
    for folder in ["items", "sets", "practice"] {
        let Ok(entries) = std::fs::read_dir(from.join(folder)) else {
            continue;
        };
        std::fs::create_dir_all(to.join(folder)).expect("bank folder");
        for entry in entries {
            let path = entry.expect("entry").path();
            std::fs::copy(&path, to.join(folder).join(path.file_name().expect("name")))
                .expect("copy");
        }
    }
    let text = std::fs::read_to_string(from.join("exam.toml")).expect("exam.toml");
    std::fs::write(to.join("exam.toml"), exam(text)).expect("write exam.toml");
    to
}
