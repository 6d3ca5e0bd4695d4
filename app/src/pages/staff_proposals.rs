//! Proposals waiting for a second staff member: what each will change, who proposed it, and
//! approve or reject (not for one's own).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::{ErrorBox, Header};
use crate::dto::ProposalRow;

#[server]
pub async fn load_proposals() -> Result<Vec<ProposalRow>, ServerFnError> {
    let (state, user) = super::layout::ssr::signed_in().await?;
    let load = async {
        crate::server::users::require_staff(&user, "see proposals")?;
        crate::server::proposals::pending(&state.db, &user).await
    };
    load.await
        .map_err(|e: crate::server::error::AppError| e.into_server_fn_error())
}

#[component]
pub fn StaffProposalsPage() -> impl IntoView {
    let query = use_query_map();
    let done = query.read_untracked().get("done");
    let data = Resource::new(|| (), |_| load_proposals());
    view! {
        <Title text="Proposals to approve · Certamen"/>
        <Header signed_in=true/>
        <main id="main" class="page">
            <h1>"Proposals to approve"</h1>
            {done.map(|d| view! { <p class="notice" role="status">{done_text(&d)}</p> })}
            <p>"A decision that changes a result or a credential takes two people: one proposes it, another approves it here. Read exactly what will change. A proposal whose record changed since it was made is refused as stale."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(rows) => view! { <ProposalList rows=rows/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
            <p><a href="/staff/results">"Back to the results"</a></p>
        </main>
    }
}

fn done_text(done: &str) -> String {
    match done.split_once(':') {
        Some(("approved", id)) => format!("Proposal {id} is approved and carried out."),
        Some(("rejected", id)) => format!("Proposal {id} is rejected; nothing changed."),
        _ => "Done.".to_string(),
    }
}

#[component]
fn ProposalList(rows: Vec<ProposalRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"No proposal is waiting."</p> }.into_any();
    }
    view! {
        <div class="stack">
            {rows.into_iter().map(|p| {
                let heading = format!("proposal-{}", p.id);
                let form_label = heading.clone();
                let action = format!("/staff/proposals/{}/decision", p.id);
                view! {
                    <section class="card" aria-labelledby=heading.clone()>
                        <h2 id=heading.clone()>{p.title.clone()}</h2>
                        <p>{format!("Proposed by {} on {}. It will:", p.proposed_by, p.proposed_on)}</p>
                        <ul>{p.changes.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul>
                        {if p.own {
                            view! { <p>"You proposed this: another staff member must approve or reject it."</p> }.into_any()
                        } else {
                            view! {
                                <form method="post" action=action class="inline" aria-labelledby=form_label>
                                    <button type="submit" name="decision" value="approve" class="primary">"Approve and carry out"</button>
                                    " "
                                    <button type="submit" name="decision" value="reject">"Reject"</button>
                                </form>
                            }.into_any()
                        }}
                    </section>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}
