//! Creating a candidate account: name, email, password, date of birth (18 or older), county and
//! preferred language. A plain form; after a mistake the page comes back with every error
//! listed at the top (each a link to its field) and beside its field, what was typed kept.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::Header;
use crate::dto::FormState;
use crate::places::COUNTIES;
use crate::t;

#[server]
pub async fn load_register_form() -> Result<FormState, ServerFnError> {
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    crate::server::flash::take(&session, "register")
        .await
        .map_err(|e| e.into_server_fn_error())
}

/// The list of a form's errors, each a link to its field (shown above the form).
#[component]
pub fn ErrorSummary(form: FormState) -> impl IntoView {
    (!form.errors.is_empty()).then(|| {
        view! {
            <div class="notice error error-summary" role="alert" aria-labelledby="error-summary-title">
                <h2 id="error-summary-title">{t!("account-error-summary")}</h2>
                <ul>
                    {form.errors.into_iter().map(|e| view! {
                        <li><a href=format!("#{}", e.field)>{e.message}</a></li>
                    }).collect_view()}
                </ul>
            </div>
        }
    })
}

/// A field's error message, placed between its label and its input.
#[component]
pub fn FieldMessage(form: FormState, field: &'static str) -> impl IntoView {
    form.error(field)
        .map(|m| view! { <p class="field-error" id=format!("{field}-error")>{m}</p> })
}

/// `aria-describedby` for a field: its hint (if any) and its error (if any).
pub fn described_by(form: &FormState, field: &str, hint: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{field}-hint"));
    }
    if form.error(field).is_some() {
        ids.push(format!("{field}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let form = Resource::new(|| (), |_| load_register_form());
    // After a registration: the address the link went to (if it has no account yet).
    let sent = use_query_map().read_untracked().get("sent");
    if let Some(email) = sent {
        return view! {
            <Title text=format!("{} · Certamen", t!("account-check-mail-title"))/>
            <Header/>
            <main id="main" class="page narrow">
                <h1>{t!("account-check-mail-title")}</h1>
                <p class="notice" role="status">{t!("account-check-mail", email = email.as_str(), hours = 24)}</p>
                <p>{t!("account-check-mail-none")}</p>
                <p><a href="/signin">{t!("account-sign-in")}</a></p>
            </main>
        }
        .into_any();
    }
    view! {
        <Title text=format!("{} · Certamen", t!("account-title"))/>
        <Header/>
        <main id="main" class="page narrow">
            <h1>{t!("account-heading")}</h1>
            <p>{t!("account-intro")}</p>
            <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
                {move || Suspend::new(async move {
                    let f = form.await.unwrap_or_default();
                    view! { <RegisterForm form=f/> }
                })}
            </Suspense>
            <p>{t!("account-have-one")} " " <a href="/signin">{t!("account-sign-in")}</a></p>
        </main>
    }
    .into_any()
}

/// `/account/confirm?token=…`: the emailed link's page. Confirming is a button (a POST), so a
/// mail scanner that opens links does not use the link up.
#[component]
pub fn ConfirmAccountPage() -> impl IntoView {
    let q = use_query_map();
    let token = q.read_untracked().get("token").unwrap_or_default();
    let error = q.read_untracked().get("error");
    view! {
        <Title text=format!("{} · Certamen", t!("account-confirm-title"))/>
        <Header/>
        <main id="main" class="page narrow">
            <h1>{t!("account-confirm-title")}</h1>
            {error.map(|code| view! {
                <div class="notice error" role="alert"><p>{if code == "exists" { t!("account-confirm-exists") } else { t!("account-confirm-link") }}</p></div>
            })}
            {if token.is_empty() {
                view! { <p><a href="/account/new">{t!("account-confirm-again")}</a> " · " <a href="/signin">{t!("account-sign-in")}</a></p> }.into_any()
            } else {
                view! {
                    <p>{t!("account-confirm-intro")}</p>
                    <form method="post" action="/account/confirm" class="stack">
                        <input type="hidden" name="token" value=token/>
                        <button type="submit" class="primary">{t!("account-confirm-submit")}</button>
                    </form>
                }.into_any()
            }}
        </main>
    }
}

#[component]
fn RegisterForm(form: FormState) -> impl IntoView {
    let invalid = |field: &str| form.error(field).map(|_| "true");
    let county = form.value("county");
    let language = form.value("language");
    view! {
        <ErrorSummary form=form.clone()/>
        <form method="post" action="/account/new" class="stack settings" novalidate>
            <label for="name">{t!("account-name")}</label>
            <FieldMessage form=form.clone() field="name"/>
            <input id="name" name="name" type="text" autocomplete="name" required maxlength="100"
                value=form.value("name") aria-invalid=invalid("name") aria-describedby=described_by(&form, "name", false)/>

            <label for="email">{t!("account-email")}</label>
            <p class="hint" id="email-hint">{t!("account-email-hint")}</p>
            <FieldMessage form=form.clone() field="email"/>
            <input id="email" name="email" type="email" autocomplete="email" required
                value=form.value("email") aria-invalid=invalid("email") aria-describedby=described_by(&form, "email", true)/>

            <label for="password">{t!("account-password")}</label>
            <p class="hint" id="password-hint">{t!("account-password-hint")}</p>
            <FieldMessage form=form.clone() field="password"/>
            <input id="password" name="password" type="password" autocomplete="new-password" required minlength="10"
                aria-invalid=invalid("password") aria-describedby=described_by(&form, "password", true)/>

            <label for="date_of_birth">{t!("account-dob")}</label>
            <p class="hint" id="date_of_birth-hint">{t!("account-dob-hint")}</p>
            <FieldMessage form=form.clone() field="date_of_birth"/>
            <input id="date_of_birth" name="date_of_birth" type="date" autocomplete="bday" required
                value=form.value("date_of_birth") aria-invalid=invalid("date_of_birth")
                aria-describedby=described_by(&form, "date_of_birth", true)/>

            <label for="county">{t!("account-county")}</label>
            <FieldMessage form=form.clone() field="county"/>
            <select id="county" name="county" required aria-invalid=invalid("county") aria-describedby=described_by(&form, "county", false)>
                <option value="" selected=county.is_empty()>{t!("account-county-choose")}</option>
                {COUNTIES.iter().map(|(name, _)| view! {
                    <option value=*name selected=county == *name>{*name}</option>
                }).collect_view()}
            </select>

            <fieldset class="choices" aria-describedby=described_by(&form, "language", true)>
                <legend>{t!("account-language")}</legend>
                <p class="hint" id="language-hint">{t!("account-language-hint")}</p>
                <FieldMessage form=form.clone() field="language"/>
                <div class="choice">
                    <input type="radio" id="language" name="language" value="en" checked=language != "es"/>
                    <label for="language">"English"</label>
                </div>
                <div class="choice">
                    <input type="radio" id="language-es" name="language" value="es" checked=language == "es"/>
                    <label for="language-es" lang="es">"Español"</label>
                </div>
            </fieldset>

            <button type="submit" class="primary">{t!("account-create")}</button>
        </form>
    }
}
