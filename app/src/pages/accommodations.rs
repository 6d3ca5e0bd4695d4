//! A candidate's accommodations: their requests with each decision, the profile their next
//! attempts start with, and the request form (what they need, in their own words, with the
//! documentation note the program asks for).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::account::{described_by, ErrorSummary, FieldMessage};
use super::layout::{ErrorBox, Header};
use crate::dto::{AccommodationRequestRow, AccommodationsView, FormState, ACCOMMODATION_NEEDS};

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
        <Title text="Accommodations · Certamen"/>
        <Header signed_in=true/>
        <main id="main" class="page">
            <h1>"Accommodations"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
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
            <p class="notice" role="status">"Your request has been sent. Program staff will decide it and you will see their decision here."</p>
        })}
        <p>"If a disability or health condition affects how you take tests, you can ask for an accommodation, such as extra time, a longer break, or having the questions read aloud. Program staff decide each request. An approved accommodation applies to every exam attempt you start after the decision; it does not change an attempt already under way."</p>
        <p>"Colours, text size, line focus and reduced motion need no approval: choose them in " <a href="/settings/display?return_to=%2Faccommodations">"Display settings"</a> "."</p>
        <section class="card" aria-labelledby="current">
            <h2 id="current">"Your accommodations now"</h2>
            <p>{match &data.active {
                Some(p) => format!("Approved: {}. These apply to your next exam attempts.", p.describe(data.standard_minutes)),
                None => "None approved. Your exam has the standard time and break.".to_string(),
            }}</p>
        </section>
        {(!data.requests.is_empty()).then(|| view! {
            <h2>"Your requests"</h2>
            {data.requests.iter().map(|r| view! { <RequestCard request=r.clone() standard_minutes=data.standard_minutes/> }).collect_view()}
        })}
        {if pending {
            view! {
                <h2>"Ask for an accommodation"</h2>
                <p>"You have a request waiting for a decision. You can ask for something else once staff have decided it."</p>
            }.into_any()
        } else {
            view! { <RequestForm form=data.form.clone() standard_break=data.standard_break_minutes/> }.into_any()
        }}
    }
}

/// How a request's status reads to the candidate.
pub fn status_text(status: &str) -> &'static str {
    match status {
        "pending" => "Waiting for a decision",
        "approved" => "Approved",
        "denied" => "Not approved",
        _ => "Unknown",
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
            <h3 id=heading>{format!("Request of {}: {}", request.submitted_on, status_text(&request.status))}</h3>
            {request.candidate.clone().map(|c| view! { <p><strong>"Candidate: "</strong>{c}</p> })}
            <dl class="facts">
                <dt>"Asked for"</dt>
                <dd>{request.requested.join("; ")}</dd>
                <dt>"In the candidate's words"</dt>
                <dd class="prewrap">{request.details.clone()}</dd>
                <dt>"Documentation"</dt>
                <dd class="prewrap">{request.documentation.clone()}</dd>
                {request.profile.clone().map(|p| view! {
                    <dt>"Approved"</dt>
                    <dd>{p.describe(standard_minutes)}</dd>
                })}
                {request.decided_on.clone().map(|d| view! { <dt>"Decided on"</dt><dd>{d}</dd> })}
                {request.decision_note.clone().map(|n| view! {
                    <dt>{if request.status == "denied" { "Reason" } else { "Note from staff" }}</dt>
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
        <h2>"Ask for an accommodation"</h2>
        <ErrorSummary form=form.clone()/>
        <form method="post" action="/accommodations" class="stack settings" novalidate>
            <fieldset aria-describedby=described_by(&form, "need", false)>
                <legend>"What do you need? Choose all that apply."</legend>
                <FieldMessage form=form.clone() field="need"/>
                {ACCOMMODATION_NEEDS.iter().enumerate().map(|(i, (code, label))| {
                    // The first box carries the field's id, so the error summary's link lands on it.
                    let id = if i == 0 { "need".to_string() } else { format!("need-{code}") };
                    let label = match (*code, standard_break) {
                        ("longer_break", Some(m)) => format!("{label} (the standard break is {m} minutes)"),
                        _ => (*label).to_string(),
                    };
                    view! {
                        <div class="choice">
                            <input type="checkbox" id=id.clone() name="need" value=*code checked=chosen.iter().any(|c| c == code)/>
                            <label for=id>{label}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <label for="details">"Describe what you need and why"</label>
            <p class="hint" id="details-hint">"For example: how much extra time, or how a condition affects reading or sitting for long periods."</p>
            <FieldMessage form=form.clone() field="details"/>
            <textarea id="details" name="details" rows="5" maxlength="4000" required
                aria-invalid=invalid("details") aria-describedby=described_by(&form, "details", true)>{form.value("details")}</textarea>
            <label for="documentation">"Your documentation"</label>
            <p class="hint" id="documentation-hint">"The program asks for documentation from a qualified professional (for example a doctor, psychologist or counselor) that describes the condition and the accommodation it calls for. Say who wrote it, when, and what it recommends. Staff may contact you for a copy."</p>
            <FieldMessage form=form.clone() field="documentation"/>
            <textarea id="documentation" name="documentation" rows="5" maxlength="4000" required
                aria-invalid=invalid("documentation") aria-describedby=described_by(&form, "documentation", true)>{form.value("documentation")}</textarea>
            <button type="submit" class="primary">"Send the request"</button>
        </form>
    }
}
