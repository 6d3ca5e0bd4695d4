//! "Print or save as PDF" for the score report. The browser's print dialog offers saving as a
//! PDF. Without JavaScript the button stays hidden and the page says to use the browser's own
//! Print command, which gives the same printout.

use leptos::prelude::*;

#[island]
pub fn PrintButton(lang: crate::i18n::Lang) -> impl IntoView {
    let (live, set_live) = signal(false);
    // Runs only in the browser, once the island is live.
    Effect::new(move |_| set_live.set(true));
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <p class="print-action" hidden=move || !live.get()>
            <button type="button" on:click=print>{crate::i18n::island_words::words(lang).buttons.print}</button>
        </p>
    }
}
