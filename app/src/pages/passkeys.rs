//! A person's passkeys: the list, adding one (with JavaScript: the device creates it), and
//! removing one (a plain form). Passwords keep working beside them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::{ErrorBox, Header};
use crate::dto::PasskeySettings;

#[server]
pub async fn load_passkeys() -> Result<PasskeySettings, ServerFnError> {
    let (state, user) = super::layout::ssr::signed_in().await?;
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    let load = async {
        Ok(PasskeySettings {
            passkeys: crate::server::passkeys::list(&state.db, user.id).await?,
            available: state.webauthn.is_some(),
            signed_in_with_passkey: crate::server::auth::signed_in_with(&session).await?
                == Some(crate::server::auth::Method::Passkey),
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
            Some("Your passkey is added. Next time, sign in with it.")
        } else if q.get("removed").is_some() {
            Some(
                "The passkey is removed from your account. You can also delete it from the device.",
            )
        } else {
            None
        }
    };
    let data = Resource::new(|| (), |_| load_passkeys());
    view! {
        <Title text="Passkeys · Certamen"/>
        <Header signed_in=true/>
        <main id="main" class="page">
            <h1>"Passkeys"</h1>
            {note.map(|n| view! { <p class="notice" role="status">{n}</p> })}
            <p>"A passkey lets you sign in with your phone, fingerprint, face or device PIN instead of typing your password. Nobody can guess or steal it from this site, because the secret never leaves your device. Your password keeps working too."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
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
        {data.signed_in_with_passkey.then(|| view! { <p>"You signed in with a passkey this time."</p> })}
        <h2>"Your passkeys"</h2>
        {if data.passkeys.is_empty() {
            view! { <p>"You have no passkey yet."</p> }.into_any()
        } else {
            view! {
                <ul class="passkeys">
                    {data.passkeys.into_iter().map(|p| view! {
                        <li>
                            <span>{format!("{}: added {}{}", p.name, p.added_on,
                                p.last_used_on.map(|d| format!(", last used {d}")).unwrap_or_default())}</span>
                            <form method="post" action=format!("/passkeys/{}/remove", p.id) class="inline">
                                <button type="submit" aria-label=format!("Remove the passkey {}", p.name)>"Remove"</button>
                            </form>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <h2>"Add a passkey"</h2>
        {if data.available {
            view! {
                <noscript><p>"Adding a passkey needs JavaScript, which is off in this browser."</p></noscript>
                <form id="passkey-add" class="stack" data-passkey hidden>
                    <label for="passkey-name">"A name to recognise it by"</label>
                    <input type="text" id="passkey-name" name="name" maxlength="60" required placeholder="My phone"/>
                    <button type="submit" class="primary">"Add a passkey"</button>
                </form>
                <p id="passkey-status" class="passkey-status" role="status" aria-live="polite"></p>
            }.into_any()
        } else {
            view! { <p>"Passkeys are not available at this address: they need the site's domain name. Ask your administrator."</p> }.into_any()
        }}
    }
}
