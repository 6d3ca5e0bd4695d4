//! The review screen: every question answered, unanswered or flagged, and the confirmed final
//! submit (WCAG 3.3.4: the candidate confirms before an irreversible step).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::layout::{ErrorBox, Header};
use super::timer::Countdown;
use crate::dto::{Review, ReviewRow};

#[server]
pub async fn load_review(attempt_id: String) -> Result<Review, ServerFnError> {
    let (state, user) = super::layout::ssr::signed_in().await?;
    let now = state.clock.now_ms();
    super::layout::ssr::or_redirect(
        crate::server::attempts::review(&state.db, now, user.id, &attempt_id).await,
    )
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        load_review,
    );
    view! {
        <Title text="Review your answers · Certamen"/>
        <Header signed_in=true/>
        <main id="main" class="page exam">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(r) => view! { <ReviewView review=r/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn ReviewView(review: Review) -> impl IntoView {
    let unanswered = review.rows.iter().filter(|r| !r.answered()).count();
    let incomplete = review.rows.iter().filter(|r| r.incomplete()).count();
    let flagged = review.rows.iter().filter(|r| r.flagged).count();
    let id = review.attempt_id.clone();
    view! {
        <div class="exam-bar">
            <h1>"Review your answers"</h1>
            <Countdown remaining_ms=review.remaining_ms lang=crate::i18n::page_lang()/>
        </div>
        <p>{format!("Answered: {} · Unanswered: {unanswered} · Flagged: {flagged}",
            review.rows.len() - unanswered)}</p>
        // A data table may scroll on its own on a narrow screen (WCAG 1.4.10's exception for
        // two-dimensional content); the page itself never does. Focusable, so a keyboard can scroll it.
        <div class="table-scroll" role="region" aria-label="Questions and their status" tabindex="0">
        <table class="review">
            <caption>"Every question and its status. Choose a question to go back to it."</caption>
            <thead><tr><th scope="col">"Question"</th><th scope="col">"Answer"</th><th scope="col">"Flag"</th></tr></thead>
            <tbody>
                {review.rows.iter().map(|r| view! {
                    <tr class:unanswered=!r.answered() || r.incomplete()>
                        <th scope="row"><a href=format!("/attempts/{}/items/{}", id, r.position)>{format!("Question {}", r.position)}</a></th>
                        <td>{answer_status(r)}</td>
                        <td>{if r.flagged { "Flagged" } else { "" }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
        <form method="post" action=format!("/attempts/{}/submit", review.attempt_id) class="submit-box">
            <h2>"Submit your exam"</h2>
            {(unanswered > 0).then(|| view! {
                <p class="notice warning">{format!("You have {unanswered} unanswered question(s). Unanswered questions are scored as incorrect.")}</p>
            })}
            {(incomplete > 0).then(|| view! {
                <p class="notice warning">{format!("{incomplete} question(s) ask for more answers than you chose. Such a question is scored correct only when you choose all of its correct answers.")}</p>
            })}
            <div class="flag">
                <input type="checkbox" id="confirm" name="confirm" value="yes" required/>
                <label for="confirm">"I am ready to submit. I understand I cannot change my answers afterwards."</label>
            </div>
            <button type="submit" class="primary">"Submit exam"</button>
        </form>
    }
}

fn answer_status(row: &ReviewRow) -> String {
    if !row.answered() {
        "Not answered".into()
    } else if row.incomplete() {
        format!("{} of {} answers chosen", row.chosen, row.select)
    } else {
        "Answered".into()
    }
}
