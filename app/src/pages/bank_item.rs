//! One item for its vendor: both languages side by side as the candidate sees them (with the
//! key marked and the rationale), its parameters, and every version with what changed; any
//! two versions can be compared field by field.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::layout::{ErrorBox, Header};
use crate::dto::{ItemDetail, ItemLanguage};

#[server]
pub async fn load_item_detail(id: String, compare: String) -> Result<ItemDetail, ServerFnError> {
    use crate::server::error::AppError;
    let (state, user) = super::layout::ssr::signed_in().await?;
    let compare = match compare.trim() {
        "" => None,
        text => {
            let parsed = text
                .split_once(',')
                .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)));
            Some(parsed.ok_or_else(|| {
                AppError::BadRequest(format!(
                    "compare={text:?}: give two version numbers, e.g. compare=1,2"
                ))
                .into_server_fn_error()
            })?)
        }
    };
    crate::server::workspace::item_detail(&state.db, &user, &id, compare)
        .await
        .map_err(|e| e.into_server_fn_error())
}

#[component]
pub fn BankItemPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.read().get("compare").unwrap_or_default(),
            )
        },
        |(id, compare)| load_item_detail(id, compare),
    );
    view! {
        <Header signed_in=true/>
        <main id="main" class="page wide">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <Title text=format!("{} · Item bank · Certamen", d.id)/><Detail item=d/> }.into_any(),
                        Err(e) => view! { <Title text="Item bank · Certamen"/><ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn Detail(item: ItemDetail) -> impl IntoView {
    // Every keyed option (several for a multiple-answer item).
    let keys: Vec<usize> = item
        .key
        .split(',')
        .filter_map(|k| k.trim().chars().next())
        .map(|c| (c as u32).saturating_sub('A' as u32) as usize)
        .collect();
    let latest = item.version;
    view! {
        <p><a href="/vendor/items">"Back to the item bank"</a></p>
        <h1>{format!("Item {}", item.id)}</h1>
        {(item.status != "retired").then(|| view! {
            <p><a class="button" href=format!("/vendor/items/{}/edit", item.id)>"Edit this item"</a></p>
        })}
        <dl class="facts">
            <dt>"Competency"</dt><dd>{format!("{} {}", item.competency, item.competency_name)}</dd>
            <dt>"Status"</dt><dd>{item.status.clone()}</dd>
            <dt>"Version"</dt><dd>{item.version}</dd>
            <dt>"Type"</dt><dd>{if keys.len() > 1 { format!("Multiple answer (choose {})", keys.len()) } else { "Single answer".to_string() }}</dd>
            <dt>"Key"</dt><dd>{item.key.clone()}</dd>
            <dt>"IRT parameters"</dt><dd>{item.params.clone()}</dd>
            {item.set.clone().map(|s| view! { <dt>"Scenario set"</dt><dd>{s}</dd> })}
            {(!item.enemies.is_empty()).then(|| view! { <dt>"Enemy items"</dt><dd>{item.enemies.join(", ")}</dd> })}
            {(!item.references.is_empty()).then(|| view! { <dt>"References"</dt><dd><ul>{item.references.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}</ul></dd> })}
        </dl>
        <h2>"Review"</h2>
        <Actions id=item.id.clone() version=item.version status=item.status.clone()/>
        {(!item.reviews.is_empty()).then(|| view! {
            <table class="report">
                <caption>"Review decisions, newest first"</caption>
                <thead><tr><th scope="col">"Version"</th><th scope="col">"Decision"</th><th scope="col">"By"</th><th scope="col">"Comment"</th></tr></thead>
                <tbody>
                    {item.reviews.iter().map(|r| view! {
                        <tr><th scope="row">{r.version}</th><td>{r.decision.clone()}</td><td>{r.reviewer.clone()}</td><td>{r.comment.clone()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
        <h2>"Use and statistics"</h2>
        {
            let s = item.stats.clone();
            view! {
                <p>{format!("Delivered in {} of {} attempts.", s.delivered, s.attempts)}</p>
                {if s.scored == 0 {
                    view! { <p>"No scored responses yet: statistics appear once candidates have submitted attempts with this item."</p> }.into_any()
                } else {
                    view! {
                        <dl class="facts">
                            <dt>"Scored responses"</dt><dd>{s.scored}</dd>
                            <dt>"p-value (share correct)"</dt><dd>{s.p_value.map(|p| format!("{p:.2}")).unwrap_or_else(|| "not defined".into())}</dd>
                            <dt>"Point-biserial with the rest of the form"</dt><dd>{s.r_rest.map(|r| format!("{r:.2}")).unwrap_or_else(|| "not defined yet (needs responses that differ)".into())}</dd>
                        </dl>
                    }.into_any()
                }}
            }
        }
        <h2>"Preview"</h2>
        <p>"As a candidate sees it (options in authored order; each candidate's order is shuffled). The key is marked here for reviewers only."</p>
        <div class="side-by-side">
            {item.languages.iter().map(|l| view! { <Preview language=l.clone() keys=keys.clone()/> }).collect_view()}
        </div>
        {item.compared.clone().map(|(a, b, changes)| view! {
            <h2 id="compare">{format!("Version {a} against version {b}")}</h2>
            {if changes.is_empty() {
                view! { <p>"These versions are the same."</p> }.into_any()
            } else {
                view! {
                    <table class="report">
                        <caption>{format!("{} field(s) differ", changes.len())}</caption>
                        <thead><tr><th scope="col">"Field"</th><th scope="col">{format!("Version {a}")}</th><th scope="col">{format!("Version {b}")}</th></tr></thead>
                        <tbody>
                            {changes.iter().map(|c| view! {
                                <tr><th scope="row">{c.field.clone()}</th><td>{c.from.clone()}</td><td>{c.to.clone()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        })}
        <h2>"Versions"</h2>
        <table class="report">
            <caption>"Every version of this item, newest first"</caption>
            <thead><tr><th scope="col">"Version"</th><th scope="col">"Status"</th><th scope="col">"By"</th><th scope="col">"What changed"</th><th scope="col">"Compare"</th></tr></thead>
            <tbody>
                {item.versions.iter().map(|v| view! {
                    <tr>
                        <th scope="row">{v.version}</th>
                        <td>{v.status.clone()}</td>
                        <td>{v.by.clone()}</td>
                        <td>{v.changed.join(", ")}</td>
                        <td>{(v.version != latest).then(|| view! {
                            <a href=format!("/vendor/items/{}?compare={},{}#compare", item.id, v.version, latest)>
                                {format!("with version {latest}")}
                            </a>
                        })}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn Preview(language: ItemLanguage, keys: Vec<usize>) -> impl IntoView {
    let lang = if language.language == "Spanish" {
        "es"
    } else {
        "en"
    };
    view! {
        <section class="preview" lang=lang aria-label=format!("{} version", language.language)>
            <h3>{language.language.clone()}</h3>
            {language.scenario.clone().map(|s| view! { <div class="scenario"><p>{s}</p></div> })}
            <p class="stem">{language.stem.clone()}</p>
            <ol class="preview-options" type="A">
                {language.options.iter().enumerate().map(|(i, o)| {
                    let is_key = keys.contains(&i);
                    view! {
                        <li class=if is_key { "key" } else { "" }>
                            {o.clone()}
                            {is_key.then(|| view! { <strong>" (key)"</strong> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            <p class="rationale"><strong>"Rationale: "</strong>{language.rationale.clone()}</p>
        </section>
    }
}

/// The workflow step open for the item's status (plain forms; the server enforces the rules).
#[component]
fn Actions(id: String, version: i64, status: String) -> impl IntoView {
    let action = format!("/vendor/items/{id}/status");
    let base = version.to_string();
    match status.as_str() {
        "draft" => view! {
            <form method="post" action=action>
                <input type="hidden" name="base_version" value=base/>
                <p>"This version is a draft. When it is ready, submit it: another vendor reviews it."</p>
                <button type="submit" name="action" value="submit" class="primary">"Submit for review"</button>
            </form>
        }.into_any(),
        "in review" => view! {
            <form method="post" action=action>
                <input type="hidden" name="base_version" value=base/>
                <p>"This version is waiting for review. Its author and submitter cannot review it."</p>
                <div class="field">
                    <label for="comment">"Comments (needed to return it)"</label>
                    <textarea id="comment" name="comment" rows="4"></textarea>
                </div>
                <div class="nav-buttons">
                    <button type="submit" name="action" value="return">"Return to the author"</button>
                    <button type="submit" name="action" value="approve" class="primary">"Approve"</button>
                </div>
            </form>
        }.into_any(),
        "approved" => view! {
            <form method="post" action=action>
                <input type="hidden" name="base_version" value=base/>
                <p>"This version is approved and can be delivered. Retiring it stops delivery; attempts that used it keep their version."</p>
                <div class="field">
                    <label for="comment">"Reason for retiring"</label>
                    <textarea id="comment" name="comment" rows="3"></textarea>
                </div>
                <button type="submit" name="action" value="retire">"Retire this item"</button>
            </form>
        }.into_any(),
        _ => view! {
            <p>"This item is retired: it is never delivered again, and attempts that used it keep their version."</p>
        }.into_any(),
    }
}
