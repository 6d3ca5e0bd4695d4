//! The instructions page, with the button that starts (or resumes) the attempt.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::layout::{ErrorBox, Header};
use crate::dto::Instructions;
use crate::t;

#[server]
pub async fn load_instructions(exam_id: String) -> Result<Instructions, ServerFnError> {
    let (state, user) = super::layout::ssr::signed_in().await?;
    crate::server::attempts::instructions(&state.db, state.clock.now_ms(), user.id, &exam_id)
        .await
        .map_err(|e| e.into_server_fn_error())
}

#[component]
pub fn InstructionsPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("exam").unwrap_or_default(),
        load_instructions,
    );
    view! {
        <Title text=format!("{} · Certamen", t!("exam-instructions-title"))/>
        <Header signed_in=true/>
        <main id="main" class="page">
            <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! {
                            <h1>{d.title.clone()}</h1>
                            <h2>{t!("exam-before-you-begin")}</h2>
                            <ul class="instructions">
                                {d.paragraphs.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}
                            </ul>
                            {d.accommodation.clone().map(|a| view! {
                                <p class="notice">{t!("exam-accommodations-apply", accommodations = a)}</p>
                            })}
                            {match (&d.open_attempt, d.attempts_left) {
                                (Some(_), _) => view! {
                                    <form method="post" action=format!("/exams/{}/attempts", d.exam_id)>
                                        <button type="submit" class="primary">{t!("exam-resume")}</button>
                                    </form>
                                }.into_any(),
                                (None, 0) => view! { <p>{match &d.next_attempt_on {
                                    Some(day) => t!("exam-no-attempts-until", day = day),
                                    None => t!("exam-no-attempts"),
                                }}</p> }.into_any(),
                                (None, left) => view! {
                                    <p>{t!("exam-attempts-left", n = left)}</p>
                                    <form method="post" action=format!("/exams/{}/attempts", d.exam_id) class="stack">
                                        <fieldset class="settings">
                                            <legend>{t!("exam-question-language")}</legend>
                                            <p class="hint">{t!("exam-question-language-hint")}</p>
                                            <div class="choice">
                                                <input type="radio" name="language" id="language-en" value="en" checked=d.preferred_language != "es"/>
                                                <label for="language-en">"English"</label>
                                            </div>
                                            <div class="choice">
                                                <input type="radio" name="language" id="language-es" value="es" checked=d.preferred_language == "es"/>
                                                <label for="language-es" lang="es">"Español"</label>
                                            </div>
                                        </fieldset>
                                        <button type="submit" class="primary">{t!("exam-start")}</button>
                                    </form>
                                }.into_any(),
                            }}
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
