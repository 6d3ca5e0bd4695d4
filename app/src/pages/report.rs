//! The candidate's score report: the decision, the score against the cut, and results by
//! content area and competency.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::layout::{ErrorBox, Header};
use super::print_button::PrintButton;
use crate::dto::Report;

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
        <Title text="Score report · Certamen"/>
        <Header signed_in=true/>
        <main id="main" class="page">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
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

#[component]
fn ReportView(report: Report) -> impl IntoView {
    let outcome = match (report.practice, report.passed) {
        (false, true) => "Passed",
        (false, false) => "Not passed",
        (true, true) => "At the real exam's standard, this would pass",
        (true, false) => "At the real exam's standard, this would not pass yet",
    };
    view! {
        <h1>{if report.practice { "Practice exam result" } else { "Score report" }}</h1>
        {report.practice.then(|| view! {
            <p class="notice">"This was a practice exam with sample questions. It does not count toward your attempts or your certification, and the real exam has different questions."</p>
        })}
        <dl class="facts report-facts">
            <dt>"Exam"</dt><dd>{report.exam_title.clone()}</dd>
            <dt>"Candidate"</dt><dd>{report.candidate_name.clone()}</dd>
            <dt>"Submitted on"</dt><dd>{report.submitted_on.clone()}</dd>
            <dt>"Report reference"</dt><dd class="reference">{report.attempt_id.clone()}</dd>
        </dl>
        <PrintButton lang=crate::i18n::page_lang()/>
        <p class="print-hint">"To keep a copy, use your browser's Print command; most browsers can save the printout as a PDF."</p>
        <div class=if report.passed { "result passed" } else { "result failed" }>
            <h2>{format!("Result: {outcome}")}</h2>
            {match report.scaled {
                Some(s) => view! {
                    <p>{format!("Your scaled score is {:.0} (scores run from {:.0} to {:.0}). The passing score is {:.0}.",
                        s.scaled, s.scale_min, s.scale_max, s.scaled_cut)}</p>
                    <p>{format!("This adaptive exam chose each question from your answers so far and gave you {} questions.", report.total)}</p>
                }.into_any(),
                None => view! {
                    <p>{format!("You answered {} of {} questions correctly ({:.1}%). The passing standard is {}%.",
                        report.correct, report.total, report.percent, report.cut_percent)}</p>
                }.into_any(),
            }}
            {report.by_deadline.then(|| view! { <p>"Your exam was submitted automatically when the time ran out."</p> })}
        </div>
        <h2>"Results by competency"</h2>
        <p>"These results help you see your strengths and where to study. The pass decision is based on your total score."</p>
        {if report.scaled.is_some() {
            view! { <BandTable report=report.clone()/> }.into_any()
        } else {
            view! { <CountTable report=report.clone()/> }.into_any()
        }}
    }
}

/// Adaptive attempts: each competency's result as a band around the passing standard, since
/// the share answered correctly says little when each question was chosen for the candidate.
#[component]
fn BandTable(report: Report) -> impl IntoView {
    let band_text = |band: Option<&str>| match band {
        Some("above") => "Above the standard",
        Some("below") => "Below the standard",
        _ => "Near the standard",
    };
    view! {
        <div class="table-scroll" role="region" aria-label="Performance by competency" tabindex="0">
        <table class="report">
            <caption>"Performance in each competency compared with the passing standard, grouped by content area"</caption>
            <thead><tr><th scope="col">"Competency"</th><th scope="col">"Questions"</th><th scope="col">"Performance"</th></tr></thead>
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
        <div class="table-scroll" role="region" aria-label="Correct answers by competency" tabindex="0">
        <table class="report">
            <caption>"Questions answered correctly in each competency, grouped by content area"</caption>
            <thead><tr><th scope="col">"Competency"</th><th scope="col">"Correct"</th><th scope="col">"Percent"</th></tr></thead>
            {report.areas.iter().map(|area| view! {
                <tbody>
                    <tr class="area"><th scope="colgroup" colspan="3">{area.name.clone()}</th></tr>
                    {area.competencies.iter().map(|c| view! {
                        <tr>
                            <th scope="row">{c.name.clone()}</th>
                            <td>{format!("{} of {}", c.correct, c.total)}</td>
                            <td>{format!("{:.0}%", c.percent)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            }).collect_view()}
        </table>
        </div>
    }
}
