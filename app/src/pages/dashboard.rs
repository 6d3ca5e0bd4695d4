//! The candidate's dashboard: the exam, attempts used, an open attempt to resume, past reports.

use leptos::prelude::*;
use leptos_meta::Title;

use super::layout::{ErrorBox, Header};
use crate::dto::Dashboard;

#[server]
pub async fn load_dashboard() -> Result<Dashboard, ServerFnError> {
    let (state, user) = super::layout::ssr::signed_in().await?;
    crate::server::attempts::dashboard(&state.db, state.clock.now_ms(), &user)
        .await
        .map_err(|e| e.into_server_fn_error())
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_dashboard());
    view! {
        <Title text="Dashboard · Certamen"/>
        <Header signed_in=true/>
        <main id="main" class="page">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <DashboardView data=d/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn DashboardView(data: Dashboard) -> impl IntoView {
    view! {
        <h1>"Welcome, " {data.display_name.clone()}</h1>
        {matches!(data.role, crate::dto::Role::Vendor | crate::dto::Role::Admin).then(|| view! {
            <section class="card" aria-labelledby="workspace">
                <h2 id="workspace">"Item bank"</h2>
                <p><a class="button primary" href="/vendor/items">"Browse the item bank and its blueprint coverage"</a></p>
            </section>
        })}
        <p><a href="/settings/passkeys">"Sign in faster and more safely with a passkey"</a></p>
        {matches!(data.role, crate::dto::Role::Staff | crate::dto::Role::Admin).then(|| view! {
            <section class="card" aria-labelledby="staff">
                <h2 id="staff">"Program staff"</h2>
                <ul class="actions">
                    <li><a class="button primary" href="/staff/applications">"Applications"</a></li>
                    <li><a class="button primary" href="/staff/accommodations">"Accommodation requests"</a></li>
                    <li><a class="button" href="/staff/training-providers">"Training providers"</a></li>
                </ul>
            </section>
        })}
        {data.application.clone().map(|status| view! {
            <section class="card" aria-labelledby="application">
                <h2 id="application">"Your application"</h2>
                {match status.as_str() {
                    "approved" => view! { <p>"Your application is approved: you may take the exam."</p> }.into_any(),
                    "submitted" => view! { <p>"Your application is waiting for a decision by program staff. You can start the exam once it is approved."</p> }.into_any(),
                    "returned" => view! { <p>"Your application was returned for corrections."</p> }.into_any(),
                    _ => view! { <p>"Apply for certification first: you can start the exam once your application is approved."</p> }.into_any(),
                }}
                <p><a class=if matches!(status.as_str(), "none" | "returned") { "button primary" } else { "" } href="/application">{match status.as_str() {
                    "none" => "Apply for certification",
                    "returned" => "See why and correct your application",
                    _ => "See your application",
                }}</a></p>
            </section>
        })}
        {data.accommodation.clone().map(|text| view! {
            <section class="card" aria-labelledby="accommodations">
                <h2 id="accommodations">"Accommodations"</h2>
                <p>{text}</p>
                <p><a href="/accommodations">"See or ask for accommodations"</a></p>
            </section>
        })}
        {data.exams.into_iter().map(|exam| {
            let left = exam.max_attempts.saturating_sub(exam.attempts_used);
            let may_start = data.application.as_deref().is_none_or(|s| s == "approved");
            let action = match (&exam.open_attempt, left) {
                (None, 1..) if !may_start => view! {
                    <p>"You can start the exam once your application is approved."</p>
                }.into_any(),
                (Some(id), _) => view! {
                    <p><a class="button primary" href=format!("/attempts/{id}")>"Resume your exam"</a></p>
                }.into_any(),
                (None, 0) => view! { <p>{match &exam.next_attempt_on {
                    Some(day) => format!("You have used all your attempts for now. Your next attempt can start on {day}."),
                    None => "You have used all your attempts for this exam.".to_string(),
                }}</p> }.into_any(),
                (None, _) => view! {
                    <p><a class="button primary" href=format!("/exams/{}/instructions", exam.id)>"Read the instructions and start"</a></p>
                }.into_any(),
            };
            view! {
                <section class="card" aria-labelledby=format!("exam-{}", exam.id)>
                    <h2 id=format!("exam-{}", exam.id)>{exam.title.clone()}</h2>
                    <p>{format!("{} questions · {} minutes · attempts used: {} of {}{}",
                        exam.form_length, exam.time_limit_minutes, exam.attempts_used, exam.max_attempts,
                        match exam.window_days { Some(365) => " in the last 12 months".to_string(), Some(d) => format!(" in the last {d} days"), None => String::new() })}</p>
                    {action}
                    {exam.practice.clone().map(|p| view! { <PracticeSection exam_id=exam.id.clone() practice=p/> })}
                    {(!exam.past.is_empty()).then(|| view! {
                        <h3>"Your results"</h3>
                        <ul>
                            {exam.past.iter().map(|p| view! {
                                <li>
                                    <a href=format!("/attempts/{}/report", p.id)>
                                        {format!("Attempt {}: {} ({})", p.number,
                                            if p.passed { "passed" } else { "not passed" },
                                            match p.scaled {
                                                Some(s) => format!("scaled score {s:.0}"),
                                                None => format!("{:.0}%", p.percent),
                                            })}
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                </section>
            }
        }).collect_view()}
    }
}

/// The practice exam inside the exam's card: start or resume it, and its past results.
#[component]
fn PracticeSection(exam_id: String, practice: crate::dto::PracticeCard) -> impl IntoView {
    view! {
        <h3>"Practice exam"</h3>
        <p>{format!("{} sample questions in {} minutes, with the same screens, tools, break and time rules as the real exam. Your approved accommodations apply. It does not count toward your attempts, and you can take it as often as you like.",
            practice.questions, practice.time_limit_minutes)}</p>
        {match practice.open_attempt.clone() {
            Some(id) => view! {
                <p><a class="button" href=format!("/attempts/{id}")>"Resume the practice exam"</a></p>
            }.into_any(),
            None => view! {
                <form method="post" action=format!("/exams/{exam_id}/practice")>
                    <input type="hidden" name="language" value=practice.language.clone()/>
                    <button type="submit">"Start a practice exam"</button>
                </form>
            }.into_any(),
        }}
        {(!practice.past.is_empty()).then(|| view! {
            <ul>
                {practice.past.iter().map(|p| view! {
                    <li><a href=format!("/attempts/{}/report", p.id)>
                        {format!("Practice {}: {:.0}% correct", p.number, p.percent)}
                    </a></li>
                }).collect_view()}
            </ul>
        })}
    }
}
