//! The scheduled break: offered once after the middle question; the exam clock stops during it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::layout::{ErrorBox, Header};
use super::timer::Countdown;
use crate::dto::{format_remaining, BreakPage as BreakData, BreakState};

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
        <Title text="Break · Certamen"/>
        <Header signed_in=true/>
        <main id="main" class="page">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
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
            <h1>"Time for a break"</h1>
            <p>{format!("You may take one {minutes}-minute break now. The exam clock stops while you are on the break. \
                If you stay away longer, the extra time counts against your exam time.")}</p>
            {anytime.then(|| view! { <p>"Your accommodation lets you take it at any point: if you go back to the exam now, the break stays available."</p> })}
            <p>{format!("Exam time left: {}", format_remaining(data.exam_remaining_ms))}</p>
            <form method="post" action=action.clone() class="inline">
                <input type="hidden" name="action" value="start"/>
                <button type="submit" class="primary">"Start my break"</button>
            </form>
            <form method="post" action=action class="inline">
                <input type="hidden" name="action" value="skip"/>
                <button type="submit">{if anytime { "Not now: back to the exam" } else { "Skip the break and continue" }}</button>
            </form>
        }.into_any(),
        BreakState::OnBreak { break_remaining_ms } => view! {
            <h1>"You are on your break"</h1>
            <Countdown remaining_ms=break_remaining_ms lang=crate::i18n::page_lang()/>
            <p>{format!("Your exam clock is stopped with {} left. Return when you are ready.",
                format_remaining(data.exam_remaining_ms))}</p>
            <form method="post" action=action>
                <input type="hidden" name="action" value="end"/>
                <button type="submit" class="primary">"Return to the exam"</button>
            </form>
        }.into_any(),
        BreakState::Unavailable => view! {
            <h1>"No break right now"</h1>
            <p>"The break is offered once, after the middle question."</p>
            <p><a href=format!("/attempts/{}/items/{}", data.attempt_id, data.resume_position)>"Return to the exam"</a></p>
        }.into_any(),
    };
    view! { <section>{body}</section> }
}
