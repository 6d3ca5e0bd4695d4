//! The sign-in page: email and password (argon2 on the server), a plain form.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::Header;

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let failed = move || query.read().get("error").as_deref() == Some("credentials");
    view! {
        <Title text="Sign in · Certamen"/>
        <Header/>
        <main id="main" class="page narrow">
            <h1>"Sign in"</h1>
            {move || failed().then(|| view! {
                <div class="notice error" role="alert">
                    <p>"The email address or password is not right. Check them and try again."</p>
                </div>
            })}
            <form method="post" action="/auth/signin" class="stack">
                <label for="email">"Email address"</label>
                <input id="email" name="email" type="email" autocomplete="username" required/>
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                <button type="submit" class="primary">"Sign in"</button>
            </form>
            <div class="passkey-option" data-passkey hidden>
                <p>"Or sign in with a passkey saved on this device or your phone: enter your email address above, then"</p>
                <button type="button" id="passkey-sign-in">"Sign in with a passkey"</button>
            </div>
            <p id="passkey-status" class="passkey-status" role="status" aria-live="polite"></p>
            <p>"New to the exam? " <a href="/account/new">"Create a candidate account"</a></p>
            <script src="/assets/passkey.js" defer></script>
        </main>
    }
}
