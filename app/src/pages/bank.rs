//! The vendor's item bank: blueprint coverage at a glance, then every item, searchable by
//! competency, status, language and text. A plain GET form, so it works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::{encode_query as encode, ErrorBox, Header};
use crate::dto::BankView;

#[server]
pub async fn load_bank_view(
    competency: String,
    status: String,
    language: String,
    q: String,
    page: String,
) -> Result<BankView, ServerFnError> {
    use crate::server::error::AppError;
    let (state, user) = super::layout::ssr::signed_in().await?;
    let page = match page.trim() {
        "" => 1,
        p => p.parse().map_err(|_| {
            AppError::BadRequest(format!("page {p:?} is not a page number")).into_server_fn_error()
        })?,
    };
    let filter = crate::dto::BankFilter {
        competency,
        status,
        language,
        q,
        page,
    };
    crate::server::workspace::bank_view(&state.db, &user, filter)
        .await
        .map_err(|e| e.into_server_fn_error())
}

#[component]
pub fn BankPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).unwrap_or_default();
            (
                get("competency"),
                get("status"),
                get("language"),
                get("q"),
                get("page"),
            )
        },
        |(c, s, l, q, p)| load_bank_view(c, s, l, q, p),
    );
    view! {
        <Title text="Item bank · Certamen"/>
        <Header signed_in=true/>
        <main id="main" class="page wide">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(v) => view! { <BankViewPage view=v/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn BankViewPage(view: BankView) -> impl IntoView {
    let f = view.filter.clone();
    let option = |value: &str, label: &str, current: &str| {
        let selected = value == current;
        view! { <option value=value.to_string() selected=selected>{label.to_string()}</option> }
    };
    view! {
        <h1>"Item bank"</h1>
        <p>{view.exam_title.clone()}</p>
        <h2 id="coverage">"Blueprint coverage"</h2>
        <table class="report">
            <caption>"Approved items in each competency against the items one form needs, by language"</caption>
            <thead><tr>
                <th scope="col">"Competency"</th>
                <th scope="col">"Per form"</th>
                <th scope="col">"Approved"</th>
                <th scope="col">"With Spanish"</th>
                <th scope="col">"With IRT parameters"</th>
            </tr></thead>
            <tbody>
                {view.coverage.iter().map(|c| {
                    let short = c.approved < c.needed;
                    let short_es = c.approved_es < c.needed;
                    view! {
                        <tr>
                            <th scope="row">{format!("{} {}", c.id, c.name)}</th>
                            <td>{c.needed}</td>
                            <td>{c.approved}{short.then_some(" (too few)")}</td>
                            <td>{c.approved_es}{short_es.then_some(" (too few)")}</td>
                            <td>{c.with_params}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>

        <h2 id="items">"Items"</h2>
        <form method="get" action="/vendor/items" class="filters" role="search" aria-label="Find items">
            <div class="field">
                <label for="competency">"Competency"</label>
                <select id="competency" name="competency">
                    {option("", "Any", &f.competency)}
                    {view.competencies.iter().map(|(id, name)| option(id, &format!("{id} {name}"), &f.competency)).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="status">"Status"</label>
                <select id="status" name="status">
                    {option("", "Any", &f.status)}
                    {option("draft", "Draft", &f.status)}
                    {option("in review", "In review", &f.status)}
                    {option("approved", "Approved", &f.status)}
                    {option("retired", "Retired", &f.status)}
                </select>
            </div>
            <div class="field">
                <label for="language">"Language"</label>
                <select id="language" name="language">
                    {option("", "Any", &f.language)}
                    {option("es", "With a Spanish version", &f.language)}
                    {option("no-es", "English only", &f.language)}
                </select>
            </div>
            <div class="field">
                <label for="q">"Text"</label>
                <input type="search" id="q" name="q" value=f.q.clone()/>
            </div>
            <button type="submit" class="primary">"Find items"</button>
        </form>
        <table class="report items">
            <caption>{format!("{} of {} items match", view.matching, view.total_items)}</caption>
            <thead><tr>
                <th scope="col">"Item"</th>
                <th scope="col">"Competency"</th>
                <th scope="col">"Status"</th>
                <th scope="col">"Version"</th>
                <th scope="col">"Languages"</th>
                <th scope="col">"Parameters"</th>
                <th scope="col">"Stem"</th>
            </tr></thead>
            <tbody>
                {view.rows.iter().map(|r| view! {
                    <tr>
                        <th scope="row"><a href=format!("/vendor/items/{}", r.id)>{r.id.clone()}</a>{r.set.clone().map(|s| format!(" (set {s})"))}{r.practice.then_some(" (practice exam)")}</th>
                        <td>{r.competency.clone()}</td>
                        <td>{r.status.clone()}</td>
                        <td>{r.version}</td>
                        <td>{r.languages.clone()}</td>
                        <td>{r.params.clone()}</td>
                        <td>{r.stem.clone()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {(view.pages > 1).then(|| {
            let link = |page: u32| {
                format!(
                    "/vendor/items?competency={}&status={}&language={}&q={}&page={page}",
                    encode(&f.competency),
                    encode(&f.status),
                    encode(&f.language),
                    encode(&f.q)
                )
            };
            view! {
                <nav class="pages" aria-label="Result pages">
                    <p>{format!("Page {} of {}", view.page, view.pages)}</p>
                    {(view.page > 1).then(|| view! { <a href=link(view.page - 1)>"Previous page"</a> })}
                    " "
                    {(view.page < view.pages).then(|| view! { <a href=link(view.page + 1)>"Next page"</a> })}
                </nav>
            }
        })}
    }
}
