//! The app's one error type, mapped to an HTTP status.
//!
//! User mistakes are 4xx with a message a person can act on; unexpected errors are 500, logged
//! with context and never shown (STYLE.md, "Errors"). A database that cannot be reached just now
//! is 503 with `Retry-After`, and says so: the request changed nothing and may be sent again.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::html::escape;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("please sign in to continue")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// Signed in with a password an administrator chose: the person must choose their own
    /// before anything else (the password page, `/settings/password`).
    #[error("choose your own password first, at /settings/password")]
    MustChangePassword,
    #[error("{0}")]
    TooLarge(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The database could not be reached where the error's type was lost on the way (the
    /// session store reports its failures as text).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::MustChangePassword => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Database(e) if super::db::is_unavailable(e) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Database(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message a person may see: server faults are logged here and replaced.
    pub fn public_message(&self) -> String {
        let status = self.status();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            // Expected in an outage, one per request: a warning, not an error.
            tracing::warn!(error = %self, "database unavailable");
            crate::t!("error-unavailable")
        } else if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
            crate::t!("error-server")
        } else if matches!(self, AppError::MustChangePassword) {
            crate::t!("password-must-change")
        } else {
            self.to_string()
        }
    }

    /// Converts for a Leptos server function, setting the page's HTTP status on the way.
    pub fn into_server_fn_error(self) -> leptos::prelude::ServerFnError {
        self.set_response_status();
        leptos::prelude::ServerFnError::ServerError(self.public_message())
    }

    /// Sets the status (and for 503, `Retry-After`) of the response being built by Leptos.
    fn set_response_status(&self) {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(self.status());
            if self.status() == StatusCode::SERVICE_UNAVAILABLE {
                response.insert_header(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from(RETRY_AFTER_S),
                );
            }
        }
    }

    /// Converts for the instant save, which tells an unavailable database (sent again by the
    /// page) from a refusal (said once), setting the HTTP status on the way.
    pub fn into_save_error(self) -> crate::dto::SaveError {
        self.set_response_status();
        let message = self.public_message();
        if self.status() == StatusCode::SERVICE_UNAVAILABLE {
            // The page's status line says "Not saved: …" and that it sends the save again.
            crate::dto::SaveError::Unavailable(crate::t!("error-unavailable-short"))
        } else {
            crate::dto::SaveError::Refused(message)
        }
    }
}

tokio::task_local! {
    /// The display settings of the request being answered, for its error page.
    static DISPLAY: crate::display::DisplaySettings;
    /// Whether the request being answered is a GET, which its error page may repeat by itself.
    static IS_GET: bool;
    /// The path and query of the request being answered, to return to after signing in.
    static REQUEST_PAGE: String;
}

/// Seconds after which a page that met an unavailable database asks again (and what
/// `Retry-After` tells other clients).
pub const RETRY_AFTER_S: u32 = 5;

/// Middleware: keeps the request's display settings and interface language at hand while it
/// is answered, so an error page or a form's message follows what the person chose, like
/// every other page.
pub async fn with_display(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let settings = crate::display::DisplaySettings::from_headers(request.headers());
    let lang = settings.lang(request.headers());
    let get = request.method() == axum::http::Method::GET;
    let page = page_of(request.method(), request.uri());
    let run = crate::server::language::REQUEST_LANG.scope(lang, next.run(request));
    let run = REQUEST_PAGE.scope(page, run);
    DISPLAY.scope(settings, IS_GET.scope(get, run)).await
}

/// The page a request opened, to return to after signing in: a GET's path and query (not a
/// server function's); empty otherwise, which allocates nothing (the answer saves of exam day
/// are POSTs).
pub fn page_of(method: &axum::http::Method, uri: &axum::http::Uri) -> String {
    match uri.path_and_query() {
        Some(pq) if method == axum::http::Method::GET && !pq.path().starts_with("/api/") => {
            pq.as_str().to_string()
        }
        _ => String::new(),
    }
}

/// [`page_of`] the request being answered by a handler. (A page's resources may load on
/// another task, where this is not set: they read the request's parts from their context.)
fn page_to_return_to() -> String {
    REQUEST_PAGE.try_with(Clone::clone).unwrap_or_default()
}

/// A small page that tells a form's outcome that cannot travel in an address (a one-time
/// code), with a way back; 200, in the same frame as [`error_page`].
pub fn notice_page(title: &str, message: &str, back: Option<(&str, &str)>) -> Response {
    simple_page(StatusCode::OK, title, message, "status", back)
}

/// A small, accessible error page for plain form posts, with a way back.
pub fn error_page(status: StatusCode, message: &str, back: Option<(&str, &str)>) -> Response {
    // Plain words for the heading rather than the protocol's ("Bad Request").
    let title = match status.as_u16() {
        400 => crate::t!("error-title-400"),
        401 => crate::t!("error-title-401"),
        403 => crate::t!("error-title-403"),
        404 => crate::t!("error-title-404"),
        409 => crate::t!("error-title-409"),
        413 => crate::t!("error-title-413"),
        503 => crate::t!("error-title-503"),
        _ if status.is_server_error() => crate::t!("error-title-500"),
        _ => crate::t!("error-title-other"),
    };
    simple_page(status, &title, message, "alert", back)
}

fn simple_page(
    status: StatusCode,
    title: &str,
    message: &str,
    role: &str,
    back: Option<(&str, &str)>,
) -> Response {
    let display = DISPLAY
        .try_with(|d| d.html_attributes())
        .unwrap_or_default();
    let title = escape(title);
    let lang = crate::i18n::page_lang().code();
    let dashboard = crate::t!("back-to-dashboard");
    let back = back
        .map(|(href, label)| format!(r#"<p><a href="{}">{}</a></p>"#, escape(href), escape(label)))
        .unwrap_or_default();
    // A page that could not be read for want of the database loads itself again in a few
    // seconds (a GET only: repeating a form post is the candidate's choice, with the form).
    let unavailable = status == StatusCode::SERVICE_UNAVAILABLE;
    let again = unavailable && IS_GET.try_with(|get| *get).unwrap_or(false);
    let (refresh, retry_note) = if again {
        (
            format!(r#"<meta http-equiv="refresh" content="{RETRY_AFTER_S}">"#),
            format!(
                "<p>{}</p>",
                escape(&crate::t!(
                    "error-unavailable-reloads",
                    seconds = RETRY_AFTER_S
                ))
            ),
        )
    } else {
        (String::new(), String::new())
    };
    let body = format!(
        r#"<!DOCTYPE html><html lang="{lang}"{display}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">{refresh}<title>{title} · Certamen</title><link rel="stylesheet" href="/assets/certamen.css"></head><body><main id="main" class="page"><h1>{title}</h1><p role="{role}">{}</p>{retry_note}{back}<p><a href="/dashboard">{dashboard}</a></p></main></body></html>"#,
        escape(message)
    );
    let mut response = (status, Html(body)).into_response();
    if unavailable {
        response.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from(RETRY_AFTER_S),
        );
    }
    response
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            // To the sign-in page, and back to this page afterwards when it is one to open
            // (a GET; a form post is sent again by the person, from its page).
            AppError::Unauthenticated => Redirect::to(&format!(
                "/signin{}",
                super::forms::next_query(&page_to_return_to(), "?")
            ))
            .into_response(),
            AppError::MustChangePassword => {
                Redirect::to("/settings/password?required=1").into_response()
            }
            other => error_page(other.status(), &other.public_message(), None),
        }
    }
}
