//! The review screen: every question answered, unanswered or flagged, and the confirmed final
//! submit (WCAG 3.3.4: the candidate confirms before an irreversible step).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::layout::{ErrorBox, Header};
use super::timer::Countdown;
use crate::dto::{Review, ReviewRow};
use crate::t;

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
        <Title text=format!("{} · Certamen", t!("exam-review-title"))/>
        <Header signed_in=true/>
        <main id="main" class="page exam">
            <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
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
            <h1>{t!("exam-review-title")}</h1>
            <Countdown remaining_ms=review.remaining_ms total_ms=review.limit_ms lang=crate::i18n::page_lang()/>
        </div>
        <p>{t!("exam-review-counts", answered = review.rows.len() - unanswered,
            unanswered = unanswered, flagged = flagged)}</p>
        // A data table may scroll on its own on a narrow screen (WCAG 1.4.10's exception for
        // two-dimensional content); the page itself never does. Focusable, so a keyboard can scroll it.
        <div class="table-scroll" role="region" aria-label=t!("exam-review-table-label") tabindex="0">
        <table class="review">
            <caption>{t!("exam-review-caption")}</caption>
            <thead><tr><th scope="col">{t!("exam-review-question")}</th><th scope="col">{t!("exam-review-answer")}</th><th scope="col">{t!("exam-review-flag")}</th></tr></thead>
            <tbody>
                {review.rows.iter().map(|r| view! {
                    <tr class:unanswered=!r.answered() || r.incomplete()>
                        <th scope="row"><a href=format!("/attempts/{}/items/{}", id, r.position)>{t!("exam-review-question-n", n = r.position)}</a></th>
                        <td>{answer_status(r)}</td>
                        <td>{if r.flagged { t!("exam-review-flagged") } else { String::new() }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
        <form method="post" action=format!("/attempts/{}/submit", review.attempt_id) class="submit-box">
            <h2>{t!("exam-submit-heading")}</h2>
            {(unanswered > 0).then(|| view! {
                <p class="notice warning">{t!("exam-review-unanswered-warning", n = unanswered)}</p>
            })}
            {(incomplete > 0).then(|| view! {
                <p class="notice warning">{t!("exam-review-incomplete-warning", n = incomplete)}</p>
            })}
            <div class="flag">
                <input type="checkbox" id="confirm" name="confirm" value="yes" required/>
                <label for="confirm">{t!("exam-submit-confirm")}</label>
            </div>
            <button type="submit" class="primary">{t!("exam-submit")}</button>
        </form>
    }
}

fn answer_status(row: &ReviewRow) -> String {
    if !row.answered() {
        t!("exam-review-not-answered")
    } else if row.incomplete() {
        t!(
            "exam-review-chosen",
            chosen = row.chosen,
            select = row.select
        )
    } else {
        t!("exam-review-answered")
    }
}
