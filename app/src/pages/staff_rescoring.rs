//! Rescoring for program staff: correct an item version's key or drop it, preview the effect on
//! every attempt that has it (whose pass or fail would change), then apply it. The preview is
//! a plain GET form; applying is a POST that carries the preview's fingerprint.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::{ErrorBox, Header};
use crate::dto::{RescoreEffect, RescorePreview, RescoringPage};

#[server]
pub async fn load_rescoring(
    item: String,
    version: String,
    change: String,
    key: String,
    reason: String,
) -> Result<RescoringPage, ServerFnError> {
    use crate::server::rescoring;
    let (app, user) = super::layout::ssr::signed_in().await?;
    let load = async {
        crate::server::users::require_staff(&user, "rescore attempts")?;
        let mut page = RescoringPage {
            preview: None,
            item_id: item.clone(),
            version: version.clone(),
            change: change.clone(),
            key: key.clone(),
            reason,
            error: None,
            history: rescoring::list(&app.db).await?,
        };
        if !item.trim().is_empty() {
            let previewed = async {
                let request =
                    rescoring::parse_request(&app.db, &item, &version, &change, &key).await?;
                rescoring::preview(&app.db, &request).await
            };
            match previewed.await {
                Ok(p) => page.preview = Some(p),
                Err(e) if e.status().is_client_error() => page.error = Some(e.public_message()),
                Err(e) => return Err(e),
            }
        }
        Ok(page)
    };
    load.await
        .map_err(|e: crate::server::error::AppError| e.into_server_fn_error())
}

#[component]
pub fn StaffRescoringPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let done = query.read_untracked().get("done");
    let data = Resource::new(
        move || {
            (
                get("item"),
                get("version"),
                get("change"),
                get("key"),
                get("reason"),
            )
        },
        |(i, v, c, k, r)| load_rescoring(i, v, c, k, r),
    );
    view! {
        <Title text="Rescoring · Certamen"/>
        <Header signed_in=true/>
        <main id="main" class="page wide">
            <h1>"Rescoring"</h1>
            {done.map(|d| view! { <p class="notice" role="status">{done_text(&d)}</p> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <RescoringView data=d/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

fn done_text(done: &str) -> String {
    match done.split_once(':') {
        Some(("applied", id)) => format!(
            "Rescoring {id} is applied: the new scores are stored, the old ones kept, and each change is in the audit log."
        ),
        _ => "Done.".into(),
    }
}

#[component]
fn RescoringView(data: RescoringPage) -> impl IntoView {
    let is_drop = data.change == "drop";
    view! {
        <p>"When an item's key was wrong, or the item should not count, rescore every attempt that had that version of it. Preview first: nothing changes until you apply. Later attempts with the version are scored the same way. Letters are the options as authored (the vendor's item page shows them in that order)."</p>
        {data.error.clone().map(|e| view! { <p class="notice error" role="alert">{e}</p> })}
        <form method="get" action="/staff/rescoring" class="stack">
            <label for="item">"Item id"</label>
            <input id="item" name="item" type="text" required value=data.item_id.clone()/>
            <label for="version">"Item version"</label>
            <input id="version" name="version" type="text" inputmode="numeric" required value=data.version.clone()/>
            <fieldset>
                <legend>"Change"</legend>
                <input type="radio" id="change-key" name="change" value="key" checked=!is_drop/>
                <label for="change-key">"Correct the key"</label>
                <input type="radio" id="change-drop" name="change" value="drop" checked=is_drop/>
                <label for="change-drop">"Drop the item from scoring"</label>
            </fieldset>
            <label for="key">"Corrected key (for a corrected key: a letter, or letters such as A, C)"</label>
            <input id="key" name="key" type="text" value=data.key.clone()/>
            <label for="reason">"Reason, for the record"</label>
            <textarea id="reason" name="reason" rows="2">{data.reason.clone()}</textarea>
            <button type="submit">"Preview the effect"</button>
        </form>
        {data.preview.clone().map(|p| view! { <PreviewView preview=p reason=data.reason.clone() key=data.key.clone() change=data.change.clone()/> })}
        <h2>"Rescorings applied"</h2>
        {if data.history.is_empty() {
            view! { <p>"None yet."</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="history-caption">
                    <table>
                        <caption id="history-caption">"Every rescoring, newest first"</caption>
                        <thead><tr>
                            <th scope="col">"Rescoring"</th><th scope="col">"Item"</th><th scope="col">"Change"</th>
                            <th scope="col">"Attempts"</th><th scope="col">"Outcomes changed"</th><th scope="col">"Reason"</th><th scope="col">"By, on"</th>
                        </tr></thead>
                        <tbody>
                            {data.history.iter().map(|r| view! {
                                <tr>
                                    <td>{r.id}</td><td>{format!("{} v{}", r.item_id, r.version)}</td><td>{r.change.clone()}</td>
                                    <td>{r.attempts}</td><td>{r.outcomes_changed}</td><td>{r.reason.clone()}</td>
                                    <td>{format!("{}, {}", r.decided_by, r.decided_on)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

fn score(correct: u32, total: u32, reported: f64, passed: bool) -> String {
    format!(
        "{correct} of {total} ({reported:.1}) {}",
        if passed { "pass" } else { "fail" }
    )
}

#[component]
fn PreviewView(
    preview: RescorePreview,
    reason: String,
    key: String,
    change: String,
) -> impl IntoView {
    let n = preview.attempts.len();
    let summary = format!(
        "Item {} version {}, {}: {n} submitted attempts have it; {} would change from pass to fail or from fail to pass.",
        preview.item_id, preview.version, preview.change, preview.outcomes_changed
    );
    let changed: Vec<RescoreEffect> = preview
        .attempts
        .iter()
        .filter(|a| a.old_passed != a.new_passed)
        .cloned()
        .collect();
    view! {
        <section aria-labelledby="preview-heading" class="card">
            <h2 id="preview-heading">"Preview"</h2>
            <p role="status">{summary}</p>
            {(!changed.is_empty()).then(|| view! {
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="changed-caption">
                    <table>
                        <caption id="changed-caption">"Attempts whose outcome would change"</caption>
                        <thead><tr><th scope="col">"Candidate"</th><th scope="col">"Attempt"</th><th scope="col">"Now"</th><th scope="col">"After rescoring"</th><th scope="col">"Note"</th></tr></thead>
                        <tbody>
                            {changed.iter().map(|a| view! {
                                <tr>
                                    <td>{a.candidate.clone()}</td>
                                    <td>{a.attempt_id.chars().take(8).collect::<String>()}</td>
                                    <td>{score(a.old_correct, a.old_total, a.old_reported, a.old_passed)}</td>
                                    <td>{score(a.new_correct, a.new_total, a.new_reported, a.new_passed)}</td>
                                    <td>{if a.invalidated { "invalidated: no result either way" } else if a.new_passed && !a.released { "held for review" } else if a.new_passed { "certified if eligible" } else { "its certification, if any, is revoked" }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
            <details>
                <summary>{format!("Every affected attempt ({n})")}</summary>
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="all-caption">
                    <table>
                        <caption id="all-caption">"Every attempt with this item version, before and after"</caption>
                        <thead><tr><th scope="col">"Candidate"</th><th scope="col">"Attempt"</th><th scope="col">"Now"</th><th scope="col">"After rescoring"</th></tr></thead>
                        <tbody>
                            {preview.attempts.iter().take(1000).map(|a| view! {
                                <tr>
                                    <td>{a.candidate.clone()}</td>
                                    <td>{a.attempt_id.chars().take(8).collect::<String>()}</td>
                                    <td>{score(a.old_correct, a.old_total, a.old_reported, a.old_passed)}</td>
                                    <td>{score(a.new_correct, a.new_total, a.new_reported, a.new_passed)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {(n > 1000).then(|| view! { <p>{format!("The first 1,000 of {n} are listed; applying rescoring covers all of them.")}</p> })}
            </details>
            <form method="post" action="/staff/rescoring/apply" class="stack">
                <input type="hidden" name="item" value=preview.item_id.clone()/>
                <input type="hidden" name="version" value=preview.version.to_string()/>
                <input type="hidden" name="change" value=change/>
                <input type="hidden" name="key" value=key/>
                <input type="hidden" name="digest" value=preview.digest.clone()/>
                <label for="apply-reason">"Reason, for the record"</label>
                <textarea id="apply-reason" name="reason" rows="2" required>{reason}</textarea>
                <button type="submit" class="primary">{format!("Apply this rescoring to {n} attempts")}</button>
            </form>
        </section>
    }
}
