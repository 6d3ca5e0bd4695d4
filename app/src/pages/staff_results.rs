//! Results for program staff: every submitted real attempt with filters, a Release button for
//! a result held for review, and invalidation for a reason the candidate will read.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::{ErrorBox, Header};
use crate::dto::{ResultRow, ResultState, StaffResults};

#[server]
pub async fn load_results(state: String, outcome: String) -> Result<StaffResults, ServerFnError> {
    use crate::server::results;
    let (app, user) = super::layout::ssr::signed_in().await?;
    let load = async {
        crate::server::users::require_staff(&user, "see results")?;
        results::check_filter("state", &state, &results::STATES)?;
        results::check_filter("outcome", &outcome, &results::OUTCOMES)?;
        let rows = results::list(&app.db, &state, &outcome).await?;
        let mut release_after_review = false;
        for id in crate::server::bank::exam_ids(&app.db).await? {
            let (_, exam) = crate::server::bank::latest_exam(&app.db, &id).await?;
            release_after_review |=
                exam.results.release == certamen_item_bank::exam::Release::AfterReview;
        }
        Ok(StaffResults {
            state,
            outcome,
            rows,
            release_after_review,
        })
    };
    load.await
        .map_err(|e: crate::server::error::AppError| e.into_server_fn_error())
}

#[component]
pub fn StaffResultsPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let done = query.read_untracked().get("done");
    let data = Resource::new(
        move || (get("state"), get("outcome")),
        |(s, o)| load_results(s, o),
    );
    view! {
        <Title text="Results · Certamen"/>
        <Header signed_in=true/>
        <main id="main" class="page wide">
            <h1>"Results"</h1>
            {done.map(|d| view! { <p class="notice" role="status">{done_text(&d)}</p> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <ResultsView data=d/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

fn done_text(done: &str) -> String {
    match done.split_once(':') {
        Some(("released", id)) => {
            format!("The result of attempt {id} is released to the candidate.")
        }
        Some(("invalidated", id)) => {
            format!("Attempt {id} is invalidated; the candidate sees the reason.")
        }
        Some(("proposed-invalidation", id)) => format!(
            "Invalidating attempt {id} is proposed. Another staff member must approve it on the proposals page before it takes effect."
        ),
        _ => "Done.".to_string(),
    }
}

fn option(value: &str, label: &str, current: &str) -> impl IntoView {
    let selected = value == current || (value == "all" && current.is_empty());
    view! { <option value=value.to_string() selected=selected>{label.to_string()}</option> }
}

#[component]
fn ResultsView(data: StaffResults) -> impl IntoView {
    let count = data.rows.len();
    view! {
        <p>{if data.release_after_review {
            "This exam releases results after staff review: a held result shows its candidate nothing until you release it."
        } else {
            "This exam releases results as soon as an attempt is submitted."
        }}</p>
        <form method="get" action="/staff/results" class="filters">
            <label for="state">"Result"</label>
            <select id="state" name="state">
                {option("all", "Any", &data.state)}
                {option("under_review", "Held for review", &data.state)}
                {option("released", "Released", &data.state)}
                {option("invalidated", "Invalidated", &data.state)}
            </select>
            <label for="outcome">"Outcome"</label>
            <select id="outcome" name="outcome">
                {option("all", "Any", &data.outcome)}
                {option("passed", "Passed", &data.outcome)}
                {option("not_passed", "Not passed", &data.outcome)}
            </select>
            <button type="submit">"Show"</button>
        </form>
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="results-caption">
            <table>
                <caption id="results-caption">{format!("{count} submitted attempts match (newest first, at most 500)")}</caption>
                <thead><tr>
                    <th scope="col">"Candidate"</th><th scope="col">"Submitted"</th><th scope="col">"Score"</th>
                    <th scope="col">"Outcome"</th><th scope="col">"Result"</th><th scope="col">"Certificate"</th><th scope="col">"Action"</th>
                </tr></thead>
                <tbody>
                    {data.rows.into_iter().map(|r| view! { <ResultLine row=r/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn ResultLine(row: ResultRow) -> impl IntoView {
    let id = row.attempt_id.clone();
    let short: String = id.chars().take(8).collect();
    let state = match &row.state {
        ResultState::Released => "Released".to_string(),
        ResultState::UnderReview => "Held for review".to_string(),
        ResultState::Invalidated(reason) => format!("Invalidated: {reason}"),
    };
    let invalidated = matches!(row.state, ResultState::Invalidated(_));
    let held = row.state == ResultState::UnderReview;
    view! {
        <tr>
            <td>{row.candidate.clone()}<br/><span class="hint">{row.email.clone()}</span></td>
            <td>{row.submitted_on.clone()}</td>
            <td>{format!("{} of {}", row.correct, row.total)}</td>
            <td>{if row.passed { "Passed" } else { "Not passed" }}</td>
            <td>{state}</td>
            <td>{row.certificate.clone().unwrap_or_default()}</td>
            <td>
                {held.then(|| view! {
                    <form method="post" action=format!("/staff/results/{id}/release") class="inline">
                        <button type="submit" aria-label=format!("Release the result of attempt {short}")>"Release"</button>
                    </form>
                })}
                {(!invalidated).then(|| view! {
                    <details>
                        <summary>{format!("Invalidate attempt {short}")}</summary>
                        <form method="post" action=format!("/staff/results/{id}/invalidate") class="stack">
                            <label for=format!("reason-{id}")>"Reason (the candidate will read it)"</label>
                            <textarea id=format!("reason-{id}") name="reason" rows="2" maxlength="2000" required></textarea>
                            <button type="submit">"Propose invalidation"</button>
                            <p class="hint">"Another staff member approves it on the proposals page before it takes effect."</p>
                        </form>
                    </details>
                })}
            </td>
        </tr>
    }
}
