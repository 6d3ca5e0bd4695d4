//! Building the application: database, bank, routes, sessions, background jobs, listener.
//!
//! `main` and the tests both go through [`Application::build`], so tests run the real app on
//! `127.0.0.1:0` with a fresh database.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRef};
use axum::routing::{get, post};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use super::clock::Clock;
use super::config::Config;
use super::db::{redact, Db};
use super::session_store::DbSessionStore;
use super::{account_forms, application_forms, attempts, bank, demo, forms, jobs, passkeys};
use crate::app::{shell, App};

/// What every request handler and server function can reach. Every request clones it several
/// times (axum's extractors, Leptos' contexts), so it is one shared allocation: a clone is one
/// reference count, where a copy of every field was a dozen, and a string copied (about 2 % of
/// the server's CPU under the 2,000-candidate load).
#[derive(Clone, Debug)]
pub struct AppState(Arc<SharedState>);

impl AppState {
    pub fn new(shared: SharedState) -> AppState {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

/// The fields of [`AppState`].
#[derive(Debug)]
pub struct SharedState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub leptos_options: LeptosOptions,
    /// Whether the client bundle was found; without it pages are served without hydration.
    pub hydration: bool,
    /// The passkey relying party, or `None` when the public URL cannot have passkeys.
    pub webauthn: Option<Arc<webauthn_rs::prelude::Webauthn>>,
    /// Staff and administrators may use their pages after a password sign-in (trying the
    /// app only); otherwise they need a passkey.
    pub staff_passwords: bool,
    /// The address people open the site at (its origin is "this site" for the CSRF check).
    pub public_url: String,
    /// Cookies are Secure and HSTS is sent: the public URL is https.
    pub secure_cookies: bool,
    /// Reverse proxies whose forwarding headers name the client (`client_address`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Sign-in details of the demo accounts, for printing at start.
#[derive(Debug, Clone)]
pub struct DemoLogins {
    pub password: String,
    pub accounts: Vec<(&'static str, crate::dto::Role)>,
}

/// Where the audit log's checkpoints are signed and written, for printing at start.
#[derive(Debug, Clone)]
pub struct AnchorInfo {
    pub key_file: std::path::PathBuf,
    /// The key was read from the environment (`CERTAMEN_AUDIT_KEY`), not the file.
    pub key_from_env: bool,
    pub key_created: bool,
    pub public_key: String,
    pub log_file: std::path::PathBuf,
}

pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    state: AppState,
    config: Config,
    anchor: Option<super::audit_anchor::Anchor>,
    mailer: Option<(super::mail::Mailer, std::time::Duration)>,
    pub demo_logins: Option<DemoLogins>,
    pub anchor_info: Option<AnchorInfo>,
    /// Where mail goes, for printing at start.
    pub mail_info: Option<String>,
}

/// Largest request body accepted: answers and sign-ins are tiny.
const BODY_LIMIT: usize = 16 * 1024;

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let db = Db::connect(&config.database_url, config.max_connections).await?;
        let db = if config.group_commit {
            db.with_group_commit()
        } else {
            db
        };
        tracing::info!(database = %redact(&config.database_url), kind = db.kind.name(), "database ready");
        let now = config.clock.now_ms();

        // The audit key before anything is audited: a key that cannot be read stops the start.
        let anchor = match &config.audit_anchor {
            Some(anchor_config) => Some(
                super::audit_anchor::Anchor::open(anchor_config.clone())
                    .map_err(|e| e.context("the audit log's signing key"))?,
            ),
            None => None,
        };
        let anchor_info = anchor.as_ref().map(|(a, created)| AnchorInfo {
            key_file: a.config().key_file.clone(),
            key_from_env: std::env::var_os(super::audit_anchor::KEY_ENV).is_some(),
            key_created: *created,
            public_key: a.public_key(),
            log_file: a.config().log_file.clone(),
        });
        let anchor = anchor.map(|(a, _)| a);
        let mailer = match &config.mail {
            Some(mail) => {
                let transport = match &mail.smtp_url {
                    Some(url) => super::mail::Transport::smtp(url).map_err(anyhow::Error::msg)?,
                    None => super::mail::Transport::Folder(mail.folder.clone()),
                };
                let from = match &mail.from {
                    Some(text) => text
                        .parse()
                        .map_err(|e| anyhow::anyhow!("--mail-from {text:?}: {e}"))?,
                    None => super::mail::default_from(&config.public_url),
                };
                Some((super::mail::Mailer::new(transport, from)?, mail.every))
            }
            None => None,
        };
        let mail_info = mailer
            .as_ref()
            .map(|(m, _)| format!("{}, from {}", m.transport.describe(), m.from));

        let mut demo_logins = None;
        if config.demo {
            let bank_data = certamen_item_bank::load::load_bank(&config.bank_dir)?;
            let report =
                bank::sync_bank(&db, &bank_data, now, bank::WorkspaceChanges::Keep).await?;
            tracing::info!(exam = %bank_data.exam.id, items = bank_data.items.len(),
                new_versions = report.new_item_versions,
                kept_from_workspace = report.kept_from_workspace, "sample bank loaded");
            let password = match &config.demo_password {
                Some(p) => p.clone(),
                None => super::auth::random_password()?,
            };
            let accounts = demo::create_accounts(&db, &password, now).await?;
            demo_logins = Some(DemoLogins { password, accounts });
        }

        if let Some((gap, credited)) = attempts::credit_downtime(
            &db,
            now,
            i64::try_from(config.downtime_threshold.as_millis()).unwrap_or(i64::MAX),
        )
        .await?
        {
            tracing::warn!(
                downtime_ms = gap,
                attempts = credited,
                "no server was running for a while: the time was credited to open attempts"
            );
        }

        let pkg = config.site_root.join("pkg");
        let hydration = pkg.join("certamen.js").is_file() && pkg.join("certamen_bg.wasm").is_file();
        if !hydration {
            tracing::warn!(pkg = %pkg.display(),
                "client bundle not found: serving server-rendered pages only (fully usable without JavaScript; no live timer or instant saves)");
        }
        let listener = tokio::net::TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let leptos_options = LeptosOptions::builder()
            .output_name("certamen")
            .site_root(config.site_root.to_string_lossy().to_string())
            .site_pkg_dir("pkg")
            .site_addr(addr)
            .build();
        let webauthn = match super::passkeys::relying_party(&config.public_url) {
            Ok(rp) => Some(Arc::new(rp)),
            Err(why) => {
                tracing::warn!(
                    "passkeys are off: {why}; set --public-url to the site's https address"
                );
                None
            }
        };
        let state = AppState::new(SharedState {
            db: db.clone(),
            clock: config.clock.clone(),
            leptos_options: leptos_options.clone(),
            hydration,
            webauthn,
            staff_passwords: config.staff_passwords,
            public_url: config.public_url.clone(),
            secure_cookies: config.secure_cookies,
            trusted_proxies: config.trusted_proxies.clone(),
        });
        if config.staff_passwords {
            tracing::warn!("staff and administrators may use their pages after a password sign-in (--allow-staff-passwords): for trying the app only; without it they need a passkey");
        }

        let sessions = SessionManagerLayer::new(DbSessionStore::new(db.clone()))
            .with_name("certamen_session")
            .with_secure(config.secure_cookies)
            .with_same_site(SameSite::Lax)
            .with_http_only(true)
            .with_expiry(Expiry::OnInactivity(time::Duration::hours(4)));

        let routes = route_list();
        let context_state = state.clone();
        let shell_state = state.clone();
        let router = Router::new()
            .route("/healthz", get(forms::healthz))
            .route("/assets/certamen.css", get(forms::stylesheet))
            .route("/favicon.svg", get(forms::favicon))
            .route("/favicon.ico", get(forms::favicon))
            .route("/auth/signin", post(forms::sign_in))
            .route("/auth/signout", post(forms::sign_out))
            .route("/exams/{exam}/attempts", post(forms::start))
            .route("/exams/{exam}/practice", post(forms::start_practice))
            .route("/attempts/{id}", get(forms::resume))
            .route("/attempts/{id}/items/{n}/answer", post(forms::answer))
            .route("/attempts/{id}/break/action", post(forms::break_action))
            .route("/attempts/{id}/submit", post(forms::submit))
            .route("/settings/display", post(forms::display_settings))
            .route("/settings/language", post(super::language::switch))
            .route(
                "/staff/results/{id}/release",
                post(super::results_forms::release),
            )
            .route(
                "/staff/results/{id}/invalidate",
                post(super::results_forms::invalidate),
            )
            .route(
                "/staff/proposals/{id}/decision",
                post(super::proposals::decide_form),
            )
            .route(
                "/staff/certifications/{id}/status",
                post(super::results_forms::set_status),
            )
            .route(
                "/staff/certifications/{id}/renewal",
                post(super::results_forms::renew),
            )
            .route(
                "/staff/item-health/calibrate",
                post(super::calibration::propose_form),
            )
            .route(
                "/staff/calibrations/{id}/decision",
                post(super::calibration::decide_form),
            )
            .route("/staff/complaints", post(super::complaints::receive_form))
            .route("/staff/complaints/{id}", post(super::complaints::step_form))
            .route(
                "/staff/rescoring/apply",
                post(super::results_forms::rescore),
            )
            .route(
                "/staff/statistics/csv/{table}",
                get(super::statistics::csv_download),
            )
            .route("/account/new", post(account_forms::register))
            .route("/account/confirm", post(super::registration::confirm_form))
            .route("/admin/accounts", post(super::admin::create_account))
            .route("/admin/accounts/{id}", post(super::admin::change_account))
            .route(
                "/admin/accounts/{id}/enrolment-code",
                post(super::admin::enrolment_code),
            )
            .route("/assets/passkey.js", get(forms::passkey_script))
            .route("/assets/signin.js", get(forms::signin_script))
            .route("/passkeys/register/start", post(passkeys::register_start))
            .route("/passkeys/register/finish", post(passkeys::register_finish))
            .route("/passkeys/sign-in/start", post(passkeys::sign_in_start))
            .route("/passkeys/sign-in/finish", post(passkeys::sign_in_finish))
            .route("/passkeys/{id}/remove", post(passkeys::remove))
            .route("/settings/password", post(super::passwords::change_form))
            .route("/auth/recovery", post(super::passwords::forgot_form))
            .route("/auth/reset", post(super::passwords::reset_form))
            .route("/application", post(application_forms::submit))
            .route(
                "/staff/applications/{id}/decision",
                post(application_forms::decide),
            )
            .route(
                "/staff/training-providers",
                post(application_forms::add_provider),
            )
            .route(
                "/staff/training-providers/{id}/active",
                post(application_forms::set_provider_active),
            )
            .route(
                "/accommodations",
                post(account_forms::request_accommodation),
            )
            .route(
                "/staff/accommodations/{id}/decision",
                post(account_forms::decide_accommodation),
            )
            .route("/vendor/items/{id}/status", post(forms::item_status))
            .route("/vendor/items/{id}/save", post(forms::item_save))
            .leptos_routes_with_context(
                &state,
                routes,
                move || provide_context(context_state.clone()),
                move || shell(shell_state.clone()),
            )
            .fallback(leptos_axum::file_and_error_handler::<AppState, _>({
                let s = state.clone();
                move |_| shell(s.clone())
            }))
            .layer(sessions)
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                super::security::same_origin,
            ))
            .layer(axum::middleware::from_fn(super::error::with_display))
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                super::security::headers,
            ))
            .layer(DefaultBodyLimit::max(BODY_LIMIT))
            // Request start and end at debug level (`RUST_LOG=tower_http=debug`): the first place
            // to look when a page does not answer.
            .layer(tower_http::trace::TraceLayer::new_for_http())
            .with_state(state.clone());
        Ok(Application {
            listener,
            router,
            state,
            config,
            anchor,
            mailer,
            demo_logins,
            anchor_info,
            mail_info,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves until the future is dropped (tests) or Ctrl-C (the CLI), with background jobs.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let jobs = jobs::spawn(
            self.state.db.clone(),
            self.state.clock.clone(),
            DbSessionStore::new(self.state.db.clone()),
            self.config.jobs_every,
            self.config.downtime_threshold,
        );
        // Dropping this future (a test stopping the server) must stop the jobs too.
        struct AbortOnDrop(tokio::task::JoinHandle<()>);
        impl Drop for AbortOnDrop {
            fn drop(&mut self) {
                self.0.abort();
            }
        }
        let _jobs = AbortOnDrop(jobs);
        let _anchor = self.anchor.map(|anchor| {
            AbortOnDrop(super::audit_anchor::spawn(
                anchor,
                self.state.db.clone(),
                self.state.clock.clone(),
                self.config
                    .jobs_every
                    .min(std::time::Duration::from_secs(5)),
            ))
        });
        let _mail = self.mailer.map(|(mailer, every)| {
            AbortOnDrop(super::mail::spawn(
                self.state.db.clone(),
                mailer,
                self.state.clock.clone(),
                every,
            ))
        });
        // The peer's address reaches handlers (the sign-in limit counts failures by address).
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
    }
}

/// The app's routes, generated once per process. Generating them runs the app with resource
/// loading suppressed through a process-wide flag, so a page rendering at that moment in
/// another app instance (several run side by side in the tests) would wait on its resource
/// forever (leptos-rs/leptos#4773). The list is the same every time, so once is enough.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Every server function the app registers (path and method), for the access walker test.
pub fn server_functions() -> Vec<(String, String)> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path.to_string(), method.to_string()))
        .collect()
}
