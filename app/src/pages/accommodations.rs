//! A candidate's accommodations: their requests with each decision, the profile their next
//! attempts start with, and the request form (what they need, in their own words, with the
//! documentation note the program asks for).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::account::{described_by, ErrorSummary, FieldMessage};
use super::layout::{ErrorBox, Header};
use crate::dto::{
    need_label, AccommodationRequestRow, AccommodationsView, FormState, ACCOMMODATION_NEEDS,
};
use crate::t;

#[server]
pub async fn load_accommodations() -> Result<AccommodationsView, ServerFnError> {
    use crate::server::{accommodations, bank, flash};
    let (state, user) = super::layout::ssr::signed_in().await?;
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    let load = async {
        if user.role != crate::dto::Role::Candidate {
            return Err(crate::server::error::AppError::Forbidden(
                "accommodations are requested by candidates from their own account".into(),
            ));
        }
        // The program's exam (the first loaded), to put extra time into minutes.
        let exam = match bank::exam_ids(&state.db).await?.first() {
            Some(id) => Some(bank::latest_exam(&state.db, id).await?.1),
            None => None,
        };
        Ok(AccommodationsView {
            requests: accommodations::for_candidate(&state.db, user.id).await?,
            active: accommodations::active_profile(&state.db, user.id)
                .await?
                .map(|(_, p)| p),
            standard_minutes: exam.as_ref().map(|e| e.time_limit_minutes),
            standard_break_minutes: exam.as_ref().map(|e| e.scheduled_break.minutes),
            form: flash::take(&session, "accommodation").await?,
            submitted: false,
        })
    };
    load.await.map_err(|e| e.into_server_fn_error())
}

#[component]
pub fn AccommodationsPage() -> impl IntoView {
    let query = use_query_map();
    let submitted = query.read_untracked().get("sent").is_some();
    let data = Resource::new(|| (), |_| load_accommodations());
    view! {
        <Title text=format!("{} · Certamen", t!("accommodations-title"))/>
        <Header signed_in=true/>
        <main id="main" class="page">
            <h1>{t!("accommodations-title")}</h1>
            <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(mut d) => {
                            d.submitted = submitted;
                            view! { <AccommodationsView data=d/> }.into_any()
                        }
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn AccommodationsView(data: AccommodationsView) -> impl IntoView {
    let pending = data.requests.iter().any(|r| r.status == "pending");
    view! {
        {data.submitted.then(|| view! {
            <p class="notice" role="status">{t!("accommodations-sent")}</p>
        })}
        <p>{t!("accommodations-intro")}</p>
        <p>{t!("accommodations-display-settings")}" "<a href="/settings/display?return_to=%2Faccommodations">{t!("nav-display-settings")}</a>"."</p>
        <section class="card" aria-labelledby="current">
            <h2 id="current">{t!("accommodations-now")}</h2>
            <p>{match &data.active {
                Some(p) => t!("accommodations-now-approved", profile = p.describe(data.standard_minutes)),
                None => t!("accommodations-now-none"),
            }}</p>
        </section>
        {(!data.requests.is_empty()).then(|| view! {
            <h2>{t!("accommodations-requests")}</h2>
            {data.requests.iter().map(|r| view! { <RequestCard request=r.clone() standard_minutes=data.standard_minutes/> }).collect_view()}
        })}
        {if pending {
            view! {
                <h2>{t!("accommodations-ask")}</h2>
                <p>{t!("accommodations-pending")}</p>
            }.into_any()
        } else {
            view! { <RequestForm form=data.form.clone() standard_break=data.standard_break_minutes/> }.into_any()
        }}
    }
}

/// How a request's status reads to the candidate.
pub fn status_text(status: &str) -> String {
    match status {
        "pending" => t!("accommodations-status-pending"),
        "approved" => t!("accommodations-status-approved"),
        "denied" => t!("accommodations-status-denied"),
        _ => t!("accommodations-status-unknown"),
    }
}

#[component]
pub fn RequestCard(
    request: AccommodationRequestRow,
    standard_minutes: Option<u32>,
) -> impl IntoView {
    let heading = format!("request-{}", request.id);
    let labelled_by = heading.clone();
    view! {
        <section class="card request" aria-labelledby=labelled_by>
            <h3 id=heading>{t!("accommodations-card-heading", date = &request.submitted_on, status = status_text(&request.status))}</h3>
            {request.candidate.clone().map(|c| view! { <p><strong>"Candidate: "</strong>{c}</p> })}
            <dl class="facts">
                <dt>{t!("accommodations-asked-for")}</dt>
                <dd>{request.requested.join("; ")}</dd>
                <dt>{t!("accommodations-own-words")}</dt>
                <dd class="prewrap">{request.details.clone()}</dd>
                <dt>{t!("accommodations-documentation")}</dt>
                <dd class="prewrap">{request.documentation.clone()}</dd>
                {request.profile.clone().map(|p| view! {
                    <dt>{t!("accommodations-approved")}</dt>
                    <dd>{p.describe(standard_minutes)}</dd>
                })}
                {request.decided_on.clone().map(|d| view! { <dt>{t!("accommodations-decided-on")}</dt><dd>{d}</dd> })}
                {request.decision_note.clone().map(|n| view! {
                    <dt>{if request.status == "denied" { t!("accommodations-reason") } else { t!("accommodations-staff-note") }}</dt>
                    <dd class="prewrap">{n}</dd>
                })}
            </dl>
        </section>
    }
}

#[component]
fn RequestForm(form: FormState, standard_break: Option<u32>) -> impl IntoView {
    let chosen: Vec<String> = form
        .values
        .iter()
        .filter(|(k, _)| k == "need")
        .map(|(_, v)| v.clone())
        .collect();
    let invalid = |field: &str| form.error(field).map(|_| "true");
    view! {
        <h2>{t!("accommodations-ask")}</h2>
        <ErrorSummary form=form.clone()/>
        <form method="post" action="/accommodations" class="stack settings" novalidate>
            <fieldset aria-describedby=described_by(&form, "need", false)>
                <legend>{t!("accommodations-need-legend")}</legend>
                <FieldMessage form=form.clone() field="need"/>
                {ACCOMMODATION_NEEDS.iter().enumerate().map(|(i, (code, _))| {
                    // The first box carries the field's id, so the error summary's link lands on it.
                    let id = if i == 0 { "need".to_string() } else { format!("need-{code}") };
                    let label = match (*code, standard_break) {
                        ("longer_break", Some(m)) => t!("accommodations-need-with-standard-break", label = need_label(code), minutes = m),
                        _ => need_label(code),
                    };
                    view! {
                        <div class="choice">
                            <input type="checkbox" id=id.clone() name="need" value=*code checked=chosen.iter().any(|c| c == code)/>
                            <label for=id>{label}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <label for="details">{t!("accommodations-details")}</label>
            <p class="hint" id="details-hint">{t!("accommodations-details-hint")}</p>
            <FieldMessage form=form.clone() field="details"/>
            <textarea id="details" name="details" rows="5" maxlength="4000" required
                aria-invalid=invalid("details") aria-describedby=described_by(&form, "details", true)>{form.value("details")}</textarea>
            <label for="documentation">{t!("accommodations-your-documentation")}</label>
            <p class="hint" id="documentation-hint">{t!("accommodations-documentation-hint")}</p>
            <FieldMessage form=form.clone() field="documentation"/>
            <textarea id="documentation" name="documentation" rows="5" maxlength="4000" required
                aria-invalid=invalid("documentation") aria-describedby=described_by(&form, "documentation", true)>{form.value("documentation")}</textarea>
            <button type="submit" class="primary">{t!("accommodations-send")}</button>
        </form>
    }
}
