//! Passwords: changing one's own (`/settings/password`), asking for a recovery link
//! (`/signin/forgot`) and choosing a new password through it (`/signin/reset`). Plain forms;
//! the server answers with a redirect back here carrying `?error=` or the outcome.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::{ErrorBox, Header};
use crate::t;

/// Whether the signed-in person must choose their own password first.
#[server]
pub async fn load_password_page() -> Result<bool, ServerFnError> {
    use super::layout::ssr::{signed_in_error, state_and_session};
    let load = async {
        let (state, session) = state_and_session().await?;
        crate::server::auth::require_user_changing_password(&session, &state).await?;
        crate::server::auth::must_change_password(&session).await
    };
    load.await.map_err(signed_in_error)
}

/// The words for a refused new password (`?error=` of the password pages).
fn refusal_text(code: &str) -> Option<String> {
    Some(match code {
        "current" => t!("password-error-current"),
        "short" => t!("password-error-short", n = crate::dto::MIN_PASSWORD),
        "long" => t!("password-error-long"),
        "mismatch" => t!("password-error-mismatch"),
        "same" => t!("password-error-same"),
        "link" => t!("password-error-link"),
        "email" => t!("password-error-email"),
        _ => return None,
    })
}

#[component]
fn Refusal(code: Option<String>) -> impl IntoView {
    code.as_deref().and_then(refusal_text).map(|text| {
        view! {
            <div class="notice error" role="alert" id="password-error"><p>{text}</p></div>
        }
    })
}

/// The new password twice, with the rules said beside it.
#[component]
fn NewPasswordFields() -> impl IntoView {
    view! {
        <label for="new">{t!("password-new")}</label>
        <input id="new" name="new" type="password" autocomplete="new-password" required
            minlength=crate::dto::MIN_PASSWORD maxlength="128" aria-describedby="new-help"/>
        <p id="new-help" class="hint">{t!("password-rules", n = crate::dto::MIN_PASSWORD)}</p>
        <label for="repeat">{t!("password-repeat")}</label>
        <input id="repeat" name="repeat" type="password" autocomplete="new-password" required
            minlength=crate::dto::MIN_PASSWORD maxlength="128"/>
    }
}

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let query = use_query_map();
    let q = query.read_untracked();
    let changed = q.get("changed").is_some();
    let error = q.get("error");
    drop(q);
    let data = Resource::new(|| (), |_| load_password_page());
    view! {
        <Title text=format!("{} · Certamen", t!("password-title"))/>
        <Header signed_in=true/>
        <main id="main" class="page narrow">
            <h1>{t!("password-title")}</h1>
            {changed.then(|| view! { <p class="notice" role="status">{t!("password-changed")}</p> })}
            <Refusal code=error/>
            <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(must_change) => view! {
                            {must_change.then(|| view! {
                                <p class="notice" role="status">{t!("password-must-change")}</p>
                            })}
                            <form method="post" action="/settings/password" class="stack">
                                <label for="current">{if must_change { t!("password-temporary") } else { t!("password-current") }}</label>
                                <input id="current" name="current" type="password" autocomplete="current-password" required/>
                                <NewPasswordFields/>
                                <button type="submit" class="primary">{t!("password-change")}</button>
                            </form>
                            <p>{t!("password-others-signed-out")}</p>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let q = query.read_untracked();
    let sent = q.get("sent").is_some();
    let error = q.get("error");
    drop(q);
    view! {
        <Title text=format!("{} · Certamen", t!("password-forgot-title"))/>
        <Header/>
        <main id="main" class="page narrow">
            <h1>{t!("password-forgot-title")}</h1>
            {sent.then(|| view! { <p class="notice" role="status">{t!("password-forgot-sent", minutes = crate::dto::RESET_LINK_MINUTES)}</p> })}
            <Refusal code=error/>
            <p>{t!("password-forgot-intro")}</p>
            <form method="post" action="/auth/recovery" class="stack">
                <label for="email">{t!("signin-email")}</label>
                <input id="email" name="email" type="email" autocomplete="username" required/>
                <button type="submit" class="primary">{t!("password-forgot-send")}</button>
            </form>
            <p><a href="/signin">{t!("password-back-to-signin")}</a></p>
        </main>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let q = query.read_untracked();
    let token = q.get("token").unwrap_or_default();
    let error = q.get("error");
    drop(q);
    let has_token = !token.is_empty();
    view! {
        <Title text=format!("{} · Certamen", t!("password-reset-title"))/>
        <Header/>
        <main id="main" class="page narrow">
            <h1>{t!("password-reset-title")}</h1>
            <Refusal code=error/>
            {if has_token {
                view! {
                    <p>{t!("password-reset-intro")}</p>
                    <form method="post" action="/auth/reset" class="stack">
                        <input type="hidden" name="token" value=token/>
                        <NewPasswordFields/>
                        <button type="submit" class="primary">{t!("password-reset-submit")}</button>
                    </form>
                }.into_any()
            } else {
                view! { <p><a href="/signin/forgot">{t!("password-reset-ask-again")}</a></p> }.into_any()
            }}
        </main>
    }
}
