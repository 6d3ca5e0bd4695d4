//! The public registry of certificants: anyone, without signing in, looks a certificant up by
//! name or certificate number and sees the status and dates. A plain GET form.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::{ErrorBox, Header};
use crate::dto::RegistrySearch;
use crate::t;

#[server]
pub async fn search_registry(query: String) -> Result<RegistrySearch, ServerFnError> {
    use crate::server::registry;
    let state = super::layout::ssr::state()?;
    let query: String = query.chars().take(200).collect();
    let trimmed = query.trim();
    let by_number = trimmed.to_ascii_uppercase().starts_with("PSS-");
    let too_short =
        !trimmed.is_empty() && !by_number && trimmed.chars().count() < registry::MIN_NAME_QUERY;
    let found = registry::lookup(&state.db, state.clock.now_ms(), trimmed)
        .await
        .map_err(|e| e.into_server_fn_error())?
        .into_iter()
        // Only what the public page shows leaves the server.
        .map(|mut e| {
            e.reason = None;
            e.email = String::new();
            e.attempt_id = String::new();
            e.id = 0;
            e
        })
        .collect();
    Ok(RegistrySearch {
        query: trimmed.to_string(),
        too_short,
        found,
    })
}

#[component]
pub fn RegistryPage() -> impl IntoView {
    let query = use_query_map();
    let q = query.read_untracked().get("q").unwrap_or_default();
    let searched = !q.trim().is_empty();
    let data = Resource::new(move || q.clone(), search_registry);
    view! {
        <Title text=format!("{} · Certamen", t!("registry-title"))/>
        <Header/>
        <main id="main" class="page">
            <h1>{t!("registry-title")}</h1>
            <p>{t!("registry-intro")}</p>
            <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(s) => view! { <SearchForm search=s searched=searched/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn SearchForm(search: RegistrySearch, searched: bool) -> impl IntoView {
    let count = search.found.len();
    view! {
        <form method="get" action="/registry" class="stack" role="search">
            <label for="q">{t!("registry-query-label")}</label>
            <p class="hint" id="q-hint">{t!("registry-query-hint")}</p>
            <input type="search" id="q" name="q" value=search.query.clone() maxlength="200" aria-describedby="q-hint"/>
            <button type="submit" class="primary">{t!("registry-search")}</button>
        </form>
        {searched.then(|| {
            if search.too_short {
                view! { <p role="status">{t!("registry-too-short")}</p> }.into_any()
            } else if count == 0 {
                view! { <p role="status">{t!("registry-none", query = search.query.clone())}</p> }.into_any()
            } else {
                view! {
                    <p role="status">{t!("registry-found", n = count)}</p>
                    <div class="table-scroll" tabindex="0" role="region" aria-labelledby="registry-caption">
                        <table>
                            <caption id="registry-caption">{t!("registry-caption", query = search.query.clone())}</caption>
                            <thead><tr>
                                <th scope="col">{t!("registry-name")}</th>
                                <th scope="col">{t!("registry-number")}</th>
                                <th scope="col">{t!("registry-status")}</th>
                                <th scope="col">{t!("registry-issued")}</th>
                                <th scope="col">{t!("registry-expires")}</th>
                            </tr></thead>
                            <tbody>
                                {search.found.iter().map(|e| view! {
                                    <tr>
                                        <td>{e.name.clone()}</td>
                                        <td>{e.number.clone()}</td>
                                        <td>{e.status.label()}</td>
                                        <td>{e.issued_on.clone()}</td>
                                        <td>{e.expires_on.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }
        })}
    }
}
