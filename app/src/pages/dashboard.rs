//! The candidate's dashboard: the exam, attempts used, an open attempt to resume, past reports.

use leptos::prelude::*;
use leptos_meta::Title;

use super::layout::{ErrorBox, Header};
use crate::dto::Dashboard;
use crate::t;

#[server]
pub async fn load_dashboard() -> Result<Dashboard, ServerFnError> {
    let (state, user) = super::layout::ssr::signed_in().await?;
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    let load = async {
        let mut dashboard =
            crate::server::attempts::dashboard(&state.db, state.clock.now_ms(), &user).await?;
        let (at, previous) = crate::server::auth::sign_in_times(&session).await?;
        dashboard.account_changes =
            crate::server::account_changes::since_previous_sign_in(&state.db, &user, previous, at)
                .await?;
        Ok(dashboard)
    };
    load.await
        .map_err(|e: crate::server::error::AppError| e.into_server_fn_error())
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_dashboard());
    view! {
        <Title text=format!("{} · Certamen", t!("dashboard-title"))/>
        <Header signed_in=true/>
        <main id="main" class="page">
            <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
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
        <h1>{t!("dashboard-welcome", name = data.display_name.clone())}</h1>
        {(!data.account_changes.is_empty()).then(|| view! {
            <section class="card notice" aria-labelledby="account-changes">
                <h2 id="account-changes">{t!("account-changes-heading")}</h2>
                <ul>{data.account_changes.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul>
                <p>{t!("account-changes-not-you")}</p>
            </section>
        })}
        {matches!(data.role, crate::dto::Role::Vendor | crate::dto::Role::Admin).then(|| view! {
            <section class="card" aria-labelledby="workspace">
                <h2 id="workspace">"Item bank"</h2>
                <p><a class="button primary" href="/vendor/items">"Browse the item bank and its blueprint coverage"</a></p>
            </section>
        })}
        <p><a href="/settings/passkeys">{t!("dashboard-passkey")}</a></p>
        {data.passkey_needed.then(|| view! {
            <section class="card notice warning" aria-labelledby="passkey-needed">
                <h2 id="passkey-needed">"Sign in with a passkey for the staff pages"</h2>
                <p>"Staff and administrator pages hold the program's records, so a password alone does not open them. Add a passkey, sign out, and sign in with it."</p>
                <p><a class="button primary" href="/settings/passkeys">"Add a passkey"</a></p>
            </section>
        })}
        {(data.role == crate::dto::Role::Admin).then(|| view! {
            <section class="card" aria-labelledby="administration">
                <h2 id="administration">"Administration"</h2>
                <p><a class="button primary" href="/admin/accounts">"Staff, vendor and administrator accounts"</a></p>
            </section>
        })}
        {matches!(data.role, crate::dto::Role::Staff | crate::dto::Role::Admin).then(|| view! {
            <section class="card" aria-labelledby="staff">
                <h2 id="staff">"Program staff"</h2>
                <ul class="actions">
                    <li><a class="button primary" href="/staff/applications">"Applications"</a></li>
                    <li><a class="button primary" href="/staff/accommodations">"Accommodation requests"</a></li>
                    <li><a class="button primary" href="/staff/results">"Results"</a></li>
                    <li><a class="button primary" href="/staff/proposals">"Proposals to approve"</a></li>
                    <li><a class="button primary" href="/staff/statistics">"Pass rates and competency performance"</a></li>
                    <li><a class="button" href="/staff/certifications">"Certifications"</a></li>
                    <li><a class="button primary" href="/staff/item-health">"Item health and recalibration"</a></li>
                    <li><a class="button" href="/staff/rescoring">"Rescoring"</a></li>
                    <li><a class="button" href="/staff/complaints">"Complaints"</a></li>
                    <li><a class="button" href="/staff/training-providers">"Training providers"</a></li>
                </ul>
            </section>
        })}
        {data.certification.clone().map(|c| view! {
            <section class="card" aria-labelledby="certification">
                <h2 id="certification">{t!("dashboard-certification")}</h2>
                <p>{t!("dashboard-certification-text", number = c.number.clone(), status = c.status.label(),
                    issued = c.issued_on.clone(), expires = c.expires_on.clone())}</p>
                <p><a href=format!("/registry?q={}", c.number)>{t!("dashboard-certification-registry")}</a></p>
            </section>
        })}
        {data.application.clone().map(|status| view! {
            <section class="card" aria-labelledby="application">
                <h2 id="application">{t!("dashboard-application")}</h2>
                {match status.as_str() {
                    "approved" => view! { <p>{t!("dashboard-application-approved")}</p> }.into_any(),
                    "submitted" => view! { <p>{t!("dashboard-application-submitted")}</p> }.into_any(),
                    "returned" => view! { <p>{t!("dashboard-application-returned")}</p> }.into_any(),
                    _ => view! { <p>{t!("dashboard-application-none")}</p> }.into_any(),
                }}
                <p><a class=if matches!(status.as_str(), "none" | "returned") { "button primary" } else { "" } href="/application">{match status.as_str() {
                    "none" => t!("dashboard-apply"),
                    "returned" => t!("dashboard-application-correct"),
                    _ => t!("dashboard-application-see"),
                }}</a></p>
            </section>
        })}
        {data.accommodation.clone().map(|text| view! {
            <section class="card" aria-labelledby="accommodations">
                <h2 id="accommodations">{t!("dashboard-accommodations")}</h2>
                <p>{text}</p>
                <p><a href="/accommodations">{t!("dashboard-accommodations-link")}</a></p>
            </section>
        })}
        {data.exams.into_iter().map(|exam| {
            let left = exam.max_attempts.saturating_sub(exam.attempts_used);
            let may_start = data.application.as_deref().is_none_or(|s| s == "approved");
            let action = match (&exam.open_attempt, left) {
                (None, 1..) if !may_start => view! {
                    <p>{t!("dashboard-wait-for-approval")}</p>
                }.into_any(),
                (Some(id), _) => view! {
                    <p><a class="button primary" href=format!("/attempts/{id}")>{t!("dashboard-resume")}</a></p>
                }.into_any(),
                (None, 0) => view! { <p>{match &exam.next_attempt_on {
                    Some(day) => t!("dashboard-attempts-used-up-until", day = day),
                    None => t!("dashboard-attempts-used-up"),
                }}</p> }.into_any(),
                (None, _) => view! {
                    <p><a class="button primary" href=format!("/exams/{}/instructions", exam.id)>{t!("dashboard-start")}</a></p>
                }.into_any(),
            };
            view! {
                <section class="card" aria-labelledby=format!("exam-{}", exam.id)>
                    <h2 id=format!("exam-{}", exam.id)>{exam.title.clone()}</h2>
                    <p>{match exam.window_days {
                        Some(365) => t!("dashboard-exam-facts-year", questions = exam.form_length,
                            minutes = exam.time_limit_minutes, used = exam.attempts_used, max = exam.max_attempts),
                        Some(days) => t!("dashboard-exam-facts-days", questions = exam.form_length,
                            minutes = exam.time_limit_minutes, used = exam.attempts_used, max = exam.max_attempts, days = days),
                        None => t!("dashboard-exam-facts", questions = exam.form_length,
                            minutes = exam.time_limit_minutes, used = exam.attempts_used, max = exam.max_attempts),
                    }}</p>
                    {action}
                    {exam.practice.clone().map(|p| view! { <PracticeSection exam_id=exam.id.clone() practice=p/> })}
                    {(!exam.past.is_empty()).then(|| view! {
                        <h3>{t!("dashboard-results")}</h3>
                        <ul>
                            {exam.past.iter().map(|p| view! {
                                <li>
                                    <a href=format!("/attempts/{}/report", p.id)>
                                        {match &p.state {
                                            crate::dto::ResultState::Released => t!("dashboard-attempt-result", number = p.number,
                                                outcome = if p.passed { t!("dashboard-passed") } else { t!("dashboard-not-passed") },
                                                score = match p.scaled {
                                                    Some(s) => t!("dashboard-scaled-score", score = format!("{s:.0}")),
                                                    None => t!("dashboard-percent", percent = format!("{:.0}", p.percent)),
                                                }),
                                            crate::dto::ResultState::UnderReview => t!("dashboard-attempt-under-review", number = p.number),
                                            crate::dto::ResultState::Invalidated(_) => t!("dashboard-attempt-invalidated", number = p.number),
                                        }}
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
        <h3>{t!("dashboard-practice")}</h3>
        <p>{t!("dashboard-practice-intro", questions = practice.questions, minutes = practice.time_limit_minutes)}</p>
        {match practice.open_attempt.clone() {
            Some(id) => view! {
                <p><a class="button" href=format!("/attempts/{id}")>{t!("dashboard-practice-resume")}</a></p>
            }.into_any(),
            None => view! {
                <form method="post" action=format!("/exams/{exam_id}/practice")>
                    <input type="hidden" name="language" value=practice.language.clone()/>
                    <button type="submit">{t!("dashboard-practice-start")}</button>
                </form>
            }.into_any(),
        }}
        {(!practice.past.is_empty()).then(|| view! {
            <ul>
                {practice.past.iter().map(|p| view! {
                    <li><a href=format!("/attempts/{}/report", p.id)>
                        {t!("dashboard-practice-result", number = p.number, percent = format!("{:.0}", p.percent))}
                    </a></li>
                }).collect_view()}
            </ul>
        })}
    }
}
