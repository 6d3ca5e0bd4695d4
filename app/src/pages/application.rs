//! A candidate's application for certification: its status and every decision, and the form
//! (pathway, training provider and date or out-of-state certification, lived experience and
//! the attestations the program requires). A returned application is corrected by sending a
//! new one; the old one and its reason stay in the list.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::account::{described_by, ErrorSummary, FieldMessage};
use super::layout::{ErrorBox, Header};
use crate::dto::{ApplicationRow, ApplicationView, FormState, ATTESTATIONS};
use crate::places::OTHER_STATES;
use crate::t;

#[server]
pub async fn load_application() -> Result<ApplicationView, ServerFnError> {
    use crate::server::{applications, flash};
    let (state, user) = super::layout::ssr::signed_in().await?;
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    let load = async {
        if user.role != crate::dto::Role::Candidate {
            return Err(crate::server::error::AppError::Forbidden(
                "applications are made by candidates from their own account".into(),
            ));
        }
        Ok(ApplicationView {
            applications: applications::for_candidate(&state.db, user.id).await?,
            providers: applications::active_providers(&state.db).await?,
            form: flash::take(&session, "application").await?,
        })
    };
    load.await.map_err(|e| e.into_server_fn_error())
}

#[component]
pub fn ApplicationPage() -> impl IntoView {
    let query = use_query_map();
    let sent = query.read_untracked().get("sent").is_some();
    let data = Resource::new(|| (), |_| load_application());
    view! {
        <Title text=format!("{} · Certamen", t!("application-yours"))/>
        <Header signed_in=true/>
        <main id="main" class="page">
            <h1>{t!("application-heading")}</h1>
            {sent.then(|| view! {
                <p class="notice" role="status">{t!("application-sent")}</p>
            })}
            <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <ApplicationView data=d/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// How an application's status reads.
pub fn status_text(status: &str) -> String {
    match status {
        "submitted" => t!("application-status-submitted"),
        "approved" => t!("application-status-approved"),
        "returned" => t!("application-status-returned"),
        _ => t!("application-status-unknown"),
    }
}

/// An attestation's words in the page's language (`words`, from `ATTESTATIONS`, for any other).
fn attestation_text(name: &str, words: &str) -> String {
    match name {
        "attest_lived_experience" => t!("application-attest-lived-experience"),
        "attest_code_of_ethics" => t!("application-attest-code-of-ethics"),
        "attest_education" => t!("application-attest-education"),
        "attest_training" => t!("application-attest-training"),
        _ => words.to_string(),
    }
}

#[component]
fn ApplicationView(data: ApplicationView) -> impl IntoView {
    let can_apply = data
        .applications
        .first()
        .is_none_or(|a| a.status == "returned");
    view! {
        <p>{t!("application-intro")}</p>
        {data.applications.iter().map(|a| view! { <ApplicationCard application=a.clone()/> }).collect_view()}
        {can_apply.then(|| view! { <ApplicationForm form=data.form.clone() providers=data.providers.clone()/> })}
    }
}

#[component]
pub fn ApplicationCard(application: ApplicationRow) -> impl IntoView {
    let heading = format!("application-{}", application.id);
    let labelled_by = heading.clone();
    view! {
        <section class="card" aria-labelledby=labelled_by>
            <h2 id=heading>{t!("application-card-heading", date = &application.submitted_on, status = status_text(&application.status))}</h2>
            {application.candidate.clone().map(|c| view! { <p><strong>"Candidate: "</strong>{c}</p> })}
            <dl class="facts">
                <dt>{t!("application-pathway")}</dt>
                <dd>{application.pathway_text.clone()}</dd>
                <dt>{t!("application-lived-experience")}</dt>
                <dd>{application.lived_experience.clone()}</dd>
                <dt>{t!("application-attestations")}</dt>
                <dd>{t!("application-attestations-confirmed")}</dd>
                {application.decided_on.clone().map(|d| view! { <dt>{t!("application-decided-on")}</dt><dd>{d}</dd> })}
                {application.decision_note.clone().map(|n| view! {
                    <dt>{if application.status == "returned" { t!("application-what-to-correct") } else { t!("application-staff-note") }}</dt>
                    <dd class="prewrap">{n}</dd>
                })}
            </dl>
        </section>
    }
}

#[component]
fn ApplicationForm(form: FormState, providers: Vec<(i64, String)>) -> impl IntoView {
    let invalid = |field: &str| form.error(field).map(|_| "true");
    let pathway = form.value("pathway");
    let provider = form.value("training_provider");
    let state = form.value("other_state");
    let lived = form.value("lived_experience");
    let ticked = |name: &str| form.value(name) == "on";
    view! {
        <h2>{t!("application-yours")}</h2>
        <ErrorSummary form=form.clone()/>
        <form method="post" action="/application" class="stack settings" novalidate>
            <fieldset aria-describedby=described_by(&form, "pathway", false)>
                <legend>{t!("application-pathway-legend")}</legend>
                <FieldMessage form=form.clone() field="pathway"/>
                <div class="choice">
                    <input type="radio" id="pathway" name="pathway" value="training" checked=pathway == "training"/>
                    <label for="pathway">{t!("application-pathway-training")}</label>
                </div>
                <div class="choice">
                    <input type="radio" id="pathway-reciprocity" name="pathway" value="reciprocity" checked=pathway == "reciprocity"/>
                    <label for="pathway-reciprocity">{t!("application-pathway-reciprocity")}</label>
                </div>
            </fieldset>

            <fieldset>
                <legend>{t!("application-training-legend")}</legend>
                <p class="hint" id="training-hint">{t!("application-training-hint")}</p>
                <label for="training_provider">{t!("application-training-provider")}</label>
                <FieldMessage form=form.clone() field="training_provider"/>
                <select id="training_provider" name="training_provider" aria-invalid=invalid("training_provider")
                    aria-describedby=described_by(&form, "training_provider", false)>
                    <option value="" selected=provider.is_empty()>{if providers.is_empty() { t!("application-no-providers") } else { t!("application-choose-provider") }}</option>
                    {providers.iter().map(|(id, name)| {
                        let value = id.to_string();
                        let selected = provider == value;
                        view! { <option value=value selected=selected>{name.clone()}</option> }
                    }).collect_view()}
                </select>
                <label for="training_completed_on">{t!("application-completed-on")}</label>
                <p class="hint" id="training_completed_on-hint">{t!("application-completed-on-hint")}</p>
                <FieldMessage form=form.clone() field="training_completed_on"/>
                <input type="date" id="training_completed_on" name="training_completed_on" value=form.value("training_completed_on")
                    aria-invalid=invalid("training_completed_on") aria-describedby=described_by(&form, "training_completed_on", true)/>
            </fieldset>

            <fieldset>
                <legend>{t!("application-reciprocity-legend")}</legend>
                <p class="hint">{t!("application-reciprocity-hint")}</p>
                <label for="other_state">{t!("application-other-state")}</label>
                <FieldMessage form=form.clone() field="other_state"/>
                <select id="other_state" name="other_state" aria-invalid=invalid("other_state") aria-describedby=described_by(&form, "other_state", false)>
                    <option value="" selected=state.is_empty()>{t!("application-choose-state")}</option>
                    {OTHER_STATES.iter().map(|s| view! { <option value=*s selected=state == *s>{*s}</option> }).collect_view()}
                </select>
                <label for="other_credential">{t!("application-other-credential")}</label>
                <FieldMessage form=form.clone() field="other_credential"/>
                <input type="text" id="other_credential" name="other_credential" maxlength="50" value=form.value("other_credential")
                    aria-invalid=invalid("other_credential") aria-describedby=described_by(&form, "other_credential", false)/>
            </fieldset>

            <fieldset aria-describedby=described_by(&form, "lived_experience", false)>
                <legend>{t!("application-lived-legend")}</legend>
                <FieldMessage form=form.clone() field="lived_experience"/>
                <div class="choice">
                    <input type="radio" id="lived_experience" name="lived_experience" value="self" checked=lived == "self"/>
                    <label for="lived_experience">{t!("application-lived-self")}</label>
                </div>
                <div class="choice">
                    <input type="radio" id="lived_experience-family" name="lived_experience" value="family" checked=lived == "family"/>
                    <label for="lived_experience-family">{t!("application-lived-family")}</label>
                </div>
            </fieldset>

            <fieldset>
                <legend>{t!("application-statements-legend")}</legend>
                {ATTESTATIONS.iter().map(|(name, words)| view! {
                    <FieldMessage form=form.clone() field=*name/>
                    <div class="choice">
                        <input type="checkbox" id=*name name=*name value="on" checked=ticked(name)
                            aria-invalid=invalid(name) aria-describedby=described_by(&form, name, false)/>
                        <label for=*name>{attestation_text(name, words)}</label>
                    </div>
                }).collect_view()}
            </fieldset>
            <button type="submit" class="primary">{t!("application-send")}</button>
        </form>
    }
}
