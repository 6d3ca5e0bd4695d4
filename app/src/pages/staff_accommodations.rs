//! The staff queue of accommodation requests: each pending request with the candidate's words
//! and documentation note, and a decision form that approves an exact profile (exam time,
//! break length and whether it may be taken at any point, text-to-speech) or denies with a reason the candidate will read.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::accommodations::{status_text, RequestCard};
use super::layout::{ErrorBox, Header};
use crate::dto::{AccommodationRequestRow, StaffAccommodations};

#[server]
pub async fn load_staff_accommodations() -> Result<StaffAccommodations, ServerFnError> {
    use crate::server::{accommodations, bank};
    let (state, user) = super::layout::ssr::signed_in().await?;
    let load = async {
        crate::server::users::require_staff(&user, "decide accommodation requests")?;
        let (pending, decided) = accommodations::queue(&state.db).await?;
        let standard_break_minutes = match bank::exam_ids(&state.db).await?.first() {
            Some(id) => {
                bank::latest_exam(&state.db, id)
                    .await?
                    .1
                    .scheduled_break
                    .minutes
            }
            None => 15,
        };
        Ok(StaffAccommodations {
            pending,
            decided,
            standard_break_minutes,
            saved: None,
        })
    };
    load.await
        .map_err(|e: crate::server::error::AppError| e.into_server_fn_error())
}

#[component]
pub fn StaffAccommodationsPage() -> impl IntoView {
    let query = use_query_map();
    let saved = query.read_untracked().get("decided");
    let data = Resource::new(|| (), |_| load_staff_accommodations());
    view! {
        <Title text="Accommodation requests · Certamen"/>
        <Header signed_in=true/>
        <main id="main" class="page wide">
            <h1>"Accommodation requests"</h1>
            {saved.map(|id| view! { <p class="notice" role="status">{format!("Your decision on request {id} is recorded. The candidate sees it on their accommodations page.")}</p> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <Queue data=d/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn Queue(data: StaffAccommodations) -> impl IntoView {
    let standard_break = data.standard_break_minutes;
    view! {
        <h2>{format!("Waiting for a decision ({})", data.pending.len())}</h2>
        {data.pending.is_empty().then(|| view! { <p>"No request is waiting."</p> })}
        {data.pending.into_iter().map(|r| view! { <Pending request=r standard_break=standard_break/> }).collect_view()}
        <h2>"Latest decisions"</h2>
        {if data.decided.is_empty() {
            view! { <p>"No request has been decided yet."</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="decided-caption">
                    <table>
                        <caption id="decided-caption">"The 50 latest decisions, newest first"</caption>
                        <thead><tr><th scope="col">"Request"</th><th scope="col">"Candidate"</th><th scope="col">"Decision"</th><th scope="col">"Decided on"</th></tr></thead>
                        <tbody>
                            {data.decided.into_iter().map(|r| view! {
                                <tr>
                                    <td>{r.id}</td>
                                    <td>{r.candidate.clone().unwrap_or_default()}</td>
                                    <td>{match (&r.profile, &r.decision_note) {
                                        (Some(p), _) => format!("{}: {}", status_text(&r.status), p.describe(None)),
                                        (None, Some(n)) => format!("{}: {n}", status_text(&r.status)),
                                        (None, None) => status_text(&r.status).to_string(),
                                    }}</td>
                                    <td>{r.decided_on.clone().unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

#[component]
fn Pending(request: AccommodationRequestRow, standard_break: u32) -> impl IntoView {
    let id = request.id;
    let f = move |name: &str| format!("r{id}-{name}");
    view! {
        <RequestCard request=request standard_minutes=None/>
        <form method="post" action=format!("/staff/accommodations/{id}/decision") class="stack settings decision">
            <fieldset>
                <legend>{format!("Decision on request {id}")}</legend>
                <div class="choice">
                    <input type="radio" id=f("approve") name="decision" value="approve" checked=true/>
                    <label for=f("approve")>"Approve with this profile"</label>
                </div>
                <div class="choice">
                    <input type="radio" id=f("deny") name="decision" value="deny"/>
                    <label for=f("deny")>"Deny (give the reason below)"</label>
                </div>
            </fieldset>
            <label for=f("time")>"Exam time, percent of the standard time"</label>
            <p class="hint" id=f("time-hint")>"100 is the standard time, 150 time and a half, 200 double time; any whole number from 100 to 400."</p>
            <input type="number" id=f("time") name="time_percent" min="100" max="400" step="1" value="100" aria-describedby=f("time-hint")/>
            <label for=f("break")>"Scheduled break, minutes"</label>
            <input type="number" id=f("break") name="break_minutes" min="1" max="240" step="1" value=standard_break.to_string()/>
            <label for=f("breaks")>"Number of breaks"</label>
            <p class="hint" id=f("breaks-hint")>"Each of the length above. Scheduled breaks are spaced evenly through the exam (two breaks: after a third and two thirds of the questions)."</p>
            <input type="number" id=f("breaks") name="break_count" min="1" max="4" step="1" value="1" aria-describedby=f("breaks-hint")/>
            <div class="choice">
                <input type="checkbox" id=f("speech") name="speech" value="on"/>
                <label for=f("speech")>"Text-to-speech: questions and answers read aloud on request"</label>
            </div>
            <div class="choice">
                <input type="checkbox" id=f("anytime") name="break_anytime" value="on"/>
                <label for=f("anytime")>"The break may be taken at any point of the exam, not only at its scheduled place"</label>
            </div>
            <label for=f("note")>"Note to the candidate (required when denying)"</label>
            <textarea id=f("note") name="note" rows="3" maxlength="4000"></textarea>
            <button type="submit" class="primary">"Record the decision"</button>
        </form>
    }
}
