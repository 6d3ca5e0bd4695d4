//! The staff-kept list of approved training providers: candidates choose from it when they
//! apply after training. A provider taken off the list stays named on past applications.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::{ErrorBox, Header};
use crate::dto::ProviderRow;

#[server]
pub async fn load_providers() -> Result<Vec<ProviderRow>, ServerFnError> {
    let (state, user) = super::layout::ssr::signed_in().await?;
    let load = async {
        crate::server::users::require_staff(&user, "keep the list of training providers")?;
        crate::server::applications::all_providers(&state.db).await
    };
    load.await
        .map_err(|e: crate::server::error::AppError| e.into_server_fn_error())
}

#[component]
pub fn StaffProvidersPage() -> impl IntoView {
    let query = use_query_map();
    let saved = query.read_untracked().get("saved").is_some();
    let data = Resource::new(|| (), |_| load_providers());
    view! {
        <Title text="Training providers · Certamen"/>
        <Header signed_in=true/>
        <main id="main" class="page">
            <h1>"Approved training providers"</h1>
            {saved.then(|| view! { <p class="notice" role="status">"The list is saved."</p> })}
            <p>"Candidates applying after training choose their provider from this list. Taking a provider off the list keeps it on the applications that name it."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(rows) => view! { <ProviderList rows=rows/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
            <h2>"Add a provider"</h2>
            <form method="post" action="/staff/training-providers" class="stack">
                <label for="name">"Provider's name"</label>
                <input type="text" id="name" name="name" maxlength="200" required/>
                <button type="submit" class="primary">"Add to the list"</button>
            </form>
            <p><a href="/staff/applications">"Back to the applications"</a></p>
        </main>
    }
}

#[component]
fn ProviderList(rows: Vec<ProviderRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"No training provider is listed yet."</p> }.into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="providers-caption">
            <table>
                <caption id="providers-caption">"Every provider ever listed"</caption>
                <thead><tr><th scope="col">"Provider"</th><th scope="col">"Listed"</th><th scope="col">"Applications naming it"</th><th scope="col">"Change"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|p| view! {
                        <tr>
                            <td>{p.name.clone()}</td>
                            <td>{if p.active { "Yes" } else { "No, removed" }}</td>
                            <td>{p.applications}</td>
                            <td>
                                <form method="post" action=format!("/staff/training-providers/{}/active", p.id) class="inline">
                                    <input type="hidden" name="active" value=if p.active { "0" } else { "1" }/>
                                    <button type="submit" aria-label=format!("{} {}", if p.active { "Remove" } else { "List again" }, p.name)>
                                        {if p.active { "Remove" } else { "List again" }}
                                    </button>
                                </form>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }.into_any()
}
