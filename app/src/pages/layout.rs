//! Pieces every page shares: the header, error boxes, the not-found page, and the server-side
//! helpers that give a server function its state and signed-in user.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::i18n::page_lang;
use crate::t;

#[component]
pub fn Header(#[prop(optional)] signed_in: bool) -> impl IntoView {
    // Display settings and the language switch come back to this page (with its query: a
    // filtered list stays filtered).
    let location = leptos_router::hooks::use_location();
    let search = location.search.get_untracked();
    let here = match search.as_str() {
        "" => location.pathname.get_untracked(),
        q => format!(
            "{}?{}",
            location.pathname.get_untracked(),
            q.trim_start_matches('?')
        ),
    };
    let settings = format!("/settings/display?return_to={}", encode_query(&here));
    // The switch names the other language in itself, so someone who cannot read this page's
    // language can still find their own.
    let other = page_lang().other();
    view! {
        <header class="site-header">
            <span class="brand">"Certamen"</span>
            <nav aria-label=t!("nav-label")>
                <form method="post" action="/settings/language" class="inline">
                    <input type="hidden" name="language" value=other.code()/>
                    <input type="hidden" name="return_to" value=here/>
                    <button type="submit" class="link-button" lang=other.code()>{other.own_name()}</button>
                </form>
                <a href=settings>{t!("nav-display-settings")}</a>
                {signed_in.then(|| view! {
                    <a href="/dashboard">{t!("nav-dashboard")}</a>
                    <form method="post" action="/auth/signout" class="inline">
                        <button type="submit" class="link-button">{t!("nav-sign-out")}</button>
                    </form>
                })}
            </nav>
        </header>
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode_query(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A server error shown in the page, with the server's own words.
#[component]
pub fn ErrorBox(error: ServerFnError) -> impl IntoView {
    let message = match error {
        ServerFnError::ServerError(m) => m,
        other => other.to_string(),
    };
    // A page that could not be read for want of the database (503) loads itself again.
    #[cfg(feature = "ssr")]
    let reload = use_context::<leptos_axum::ResponseOptions>()
        .and_then(|o| o.0.read().ok().and_then(|p| p.status))
        .filter(|s| *s == axum::http::StatusCode::SERVICE_UNAVAILABLE)
        .map(|_| crate::server::error::RETRY_AFTER_S);
    #[cfg(not(feature = "ssr"))]
    let reload: Option<u32> = None;
    view! {
        <div class="notice error" role="alert">
            <p>{message}</p>
            {reload.map(|seconds| view! {
                <Meta http_equiv="refresh" content=seconds.to_string()/>
                <p>{t!("error-unavailable-reloads", seconds = seconds)}</p>
            })}
            <p><a href="/dashboard">{t!("back-to-dashboard")}</a></p>
        </div>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=format!("{} · Certamen", t!("not-found-title"))/>
        <Header/>
        <main id="main" class="page">
            <h1>{t!("not-found-title")}</h1>
            <p>{t!("not-found-text")}</p>
            <p><a href="/dashboard">{t!("go-to-dashboard")}</a></p>
        </main>
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use leptos::prelude::*;
    use tower_sessions::Session;

    use crate::server::auth;
    use crate::server::error::AppError;
    use crate::server::startup::AppState;
    use crate::server::users::User;

    pub fn state() -> Result<AppState, ServerFnError> {
        use_context::<AppState>()
            .ok_or_else(|| ServerFnError::ServerError("application state missing".into()))
    }

    /// A redirect for the page being rendered (302 with Location), reported as an error so
    /// the page renders nothing else.
    pub fn redirect_to(target: &str) -> ServerFnError {
        leptos_axum::redirect(target);
        ServerFnError::ServerError(format!("moved to {target}"))
    }

    /// The app state and the signed-in user, as the app's error (`Unauthenticated` for anyone
    /// signed out); [`signed_in`] for a page.
    pub async fn current_user() -> Result<(AppState, User), AppError> {
        let (state, session) = state_and_session().await?;
        let user = auth::require_user(&session, &state).await?;
        Ok((state, user))
    }

    /// The app state and the request's session, for a read that checks the session itself
    /// (`attempts::Reader`); its errors go through [`signed_in_error`].
    pub async fn state_and_session() -> Result<(AppState, Session), AppError> {
        let state = use_context::<AppState>()
            .ok_or_else(|| AppError::Internal("application state missing".into()))?;
        let session: Session = leptos_axum::extract()
            .await
            .map_err(|e| AppError::Internal(format!("no session: {e}")))?;
        Ok((state, session))
    }

    /// An error of a signed-in read for a page: anyone signed out to the sign-in page.
    pub fn signed_in_error(e: AppError) -> ServerFnError {
        match e {
            AppError::Unauthenticated => not_signed_in(),
            AppError::MustChangePassword => redirect_to("/settings/password?required=1"),
            e => e.into_server_fn_error(),
        }
    }

    /// The app state and the signed-in user; sends anyone else to the sign-in page.
    pub async fn signed_in() -> Result<(AppState, User), ServerFnError> {
        current_user().await.map_err(signed_in_error)
    }

    /// The answer to a request without a signed-in user: to the sign-in page. A page request
    /// gets the 302; a server function called from a script (or any other client) gets 401,
    /// not a server error, beside the redirect header.
    pub fn not_signed_in() -> ServerFnError {
        // Back to this page after signing in (a server function called by a script has no page).
        let parts = use_context::<axum::http::request::Parts>();
        let page = parts
            .as_ref()
            .map(|p| crate::server::error::page_of(&p.method, &p.uri))
            .unwrap_or_default();
        let moved = redirect_to(&format!(
            "/signin{}",
            crate::server::forms::next_query(&page, "?")
        ));
        let html = parts.is_some_and(|p| {
            p.headers
                .get(axum::http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
        });
        if !html {
            if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(axum::http::StatusCode::UNAUTHORIZED);
            }
        }
        moved
    }

    /// Unwraps a read model that may instead name the page to go to.
    pub fn or_redirect<T>(r: Result<Result<T, String>, AppError>) -> Result<T, ServerFnError> {
        match r {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(target)) => Err(redirect_to(&target)),
            Err(e) => Err(signed_in_error(e)),
        }
    }
}
