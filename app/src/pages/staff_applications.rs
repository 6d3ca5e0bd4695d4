//! The staff queue of applications for certification: each waiting application with its
//! pathway and attestations, approved or returned with the reason the candidate reads.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::application::{status_text, ApplicationCard};
use super::layout::{ErrorBox, Header};
use crate::dto::{ApplicationRow, StaffApplications};

#[server]
pub async fn load_staff_applications() -> Result<StaffApplications, ServerFnError> {
    use crate::server::applications;
    let (state, user) = super::layout::ssr::signed_in().await?;
    let load = async {
        crate::server::users::require_staff(&user, "decide applications")?;
        let (submitted, decided) = applications::queue(&state.db).await?;
        Ok(StaffApplications { submitted, decided })
    };
    load.await
        .map_err(|e: crate::server::error::AppError| e.into_server_fn_error())
}

#[component]
pub fn StaffApplicationsPage() -> impl IntoView {
    let query = use_query_map();
    let decided = query.read_untracked().get("decided");
    let data = Resource::new(|| (), |_| load_staff_applications());
    view! {
        <Title text="Applications · Certamen"/>
        <Header signed_in=true/>
        <main id="main" class="page wide">
            <h1>"Applications for certification"</h1>
            {decided.map(|id| view! { <p class="notice" role="status">{format!("Your decision on application {id} is recorded. The candidate sees it on their dashboard.")}</p> })}
            <p><a href="/staff/training-providers">"Keep the list of approved training providers"</a></p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <Queue data=d/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn Queue(data: StaffApplications) -> impl IntoView {
    view! {
        <h2>{format!("Waiting for a decision ({})", data.submitted.len())}</h2>
        {data.submitted.is_empty().then(|| view! { <p>"No application is waiting."</p> })}
        {data.submitted.into_iter().map(|a| view! { <Waiting application=a/> }).collect_view()}
        <h2>"Latest decisions"</h2>
        {if data.decided.is_empty() {
            view! { <p>"No application has been decided yet."</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="decided-caption">
                    <table>
                        <caption id="decided-caption">"The 50 latest decisions, newest first"</caption>
                        <thead><tr><th scope="col">"Application"</th><th scope="col">"Candidate"</th><th scope="col">"Pathway"</th><th scope="col">"Decision"</th><th scope="col">"Decided on"</th></tr></thead>
                        <tbody>
                            {data.decided.into_iter().map(|a| view! {
                                <tr>
                                    <td>{a.id}</td>
                                    <td>{a.candidate.clone().unwrap_or_default()}</td>
                                    <td>{a.pathway_text.clone()}</td>
                                    <td>{match &a.decision_note {
                                        Some(n) => format!("{}: {n}", status_text(&a.status)),
                                        None => status_text(&a.status).to_string(),
                                    }}</td>
                                    <td>{a.decided_on.clone().unwrap_or_default()}</td>
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
fn Waiting(application: ApplicationRow) -> impl IntoView {
    let id = application.id;
    let f = move |name: &str| format!("a{id}-{name}");
    view! {
        <ApplicationCard application=application/>
        <form method="post" action=format!("/staff/applications/{id}/decision") class="stack settings decision">
            <fieldset>
                <legend>{format!("Decision on application {id}")}</legend>
                <div class="choice">
                    <input type="radio" id=f("approve") name="decision" value="approve" checked=true/>
                    <label for=f("approve")>"Approve: the candidate may take the exam"</label>
                </div>
                <div class="choice">
                    <input type="radio" id=f("return") name="decision" value="return"/>
                    <label for=f("return")>"Return for corrections (say what to correct below)"</label>
                </div>
            </fieldset>
            <label for=f("note")>"Note to the candidate (required when returning)"</label>
            <textarea id=f("note") name="note" rows="3" maxlength="4000"></textarea>
            <button type="submit" class="primary">"Record the decision"</button>
        </form>
    }
}
