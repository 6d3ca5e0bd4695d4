//! The candidate's score report: the decision, the score against the cut, and results by
//! content area and competency.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::layout::{ErrorBox, Header};
use super::print_button::PrintButton;
use crate::dto::Report;
use crate::t;

#[server]
pub async fn load_report(attempt_id: String) -> Result<Report, ServerFnError> {
    let (state, user) = super::layout::ssr::signed_in().await?;
    crate::server::attempts::report(&state.db, user.id, &attempt_id)
        .await
        .map_err(|e| e.into_server_fn_error())
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        load_report,
    );
    view! {
        <Title text=format!("{} · Certamen", t!("report-title"))/>
        <Header signed_in=true/>
        <main id="main" class="page">
            <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(r) => view! { <ReportView report=r/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// Which exam, whose, when, and the reference: the same on every report, released or not.
#[component]
fn ReportFacts(report: Report) -> impl IntoView {
    view! {
        <dl class="facts report-facts">
            <dt>{t!("report-exam")}</dt><dd>{report.exam_title}</dd>
            <dt>{t!("report-candidate")}</dt><dd>{report.candidate_name}</dd>
            <dt>{t!("report-submitted-on")}</dt><dd>{report.submitted_on}</dd>
            <dt>{t!("report-reference")}</dt><dd class="reference">{report.attempt_id}</dd>
        </dl>
    }
}

#[component]
fn ReportView(report: Report) -> impl IntoView {
    // A result not released (held for review, or invalidated) shows no score at all.
    let withheld = match &report.state {
        crate::dto::ResultState::Released => None,
        crate::dto::ResultState::UnderReview => Some(t!("report-under-review")),
        crate::dto::ResultState::Invalidated(reason) => {
            Some(t!("report-invalidated", reason = reason.clone()))
        }
    };
    if let Some(text) = withheld {
        return view! {
            <h1>{t!("report-title")}</h1>
            <ReportFacts report=report.clone()/>
            <p class="notice" role="status">{text}</p>
            <p><a href="/dashboard">{t!("back-to-dashboard")}</a></p>
        }
        .into_any();
    }
    let outcome = match (report.practice, report.passed) {
        (false, true) => t!("report-passed"),
        (false, false) => t!("report-not-passed"),
        (true, true) => t!("report-practice-would-pass"),
        (true, false) => t!("report-practice-would-not-pass"),
    };
    view! {
        <h1>{if report.practice { t!("report-practice-title") } else { t!("report-title") }}</h1>
        {report.practice.then(|| view! {
            <p class="notice">{t!("report-practice-notice")}</p>
        })}
        <ReportFacts report=report.clone()/>
        <PrintButton lang=crate::i18n::page_lang()/>
        <p class="print-hint">{t!("report-print-hint")}</p>
        <div class=if report.passed { "result passed" } else { "result failed" }>
            <h2>{t!("report-result", outcome = outcome)}</h2>
            {match report.scaled {
                Some(s) => view! {
                    <p>{t!("report-scaled", score = format!("{:.0}", s.scaled), min = format!("{:.0}", s.scale_min),
                        max = format!("{:.0}", s.scale_max), cut = format!("{:.0}", s.scaled_cut))}</p>
                    <p>{t!("report-adaptive-length", n = report.total)}</p>
                }.into_any(),
                None => view! {
                    <p>{t!("report-raw", correct = report.correct, total = report.total,
                        percent = format!("{:.1}", report.percent), cut = report.cut_percent)}</p>
                }.into_any(),
            }}
            {report.by_deadline.then(|| view! { <p>{t!("report-by-deadline")}</p> })}
            {report.certificate.clone().map(|number| view! {
                <p>{t!("report-certified", number = number.clone())}" "<a href=format!("/registry?q={number}")>{t!("dashboard-certification-registry")}</a></p>
            })}
        </div>
        <h2>{t!("report-by-competency")}</h2>
        <p>{t!("report-by-competency-hint")}</p>
        {if report.scaled.is_some() {
            view! { <BandTable report=report.clone()/> }.into_any()
        } else {
            view! { <CountTable report=report.clone()/> }.into_any()
        }}
    }
    .into_any()
}

/// Adaptive attempts: each competency's result as a band around the passing standard, since
/// the share answered correctly says little when each question was chosen for the candidate.
#[component]
fn BandTable(report: Report) -> impl IntoView {
    let band_text = |band: Option<&str>| match band {
        Some("above") => t!("report-band-above"),
        Some("below") => t!("report-band-below"),
        _ => t!("report-band-near"),
    };
    view! {
        <div class="table-scroll" role="region" aria-label=t!("report-band-label") tabindex="0">
        <table class="report">
            <caption>{t!("report-band-caption")}</caption>
            <thead><tr><th scope="col">{t!("report-competency")}</th><th scope="col">{t!("report-questions")}</th><th scope="col">{t!("report-performance")}</th></tr></thead>
            {report.areas.iter().map(|area| view! {
                <tbody>
                    <tr class="area"><th scope="colgroup" colspan="3">{area.name.clone()}</th></tr>
                    {area.competencies.iter().map(|c| view! {
                        <tr>
                            <th scope="row">{c.name.clone()}</th>
                            <td>{c.total}</td>
                            <td>{band_text(c.band.as_deref())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            }).collect_view()}
        </table>
        </div>
    }
}

#[component]
fn CountTable(report: Report) -> impl IntoView {
    view! {
        <div class="table-scroll" role="region" aria-label=t!("report-count-label") tabindex="0">
        <table class="report">
            <caption>{t!("report-count-caption")}</caption>
            <thead><tr><th scope="col">{t!("report-competency")}</th><th scope="col">{t!("report-correct")}</th><th scope="col">{t!("report-percent")}</th></tr></thead>
            {report.areas.iter().map(|area| view! {
                <tbody>
                    <tr class="area"><th scope="colgroup" colspan="3">{area.name.clone()}</th></tr>
                    {area.competencies.iter().map(|c| view! {
                        <tr>
                            <th scope="row">{c.name.clone()}</th>
                            <td>{t!("report-count", correct = c.correct, total = c.total)}</td>
                            <td>{t!("report-percent-value", percent = format!("{:.0}", c.percent))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            }).collect_view()}
        </table>
        </div>
    }
}
