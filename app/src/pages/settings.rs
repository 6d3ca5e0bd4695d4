//! Display settings: theme, text size, line focus, reduced motion and the interface language,
//! for this browser. A plain form; the server stores the choice in a cookie and goes back to the page the
//! candidate came from.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::Header;
use crate::display::{DisplaySettings, Theme, TEXT_SIZES};
use crate::i18n::{page_lang, Lang};
use crate::t;

/// The settings this browser sent with the request.
#[server]
pub async fn load_display() -> Result<DisplaySettings, ServerFnError> {
    let headers: axum::http::HeaderMap = leptos_axum::extract().await?;
    Ok(DisplaySettings::from_headers(&headers))
}

/// Only a path on this site may be returned to (never another site). Whitespace and control
/// characters are refused too: browsers drop them, so `/\t/x` would lead to `//x`, and a
/// line break cannot go in a Location header.
pub fn safe_return(path: &str) -> String {
    if path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        path.to_string()
    } else {
        "/dashboard".to_string()
    }
}

#[component]
pub fn DisplaySettingsPage() -> impl IntoView {
    let query = use_query_map();
    let return_to = safe_return(&query.read_untracked().get("return_to").unwrap_or_default());
    let saved = query.read_untracked().get("saved").is_some();
    let current = Resource::new(|| (), |_| load_display());
    view! {
        <Title text=format!("{} · Certamen", t!("settings-title"))/>
        <Header/>
        <main id="main" class="page">
            <h1>{t!("settings-title")}</h1>
            {saved.then(|| view! { <p class="notice" role="status">{t!("settings-saved")}</p> })}
            <p>{t!("settings-intro")}</p>
            <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
                {move || Suspend::new({
                    let return_to = return_to.clone();
                    async move {
                        let s = current.await.unwrap_or_default();
                        view! { <SettingsForm current=s return_to=return_to/> }
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn SettingsForm(current: DisplaySettings, return_to: String) -> impl IntoView {
    view! {
        <form method="post" action="/settings/display" class="stack settings">
            <input type="hidden" name="return_to" value=return_to.clone()/>
            <fieldset>
                <legend>{t!("settings-language")}</legend>
                {Lang::ALL.iter().map(|&l| {
                    let id = format!("language-{}", l.code());
                    view! {
                        <div class="choice">
                            <input type="radio" name="language" id=id.clone() value=l.code() checked=l == page_lang()/>
                            <label for=id lang=l.code()>{l.own_name()}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <fieldset>
                <legend>{t!("settings-colours")}</legend>
                {Theme::ALL.iter().map(|t| {
                    let id = format!("theme-{}", t.code());
                    view! {
                        <div class="choice">
                            <input type="radio" name="theme" id=id.clone() value=t.code() checked=*t == current.theme/>
                            <label for=id>{t.label()}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <fieldset>
                <legend>{t!("settings-text-size")}</legend>
                {TEXT_SIZES.iter().map(|&size| {
                    let id = format!("size-{size}");
                    view! {
                        <div class="choice">
                            <input type="radio" name="text_size" id=id.clone() value=size.to_string() checked=size == current.text_size/>
                            <label for=id>{if size == 100 { t!("settings-size-standard") } else { format!("{size} %") }}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <fieldset>
                <legend>{t!("settings-reading-aids")}</legend>
                <div class="choice">
                    <input type="checkbox" name="line_focus" id="line-focus" value="on" checked=current.line_focus/>
                    <label for="line-focus">{t!("settings-line-focus")}</label>
                </div>
                <div class="choice">
                    <input type="checkbox" name="reduced_motion" id="reduced-motion" value="on" checked=current.reduced_motion/>
                    <label for="reduced-motion">{t!("settings-reduce-motion")}</label>
                </div>
            </fieldset>
            <div class="nav-buttons">
                <a class="button" href=return_to>{t!("settings-back")}</a>
                <button type="submit" class="primary">{t!("settings-save")}</button>
            </div>
        </form>
    }
}
