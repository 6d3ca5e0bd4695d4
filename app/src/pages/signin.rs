//! The sign-in page: email and password (argon2 on the server), a plain form; `signin.js`
//! tells the candidate why a sign-in takes long when many arrive at once.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::Header;
use super::passkeys::PasskeyStatus;
use crate::t;

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let failed = move || query.read().get("error").as_deref() == Some("credentials");
    // Held back after repeated failures: for how many minutes (a number, or nothing shown).
    let held = move || {
        (query.read().get("error").as_deref() == Some("held")).then(|| {
            query
                .read()
                .get("minutes")
                .and_then(|m| m.parse::<u32>().ok())
                .unwrap_or(15)
        })
    };
    // The page a signed-out person was sent here from, to return to (the server checks it).
    let next = query.read_untracked().get("next").unwrap_or_default();
    let came_from_page = !next.is_empty();
    view! {
        <Title text=format!("{} · Certamen", t!("signin-title"))/>
        <Header/>
        <main id="main" class="page narrow">
            <h1>{t!("signin-title")}</h1>
            {came_from_page.then(|| view! {
                <p class="notice" role="status">{t!("signin-to-continue")}</p>
            })}
            {query.read_untracked().get("reset").is_some().then(|| view! {
                <p class="notice" role="status">{t!("signin-password-reset")}</p>
            })}
            {move || failed().then(|| view! {
                <div class="notice error" role="alert">
                    <p>{t!("signin-failed")}</p>
                </div>
            })}
            {move || held().map(|minutes| view! {
                <div class="notice error" role="alert">
                    <p>{t!("signin-held", minutes = minutes)}</p>
                </div>
            })}
            <form id="signin-form" method="post" action="/auth/signin" class="stack">
                <input type="hidden" name="next" value=next/>
                <label for="email">{t!("signin-email")}</label>
                <input id="email" name="email" type="email" autocomplete="username" required/>
                <label for="password">{t!("signin-password")}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                <button type="submit" class="primary">{t!("signin-submit")}</button>
            </form>
            <p><a href="/signin/forgot">{t!("password-forgot-link")}</a></p>
            // Filled by signin.js while a sign-in takes long (many candidates arriving).
            <div
                id="signin-status"
                role="status"
                data-msg-busy=t!("signin-busy")
                data-msg-slow=t!("signin-slow")
            ></div>
            <div class="passkey-option" data-passkey hidden>
                <p>{t!("signin-passkey-intro")}</p>
                <button type="button" id="passkey-sign-in">{t!("signin-passkey-button")}</button>
            </div>
            <PasskeyStatus/>
            <p>{t!("signin-new")} " " <a href="/account/new">{t!("signin-create-account")}</a></p>
            <p><a href="/registry">{t!("registry-link")}</a></p>
            <script src="/assets/signin.js" defer></script>
            <script src="/assets/passkey.js" defer></script>
        </main>
    }
}
