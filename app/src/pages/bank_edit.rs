//! Editing an item: both languages side by side, saved as a new draft version (never over the
//! version being delivered). A plain form: the server checks everything a bank file must pass
//! and refuses an edit based on a version someone else has replaced.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::bank_item::load_item_detail;
use super::layout::{ErrorBox, Header};
use crate::dto::{ItemDetail, ItemLanguage};

#[component]
pub fn BankEditPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        |id| load_item_detail(id, String::new()),
    );
    view! {
        <Header signed_in=true/>
        <main id="main" class="page wide">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <Title text=format!("Edit {} · Item bank · Certamen", d.id)/><EditForm item=d/> }.into_any(),
                        Err(e) => view! { <Title text="Item bank · Certamen"/><ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn EditForm(item: ItemDetail) -> impl IntoView {
    let en = item.languages.first().cloned();
    let es = item.languages.get(1).cloned();
    let count = en.as_ref().map_or(4, |l| l.options.len());
    let letters: Vec<char> = (0..count).map(|i| char::from(b'A' + i as u8)).collect();
    let key = item.key.clone();
    view! {
        <p><a href=format!("/vendor/items/{}", item.id)>"Back to the item"</a></p>
        <h1>{format!("Edit item {}", item.id)}</h1>
        <p>{format!("You are editing version {}. Saving makes a new draft version; the version candidates get does not change until the draft is reviewed and approved.", item.version)}</p>
        {item.set.clone().map(|s| view! { <p>{format!("This item belongs to scenario set {s}; the scenario itself is edited in the set's file.")}</p> })}
        <form method="post" action=format!("/vendor/items/{}/save", item.id) class="editor">
            <input type="hidden" name="base_version" value=item.version.to_string()/>
            <div class="field">
                <label for="key">"Key (the correct option)"</label>
                <select id="key" name="key">
                    {letters.iter().map(|l| {
                        let l = l.to_string();
                        let selected = l == key;
                        view! { <option value=l.clone() selected=selected>{l.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="side-by-side">
                <Language prefix="en" title="English" lang="en" text=en count=count/>
                <Language prefix="es" title="Spanish (leave every field empty for none)" lang="es" text=es count=count/>
            </div>
            <div class="field">
                <label for="references">"References (one per line)"</label>
                <textarea id="references" name="references" rows="3">{item.references.join("\n")}</textarea>
            </div>
            <button type="submit" class="primary">"Save as a new draft"</button>
        </form>
    }
}

#[component]
fn Language(
    prefix: &'static str,
    title: &'static str,
    lang: &'static str,
    text: Option<ItemLanguage>,
    count: usize,
) -> impl IntoView {
    let stem = text.as_ref().map(|t| t.stem.clone()).unwrap_or_default();
    let rationale = text
        .as_ref()
        .map(|t| t.rationale.clone())
        .unwrap_or_default();
    let options: Vec<String> = (0..count)
        .map(|i| {
            text.as_ref()
                .and_then(|t| t.options.get(i).cloned())
                .unwrap_or_default()
        })
        .collect();
    view! {
        <fieldset class="preview" lang=lang>
            <legend>{title}</legend>
            <div class="field">
                <label for=format!("{prefix}_stem")>"Stem"</label>
                <textarea id=format!("{prefix}_stem") name=format!("{prefix}_stem") rows="4">{stem}</textarea>
            </div>
            {options.into_iter().enumerate().map(|(i, o)| {
                let name = format!("{prefix}_option_{i}");
                view! {
                    <div class="field">
                        <label for=name.clone()>{format!("Option {}", char::from(b'A' + i as u8))}</label>
                        <textarea id=name.clone() name=name rows="2">{o}</textarea>
                    </div>
                }
            }).collect_view()}
            <div class="field">
                <label for=format!("{prefix}_rationale")>"Rationale"</label>
                <textarea id=format!("{prefix}_rationale") name=format!("{prefix}_rationale") rows="4">{rationale}</textarea>
            </div>
        </fieldset>
    }
}
