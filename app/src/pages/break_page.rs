//! The scheduled break: offered once after the middle question; the exam clock stops during it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::layout::{ErrorBox, Header};
use super::timer::Countdown;
use crate::dto::{format_remaining, BreakPage as BreakData, BreakState};
use crate::t;

#[server]
pub async fn load_break(attempt_id: String) -> Result<BreakData, ServerFnError> {
    let (state, user) = super::layout::ssr::signed_in().await?;
    let now = state.clock.now_ms();
    super::layout::ssr::or_redirect(
        crate::server::attempts::break_page(&state.db, now, user.id, &attempt_id).await,
    )
}

#[component]
pub fn BreakPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        load_break,
    );
    view! {
        <Title text=format!("{} · Certamen", t!("exam-break-title"))/>
        <Header signed_in=true/>
        <main id="main" class="page">
            <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(b) => view! { <BreakView data=b/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn BreakView(data: BreakData) -> impl IntoView {
    let action = format!("/attempts/{}/break/action", data.attempt_id);
    let body = match data.state {
        BreakState::Offered { minutes, anytime } => view! {
            <h1>{t!("exam-break-offered")}</h1>
            <p>{t!("exam-break-offer", minutes = minutes)}</p>
            {anytime.then(|| view! { <p>{t!("exam-break-anytime")}</p> })}
            <p>{t!("exam-break-time-left", time = format_remaining(data.exam_remaining_ms))}</p>
            <form method="post" action=action.clone() class="inline">
                <input type="hidden" name="action" value="start"/>
                <button type="submit" class="primary">{t!("exam-break-start")}</button>
            </form>
            <form method="post" action=action class="inline">
                <input type="hidden" name="action" value="skip"/>
                <button type="submit">{if anytime { t!("exam-break-not-now") } else { t!("exam-break-skip") }}</button>
            </form>
        }.into_any(),
        BreakState::OnBreak { break_remaining_ms, break_length_ms } => view! {
            <h1>{t!("exam-on-break")}</h1>
            <Countdown remaining_ms=break_remaining_ms total_ms=break_length_ms lang=crate::i18n::page_lang()/>
            <p>{t!("exam-on-break-clock", time = format_remaining(data.exam_remaining_ms))}</p>
            <form method="post" action=action>
                <input type="hidden" name="action" value="end"/>
                <button type="submit" class="primary">{t!("exam-break-return")}</button>
            </form>
        }.into_any(),
        BreakState::Unavailable => view! {
            <h1>{t!("exam-no-break")}</h1>
            <p>{t!("exam-no-break-text")}</p>
            <p><a href=format!("/attempts/{}/items/{}", data.attempt_id, data.resume_position)>{t!("exam-break-return")}</a></p>
        }.into_any(),
    };
    view! { <section>{body}</section> }
}
