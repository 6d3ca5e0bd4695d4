//! A person's passkeys: the list, adding one (with JavaScript: the device creates it), and
//! removing one (a plain form). Passwords keep working beside them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::{ErrorBox, Header};
use crate::dto::PasskeySettings;
use crate::t;

#[server]
pub async fn load_passkeys() -> Result<PasskeySettings, ServerFnError> {
    let (state, user) = super::layout::ssr::signed_in().await?;
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    let load = async {
        let passkeys = crate::server::passkeys::list(&state.db, user.id).await?;
        let with_passkey = crate::server::auth::signed_in_with(&session).await?
            == Some(crate::server::auth::Method::Passkey);
        let privileged = crate::server::enrolment::needs_code(user.role) && !with_passkey;
        Ok(PasskeySettings {
            needs_code: privileged && passkeys.is_empty(),
            needs_passkey_sign_in: privileged && !passkeys.is_empty(),
            passkeys,
            available: state.webauthn.is_some(),
            signed_in_with_passkey: with_passkey,
        })
    };
    load.await
        .map_err(|e: crate::server::error::AppError| e.into_server_fn_error())
}

#[component]
pub fn PasskeysPage() -> impl IntoView {
    let query = use_query_map();
    let note = {
        let q = query.read_untracked();
        if q.get("added").is_some() {
            Some(t!("passkeys-added"))
        } else if q.get("removed").is_some() {
            Some(t!("passkeys-removed"))
        } else {
            None
        }
    };
    let data = Resource::new(|| (), |_| load_passkeys());
    view! {
        <Title text=format!("{} · Certamen", t!("passkeys-title"))/>
        <Header signed_in=true/>
        <main id="main" class="page">
            <h1>{t!("passkeys-title")}</h1>
            {note.map(|n| view! { <p class="notice" role="status">{n}</p> })}
            <p>{t!("passkeys-intro")}</p>
            <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <PasskeyList data=d/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
            <script src="/assets/passkey.js" defer></script>
        </main>
    }
}

#[component]
fn PasskeyList(data: PasskeySettings) -> impl IntoView {
    view! {
        {data.signed_in_with_passkey.then(|| view! { <p>{t!("passkeys-signed-in-with")}</p> })}
        <h2>{t!("passkeys-yours")}</h2>
        {if data.passkeys.is_empty() {
            view! { <p>{t!("passkeys-none")}</p> }.into_any()
        } else {
            view! {
                <ul class="passkeys">
                    {data.passkeys.into_iter().map(|p| view! {
                        <li>
                            <span>{match &p.last_used_on {
                                Some(used) => t!("passkeys-item-used", name = p.name.as_str(), added = p.added_on.as_str(), used = used.as_str()),
                                None => t!("passkeys-item", name = p.name.as_str(), added = p.added_on.as_str()),
                            }}</span>
                            <form method="post" action=format!("/passkeys/{}/remove", p.id) class="inline">
                                <button type="submit" aria-label=t!("passkeys-remove-label", name = p.name.as_str())>{t!("passkeys-remove")}</button>
                            </form>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <h2>{t!("passkeys-add-heading")}</h2>
        {if data.available && data.needs_passkey_sign_in {
            view! { <p>{t!("passkeys-sign-in-with-one")}</p> }.into_any()
        } else if data.available {
            view! {
                <noscript><p>{t!("passkeys-needs-js")}</p></noscript>
                {data.needs_code.then(|| view! { <p id="passkey-code-help">{t!("passkeys-code-help")}</p> })}
                <form id="passkey-add" class="stack" data-passkey hidden>
                    {data.needs_code.then(|| view! {
                        <label for="passkey-code">{t!("passkeys-code-label")}</label>
                        <input type="text" id="passkey-code" name="code" required autocomplete="one-time-code"
                            aria-describedby="passkey-code-help" spellcheck="false"/>
                    })}
                    <label for="passkey-name">{t!("passkeys-name-label")}</label>
                    <input type="text" id="passkey-name" name="name" maxlength="60" required placeholder=t!("passkeys-name-placeholder")/>
                    <button type="submit" class="primary">{t!("passkeys-add")}</button>
                </form>
                <PasskeyStatus/>
            }.into_any()
        } else {
            view! { <p>{t!("passkeys-unavailable-page")}</p> }.into_any()
        }}
    }
}

/// The status line `passkey.js` writes to. It carries the script's words in the page's
/// language (`data-msg-…`), since the script has no messages of its own but English fallbacks.
#[component]
pub fn PasskeyStatus() -> impl IntoView {
    view! {
        <p id="passkey-status" class="passkey-status" role="status" aria-live="polite"
            data-msg-waiting=t!("passkeys-js-waiting")
            data-msg-create=t!("passkeys-js-create")
            data-msg-cancelled=t!("passkeys-js-cancelled")
            data-msg-failed=t!("passkeys-js-failed")
            data-msg-server=t!("passkeys-js-server", status = "{status}")
            data-msg-unsupported=t!("passkeys-js-unsupported")></p>
    }
}
