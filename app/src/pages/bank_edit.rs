//! Editing an item: both languages side by side, saved as a new draft version (never over the
//! version being delivered). A plain form: the server checks everything a bank file must pass
//! and refuses an edit based on a version someone else has replaced.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::bank_item::load_item_detail;
use super::layout::{ErrorBox, Header};
use crate::dto::ItemDetail;

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
    let count = item.languages.first().map_or(4, |l| l.options.len());
    let text = |i: usize| -> EditText {
        let l = item.languages.get(i);
        EditText {
            stem: l.map(|t| t.stem.clone()).unwrap_or_default(),
            options: (0..count)
                .map(|k| {
                    l.and_then(|t| t.options.get(k).cloned())
                        .unwrap_or_default()
                })
                .collect(),
            rationale: l.map(|t| t.rationale.clone()).unwrap_or_default(),
            scenario: l.and_then(|t| t.scenario.clone()),
        }
    };
    let start = EditStart {
        id: item.id.clone(),
        version: item.version,
        key: item.key.clone(),
        en: text(0),
        es: text(1),
        references: item.references.join("\n"),
    };
    view! {
        <p><a href=format!("/vendor/items/{}", item.id)>"Back to the item"</a></p>
        <h1>{format!("Edit item {}", item.id)}</h1>
        <p>{format!("You are editing version {}. Saving makes a new draft version; the version candidates get does not change until the draft is reviewed and approved.", item.version)}</p>
        {item.set.clone().map(|s| view! { <p>{format!("This item belongs to scenario set {s}. The scenario is shared: changing it here makes a new draft version of every item of the set, each to be reviewed again.")}</p> })}
        <Editor start=start/>
    }
    .into_any()
}

/// One language's fields as the editor starts.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EditText {
    pub stem: String,
    pub options: Vec<String>,
    pub rationale: String,
    pub scenario: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EditStart {
    pub id: String,
    pub version: i64,
    pub key: String,
    pub en: EditText,
    pub es: EditText,
    pub references: String,
}

/// The form, and beside it a preview of each language as the candidate will see it, updated
/// as the vendor types (with JavaScript; without it, the preview shows the version opened).
#[island]
pub fn Editor(start: EditStart) -> impl IntoView {
    let count = start.en.options.len();
    let letters: Vec<String> = (0..count)
        .map(|i| char::from(b'A' + i as u8).to_string())
        .collect();
    // The key as the letters ticked ("A, C" is stored for a multiple-answer item).
    let start_keys: Vec<String> = start
        .key
        .split(',')
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
        .collect();
    let (key, set_key) = signal(start_keys.clone());
    let lang = |t: &EditText| {
        (
            RwSignal::new(t.stem.clone()),
            t.options
                .iter()
                .map(|o| RwSignal::new(o.clone()))
                .collect::<Vec<_>>(),
            RwSignal::new(t.rationale.clone()),
        )
    };
    let en = lang(&start.en);
    let es = lang(&start.es);
    // The shared scenario, for an item of a scenario set (the Spanish one may start empty).
    let in_set = start.en.scenario.is_some();
    let scenario_en = in_set.then(|| RwSignal::new(start.en.scenario.clone().unwrap_or_default()));
    let scenario_es = in_set.then(|| RwSignal::new(start.es.scenario.clone().unwrap_or_default()));
    let field =
        |prefix: &'static str, label: String, name: String, value: RwSignal<String>, rows: u32| {
            let id = format!("{prefix}-{name}");
            view! {
                <div class="field">
                    <label for=id.clone()>{label}</label>
                    <textarea id=id name=name rows=rows.to_string()
                        on:input=move |ev| value.set(event_target_value(&ev))
                        prop:value=move || value.get()>{value.get_untracked()}</textarea>
                </div>
            }
        };
    let fields = |prefix: &'static str,
                  title: &'static str,
                  lang_code: &'static str,
                  scenario: Option<RwSignal<String>>,
                  (stem, options, rationale): (
        RwSignal<String>,
        Vec<RwSignal<String>>,
        RwSignal<String>,
    )| {
        view! {
            <fieldset class="preview" lang=lang_code>
                <legend>{title}</legend>
                {scenario.map(|sc| field(prefix, "Scenario (shared by every item of the set; a blank line starts a paragraph)".into(), format!("scenario_{prefix}"), sc, 8))}
                {field(prefix, "Stem".into(), format!("{prefix}_stem"), stem, 4)}
                {options.iter().enumerate().map(|(i, o)| field(prefix, format!("Option {}", char::from(b'A' + i as u8)), format!("{prefix}_option_{i}"), *o, 2)).collect_view()}
                {field(prefix, "Rationale".into(), format!("{prefix}_rationale"), rationale, 4)}
            </fieldset>
        }
        .into_any()
    };
    let preview = |title: &'static str,
                   lang_code: &'static str,
                   scenario: Option<RwSignal<String>>,
                   (stem, options, _): (
        RwSignal<String>,
        Vec<RwSignal<String>>,
        RwSignal<String>,
    )| {
        let letters = letters.clone();
        view! {
            <section class="candidate-preview" lang=lang_code aria-label=format!("{title} preview")>
                <h3>{format!("{title}: as the candidate sees it")}</h3>
                {scenario.map(|s| view! {
                    <div class="scenario">
                        {move || s.get().split("\n\n").map(|para| view! { <p>{para.trim().to_string()}</p> }).collect_view()}
                    </div>
                })}
                <p class="stem">{move || stem.get()}</p>
                {move || (key.get().len() > 1).then(|| {
                    // In the item's language: this preview is what that candidate reads.
                    let n = key.get().len();
                    let hint = crate::dto::select_hint(lang_code, n);
                    view! { <p class="select-hint">{hint}</p> }
                })}
                {options.iter().enumerate().map(|(i, o)| {
                    let o = *o;
                    let letter = letters[i].clone();
                    let is_key = {
                        let letter = letter.clone();
                        move || key.get().contains(&letter)
                    };
                    view! {
                        <div class="option-preview" class:key=is_key>
                            <span class="letter" aria-hidden="true">{letter.clone()}</span>
                            <span>{move || o.get()}</span>
                        </div>
                    }
                }).collect_view()}
            </section>
        }
        .into_any()
    };
    view! {
        <form method="post" action=format!("/vendor/items/{}/save", start.id) class="editor">
            <input type="hidden" name="base_version" value=start.version.to_string()/>
            <fieldset class="field key-choice">
                <legend>"Key: tick the correct option, or several for a multiple-answer item (the candidate must choose exactly those)"</legend>
                {letters.iter().map(|l| {
                    let id = format!("key-{l}");
                    let letter = l.clone();
                    let ticked = start_keys.contains(l);
                    view! {
                        <span class="key-box">
                            <input type="checkbox" id=id.clone() name="key" value=l.clone() checked=ticked
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let letter = letter.clone();
                                    set_key.update(|k| {
                                        k.retain(|x| *x != letter);
                                        if on {
                                            // In letter order, without a sort (smaller wasm).
                                            let at = k.iter().position(|x| *x > letter).unwrap_or(k.len());
                                            k.insert(at, letter);
                                        }
                                    });
                                }/>
                            <label for=id>{l.clone()}</label>
                        </span>
                    }
                }).collect_view()}
            </fieldset>
            <div class="side-by-side">
                {fields("en", "English", "en", scenario_en, en.clone())}
                {fields("es", "Spanish (leave every field empty for none)", "es", scenario_es, es.clone())}
            </div>
            <div class="field">
                <label for="references">"References (one per line)"</label>
                <textarea id="references" name="references" rows="3">{start.references.clone()}</textarea>
            </div>
            <button type="submit" class="primary">"Save as a new draft"</button>
        </form>
        <h2>"Preview"</h2>
        <p>"Options in authored order (each candidate's order is shuffled); the key is outlined for you only."</p>
        <div class="side-by-side">
            {preview("English", "en", scenario_en, en)}
            {preview("Spanish", "es", scenario_es, es)}
        </div>
    }
}
