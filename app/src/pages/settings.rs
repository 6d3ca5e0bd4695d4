//! Display settings: theme, text size, line focus and reduced motion, for this browser. A
//! plain form; the server stores the choice in a cookie and goes back to the page the
//! candidate came from.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::Header;
use crate::display::{DisplaySettings, Theme, TEXT_SIZES};

/// The settings this browser sent with the request.
#[server]
pub async fn load_display() -> Result<DisplaySettings, ServerFnError> {
    let headers: axum::http::HeaderMap = leptos_axum::extract().await?;
    Ok(DisplaySettings::from_headers(&headers))
}

/// Only a path on this site may be returned to (never another site).
pub fn safe_return(path: &str) -> String {
    if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') {
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
        <Title text="Display settings · Certamen"/>
        <Header/>
        <main id="main" class="page">
            <h1>"Display settings"</h1>
            {saved.then(|| view! { <p class="notice" role="status">"Your display settings are saved for this browser."</p> })}
            <p>"These settings apply to every page in this browser, including during your exam. They do not change your exam time; approved accommodations such as extra time are set by program staff."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
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
                <legend>"Colours"</legend>
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
                <legend>"Text size"</legend>
                {TEXT_SIZES.iter().map(|&size| {
                    let id = format!("size-{size}");
                    view! {
                        <div class="choice">
                            <input type="radio" name="text_size" id=id.clone() value=size.to_string() checked=size == current.text_size/>
                            <label for=id>{if size == 100 { "100 % (standard)".to_string() } else { format!("{size} %") }}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <fieldset>
                <legend>"Reading aids"</legend>
                <div class="choice">
                    <input type="checkbox" name="line_focus" id="line-focus" value="on" checked=current.line_focus/>
                    <label for="line-focus">"Line focus: a thick band marks the answer option you are on, and question text gets more space between lines"</label>
                </div>
                <div class="choice">
                    <input type="checkbox" name="reduced_motion" id="reduced-motion" value="on" checked=current.reduced_motion/>
                    <label for="reduced-motion">"Reduce motion: no animations or smooth scrolling"</label>
                </div>
            </fieldset>
            <div class="nav-buttons">
                <a class="button" href=return_to>"Go back without saving"</a>
                <button type="submit" class="primary">"Save and go back"</button>
            </div>
        </form>
    }
}
