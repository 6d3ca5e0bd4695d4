//! Certifications for program staff: every certificant with number, status and dates, and a
//! form to suspend, revoke or reinstate for a reason (recorded in the audit log; the public
//! registry shows the new status at once).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::{ErrorBox, Header};
use crate::dto::{CertificationStatus, RegistryEntry};

#[server]
pub async fn load_certifications() -> Result<Vec<RegistryEntry>, ServerFnError> {
    let (state, user) = super::layout::ssr::signed_in().await?;
    let load = async {
        crate::server::users::require_staff(&user, "manage certifications")?;
        crate::server::registry::staff_list(&state.db, state.clock.now_ms()).await
    };
    load.await
        .map_err(|e: crate::server::error::AppError| e.into_server_fn_error())
}

#[component]
pub fn StaffCertificationsPage() -> impl IntoView {
    let query = use_query_map();
    let done = query.read_untracked().get("done");
    let data = Resource::new(|| (), |_| load_certifications());
    view! {
        <Title text="Certifications · Certamen"/>
        <Header signed_in=true/>
        <main id="main" class="page wide">
            <h1>"Certifications"</h1>
            {done.map(|d| view! { <p class="notice" role="status">{match d.split_once(':') {
                Some(("renewal", id)) => format!("Certification {id}: the renewal is recorded and its expiry moved two years on. The public registry shows it now."),
                Some((action, id)) if action.starts_with("proposed-") => format!("Certification {id}: to {} is proposed. Another staff member must approve it on the proposals page before it takes effect.", action.trim_start_matches("proposed-")),
                Some((action, id)) => format!("Certification {id}: {action} is recorded. The public registry shows it now."),
                None => "Done.".to_string(),
            }}</p> })}
            <p>"A candidate becomes a certificant when a passing result is released and their application is approved. Each certification runs two years from its issue. The "<a href="/registry">"public registry"</a>" shows name, number, status and dates; the reasons stay here and in the audit log."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(rows) => view! { <CertificationList rows=rows/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn CertificationList(rows: Vec<RegistryEntry>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"No one is certified yet."</p> }.into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="certifications-caption">
            <table>
                <caption id="certifications-caption">{format!("{} certifications, newest first", rows.len())}</caption>
                <thead><tr>
                    <th scope="col">"Certificant"</th><th scope="col">"Number"</th><th scope="col">"Status"</th>
                    <th scope="col">"Issued"</th><th scope="col">"Expires"</th><th scope="col">"Change"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|c| {
                        let actions: &[(&str, &str)] = match c.status {
                            CertificationStatus::Active | CertificationStatus::Expired => &[("suspend", "Suspend"), ("revoke", "Revoke")],
                            CertificationStatus::Suspended => &[("reinstate", "Reinstate"), ("revoke", "Revoke")],
                            CertificationStatus::Revoked => &[("reinstate", "Reinstate")],
                        };
                        let id = c.id;
                        view! {
                            <tr>
                                <td>{c.name.clone()}<br/><span class="hint">{c.email.clone()}</span></td>
                                <td>{c.number.clone()}</td>
                                <td>{c.status.label()}{c.reason.clone().map(|r| view! { <br/><span class="hint">{r}</span> })}</td>
                                <td>{c.issued_on.clone()}</td>
                                <td>{c.expires_on.clone()}</td>
                                <td>
                                    <details>
                                        <summary>{format!("Change {}", c.number)}</summary>
                                        <form method="post" action=format!("/staff/certifications/{id}/status") class="stack">
                                            <fieldset>
                                                <legend>"Change to"</legend>
                                                {actions.iter().enumerate().map(|(i, (code, label))| {
                                                    let input_id = format!("action-{id}-{code}");
                                                    view! {
                                                        <div class="choice">
                                                            <input type="radio" name="action" id=input_id.clone() value=*code checked=i == 0/>
                                                            <label for=input_id>{*label}</label>
                                                        </div>
                                                    }
                                                }).collect_view()}
                                            </fieldset>
                                            <label for=format!("reason-{id}")>"Reason (kept in the record)"</label>
                                            <textarea id=format!("reason-{id}") name="reason" rows="2" maxlength="2000" required></textarea>
                                            <button type="submit">"Record the change"</button>
                                        </form>
                                    </details>
                                    {(c.status == CertificationStatus::Active).then(|| view! {
                                        <details>
                                            <summary>{format!("Record a renewal of {}", c.number)}</summary>
                                            <form method="post" action=format!("/staff/certifications/{id}/renewal") class="stack">
                                                <p class="hint">"From 90 days before the expiry date; the new expiry is two years after the current one."</p>
                                                <label for=format!("ce-{id}")>"Continuing-education hours in all (at least 20)"</label>
                                                <input type="number" id=format!("ce-{id}") name="ce_hours" min="20" step="1" required/>
                                                <label for=format!("law-{id}")>"Of them, hours in law and ethics (at least 6)"</label>
                                                <input type="number" id=format!("law-{id}") name="law_ethics_hours" min="6" step="1" required/>
                                                <button type="submit">"Record the renewal"</button>
                                            </form>
                                        </details>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }.into_any()
}
