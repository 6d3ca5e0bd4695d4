//! Complaints about certificants for program staff: receive one, open its investigation (the
//! 90-day clock), and close it with a recorded outcome that may suspend the
//! certification. Plain forms, post/redirect/get.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::{ErrorBox, Header};
use crate::dto::ComplaintRow;

#[server]
pub async fn load_complaints() -> Result<Vec<ComplaintRow>, ServerFnError> {
    let (app, user) = super::layout::ssr::signed_in().await?;
    let load = async {
        crate::server::users::require_staff(&user, "handle complaints")?;
        let now = crate::server::clock::Clock::now_ms(&*app.clock);
        crate::server::complaints::list(&app.db, now).await
    };
    load.await
        .map_err(|e: crate::server::error::AppError| e.into_server_fn_error())
}

#[component]
pub fn StaffComplaintsPage() -> impl IntoView {
    let query = use_query_map();
    let done = query.read_untracked().get("done");
    let data = Resource::new(|| (), |_| load_complaints());
    view! {
        <Title text="Complaints · Certamen"/>
        <Header signed_in=true/>
        <main id="main" class="page wide">
            <h1>"Complaints about certificants"</h1>
            {done.map(|d| view! { <p class="notice" role="status">{done_text(&d)}</p> })}
            <p>"A complaint is received, then investigated (the program closes it within 90 days of opening the investigation), then closed with no action or with a corrective action. A corrective action may suspend the certification: the public registry shows it at once, without the reasons. Revoking it takes two people: propose it on the certifications page."</p>
            <section class="card" aria-labelledby="new-heading">
                <h2 id="new-heading">"Receive a complaint"</h2>
                <form method="post" action="/staff/complaints" class="stack">
                    <label for="number">"Certificate number"</label>
                    <input id="number" name="number" type="text" required autocomplete="off"/>
                    <label for="complainant">"Complainant (name and how to reach them)"</label>
                    <input id="complainant" name="complainant" type="text" required/>
                    <label for="summary">"What the complaint is about"</label>
                    <textarea id="summary" name="summary" rows="3" required></textarea>
                    <button type="submit" class="primary">"Record the complaint"</button>
                </form>
            </section>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(rows) => view! { <ComplaintList rows=rows/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

fn done_text(done: &str) -> String {
    match done.split_once(':') {
        Some(("received", id)) => format!("Complaint {id} is recorded."),
        Some(("investigating", id)) => {
            format!("The investigation of complaint {id} is open: 90 days from today.")
        }
        Some(("closed", id)) => format!("Complaint {id} is closed and its outcome recorded."),
        _ => "Done.".into(),
    }
}

fn clock(row: &ComplaintRow) -> String {
    match (row.days_left, &row.due_on) {
        (Some(d), Some(due)) if d < 0 => format!("Overdue by {} days (due {due})", -d),
        (Some(d), Some(due)) => format!("{d} days left (due {due})"),
        _ => String::new(),
    }
}

#[component]
fn ComplaintList(rows: Vec<ComplaintRow>) -> impl IntoView {
    let (open, closed): (Vec<ComplaintRow>, Vec<ComplaintRow>) =
        rows.into_iter().partition(|r| r.status != "closed");
    view! {
        <h2>{format!("Open complaints ({})", open.len())}</h2>
        {if open.is_empty() { view! { <p>"None."</p> }.into_any() } else {
            view! { <ul class="complaints">{open.into_iter().map(|r| view! { <OpenComplaint row=r/> }).collect_view()}</ul> }.into_any()
        }}
        <h2>{format!("Closed complaints ({})", closed.len())}</h2>
        {if closed.is_empty() { view! { <p>"None."</p> }.into_any() } else {
            view! {
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="closed-caption">
                    <table>
                        <caption id="closed-caption">"Closed complaints and their outcomes"</caption>
                        <thead><tr>
                            <th scope="col">"Complaint"</th><th scope="col">"Certificant"</th><th scope="col">"Outcome"</th>
                            <th scope="col">"Finding"</th><th scope="col">"Registry"</th><th scope="col">"Closed"</th>
                        </tr></thead>
                        <tbody>
                            {closed.into_iter().map(|r| view! {
                                <tr>
                                    <td>{format!("{}: {}", r.id, r.summary)}</td>
                                    <td>{format!("{} ({})", r.certificant, r.number)}</td>
                                    <td>{match r.outcome.as_deref() {
                                        Some("corrective_action") => format!("Corrective action: {}", r.corrective_action.clone().unwrap_or_default()),
                                        _ => "No action".to_string(),
                                    }}</td>
                                    <td>{r.finding.clone().unwrap_or_default()}</td>
                                    <td>{r.registry_effect.clone().unwrap_or_default()}</td>
                                    <td>{r.closed_on.clone().unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

#[component]
fn OpenComplaint(row: ComplaintRow) -> impl IntoView {
    let id = row.id;
    let action = format!("/staff/complaints/{id}");
    let investigating = row.status == "investigating";
    view! {
        <li class="card">
            <h3>{format!("Complaint {id} about {} ({}), certification {}", row.certificant, row.number, row.certification_status)}</h3>
            <p>{format!("Received {} from {}: {}", row.received_on, row.complainant, row.summary)}</p>
            {if investigating {
                view! {
                    <p><strong>{clock(&row)}</strong></p>
                    <form method="post" action=action class="stack">
                        <input type="hidden" name="step" value="close"/>
                        <fieldset>
                            <legend>{format!("Outcome of complaint {id}")}</legend>
                            <input type="radio" id=format!("no-action-{id}") name="outcome" value="no_action" checked=true/>
                            <label for=format!("no-action-{id}")>"No corrective action"</label>
                            <input type="radio" id=format!("corrective-{id}") name="outcome" value="corrective_action"/>
                            <label for=format!("corrective-{id}")>"Corrective action"</label>
                        </fieldset>
                        <label for=format!("action-{id}")>"Corrective action (what the certificant must do, or what was done)"</label>
                        <textarea id=format!("action-{id}") name="corrective_action" rows="2"></textarea>
                        <label for=format!("registry-{id}")>"Registry status"</label>
                        <select id=format!("registry-{id}") name="registry">
                            <option value="none" selected=true>"Leave as it is"</option>
                            <option value="suspend">"Suspend the certification"</option>
                        </select>
                        <label for=format!("finding-{id}")>"Finding of the investigation"</label>
                        <textarea id=format!("finding-{id}") name="finding" rows="2" required></textarea>
                        <button type="submit" class="primary">{format!("Close complaint {id}")}</button>
                    </form>
                }.into_any()
            } else {
                view! {
                    <form method="post" action=action class="inline">
                        <input type="hidden" name="step" value="investigate"/>
                        <button type="submit" class="primary">{format!("Open the investigation of complaint {id} (starts the 90 days)")}</button>
                    </form>
                }.into_any()
            }}
        </li>
    }
}
