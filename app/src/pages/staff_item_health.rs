//! Item health for program staff: every delivered item version's statistics from live
//! responses with the reasons it is flagged, and recalibration of provisional parameters,
//! proposed from the responses and applied only when staff accept it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::{ErrorBox, Header};
use crate::dto::{CalibrationProposal, Dif, ItemHealth, ItemHealthPage};

#[server]
pub async fn load_item_health(exam: String) -> Result<ItemHealthPage, ServerFnError> {
    let (app, user) = super::layout::ssr::signed_in().await?;
    let load = async {
        crate::server::users::require_staff(&user, "see item health")?;
        crate::server::item_health::page(&app.db, &exam).await
    };
    load.await
        .map_err(|e: crate::server::error::AppError| e.into_server_fn_error())
}

#[component]
pub fn StaffItemHealthPage() -> impl IntoView {
    let query = use_query_map();
    let exam = query.read_untracked().get("exam").unwrap_or_default();
    let done = query.read_untracked().get("done");
    let data = Resource::new(move || exam.clone(), load_item_health);
    view! {
        <Title text="Item health · Certamen"/>
        <Header signed_in=true/>
        <main id="main" class="page wide">
            <h1>"Item health"</h1>
            {done.map(|d| view! { <p class="notice" role="status">{done_text(&d)}</p> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <HealthView data=d/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

fn done_text(done: &str) -> String {
    match done.split_once(':') {
        Some(("proposed", id)) => format!("Recalibration {id} is proposed: review it below, then accept or reject it."),
        Some(("accepted", id)) => format!("Recalibration {id} is accepted: each item has a new version with its calibrated parameters; later attempts use them."),
        Some(("rejected", id)) => format!("Recalibration {id} is rejected; nothing changed."),
        _ => "Done.".into(),
    }
}

fn num(v: Option<f64>, digits: usize) -> String {
    v.map(|x| format!("{x:.digits$}"))
        .unwrap_or_else(|| "—".into())
}

fn dif_text(d: &Option<Dif>) -> String {
    match d {
        Some(d) => format!("{} {} (D {:.2})", d.class, d.focal, d.d_dif),
        None => "—".into(),
    }
}

#[component]
fn HealthView(data: ItemHealthPage) -> impl IntoView {
    let flagged: Vec<ItemHealth> = data
        .items
        .iter()
        .filter(|i| !i.flags.is_empty())
        .cloned()
        .collect();
    let exam = data.exam_id.clone();
    let ready = data
        .items
        .iter()
        .filter(|i| i.source == "provisional" && i.responses >= data.min_responses)
        .count();
    view! {
        <p>{format!(
            "From {} counted attempts (real, submitted, not invalidated) of exam {}. Items with fewer than {} responses are listed but not judged. θ is each attempt's EAP estimate from its own items; DIF is Mantel–Haenszel matched on θ (ETS classes A, B, C; minus means harder for the second group).",
            data.attempts, data.exam_id, data.min_responses)}</p>
        {(data.simulated > 0).then(|| view! {
            <p class="notice warning">{format!(
                "{} of these {} attempts are simulated (made by certamen demo seed-results), not real candidates.",
                data.simulated, data.attempts)}</p>
        })}
        <h2>{format!("Items that need a look ({})", flagged.len())}</h2>
        {if flagged.is_empty() {
            view! { <p>"None."</p> }.into_any()
        } else {
            view! {
                <ul class="flag-list">
                    {flagged.iter().map(|i| view! {
                        <li>
                            <strong>{format!("{} v{} ({})", i.item_id, i.version, i.competency)}</strong>
                            <ul>{i.flags.iter().map(|f| view! { <li>{f.clone()}</li> }).collect_view()}</ul>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <h2>"Recalibration"</h2>
        <p>{format!("{ready} items have provisional parameters and at least {} responses.", data.min_responses)}</p>
        <p>"Calibrates every item with enough responses together (MML-EM, θ ~ N(0, 1) in these candidates) and proposes new parameters for those whose parameters are provisional. Nothing changes until you accept; each item then gets a new version with calibrated parameters, which later attempts use."</p>
        <form method="post" action="/staff/item-health/calibrate" class="inline">
            <input type="hidden" name="exam" value=exam/>
            <label for="model">"Model"</label>
            <select id="model" name="model">
                <option value="3pl" selected=true>"3PL (with a Beta(6, 16) prior on guessing)"</option>
                <option value="2pl">"2PL"</option>
            </select>
            <button type="submit" class="primary">"Propose a recalibration"</button>
        </form>
        {data.proposals.iter().cloned().map(|p| view! { <ProposalView proposal=p/> }).collect_view()}
        <h2>"Every delivered item"</h2>
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="items-caption">
            <table>
                <caption id="items-caption">"Every delivered item version from live responses, flagged ones first"</caption>
                <thead><tr>
                    <th scope="col">"Item"</th><th scope="col">"Parameters"</th><th scope="col">"Responses"</th>
                    <th scope="col">"Exposure"</th><th scope="col">"p"</th><th scope="col">"r (rest)"</th>
                    <th scope="col">"Infit"</th><th scope="col">"Outfit"</th>
                    <th scope="col">"DIF English–Spanish"</th><th scope="col">"Largest DIF by region"</th><th scope="col">"Flags"</th>
                </tr></thead>
                <tbody>
                    {data.items.iter().map(|i| view! {
                        <tr>
                            <th scope="row"><a href=format!("/vendor/items/{}", i.item_id)>{format!("{} v{}", i.item_id, i.version)}</a>
                                {i.scoring_rule.clone().map(|r| view! { <br/><span class="hint">{r}</span> })}</th>
                            <td>{i.source.clone()}</td>
                            <td>{i.responses}</td>
                            <td>{format!("{:.0}%", i.exposure)}</td>
                            <td>{num(i.p_value, 2)}</td>
                            <td>{num(i.r_rest, 2)}</td>
                            <td>{num(i.infit, 2)}</td>
                            <td>{num(i.outfit, 2)}</td>
                            <td>{dif_text(&i.dif_language)}</td>
                            <td>{dif_text(&i.dif_region)}</td>
                            <td>{i.flags.len()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn params(p: (f64, f64, f64)) -> String {
    format!("a {:.2}, b {:.2}, c {:.2}", p.0, p.1, p.2)
}

#[component]
fn ProposalView(proposal: CalibrationProposal) -> impl IntoView {
    let id = proposal.id;
    let heading = format!("proposal-{id}");
    let open = proposal.status == "proposed";
    let se = |v: Option<f64>| v.map(|x| format!("{x:.2}")).unwrap_or_else(|| "—".into());
    view! {
        <section class="card" aria-labelledby=heading.clone()>
            <h3 id=heading.clone()>{format!("Recalibration {id}: {}", proposal.status)}</h3>
            <p>{format!(
                "{} by {} on {}, from the responses of {} attempts; {} after {} cycles. {} items with provisional parameters.{}",
                proposal.model.to_uppercase(), proposal.created_by, proposal.created_on, proposal.attempts,
                if proposal.converged { "converged" } else { "did not converge" }, proposal.cycles,
                proposal.items.len(),
                proposal.decision_note.clone().filter(|n| !n.is_empty()).map(|n| format!(" Note: {n}")).unwrap_or_default())}</p>
            <details open=open>
                <summary>{format!("Old and new parameters of {} items", proposal.items.len())}</summary>
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby=format!("proposal-{id}-caption")>
                    <table>
                        <caption id=format!("proposal-{id}-caption")>{format!("Recalibration {id}: provisional and proposed parameters")}</caption>
                        <thead><tr><th scope="col">"Item"</th><th scope="col">"Responses"</th><th scope="col">"Provisional"</th><th scope="col">"Proposed"</th><th scope="col">"Standard errors (a, b, c)"</th></tr></thead>
                        <tbody>
                            {proposal.items.iter().map(|p| view! {
                                <tr>
                                    <th scope="row">{format!("{} v{}", p.item_id, p.version)}</th>
                                    <td>{p.responses}</td>
                                    <td>{params(p.old)}</td>
                                    <td>{params(p.new)}</td>
                                    <td>{format!("{}, {}, {}", se(p.se.0), se(p.se.1), se(p.se.2))}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
            {open.then(|| view! {
                <form method="post" action=format!("/staff/calibrations/{id}/decision") class="stack">
                    <input type="hidden" name="decision" value="accept"/>
                    <button type="submit" class="primary">{format!("Accept recalibration {id}")}</button>
                </form>
                <form method="post" action=format!("/staff/calibrations/{id}/decision") class="stack">
                    <input type="hidden" name="decision" value="reject"/>
                    <label for=format!("reject-{id}")>"Reason for rejecting"</label>
                    <textarea id=format!("reject-{id}") name="note" rows="2" required></textarea>
                    <button type="submit">{format!("Reject recalibration {id}")}</button>
                </form>
            })}
        </section>
    }
}
