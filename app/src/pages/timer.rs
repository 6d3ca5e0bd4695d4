//! The exam countdown. The server computes the time left (invariant 1); this island only
//! counts it down between page loads and reloads the page at zero so the server can finish.

use leptos::prelude::*;

use crate::dto::format_remaining;

#[island]
pub fn Countdown(remaining_ms: i64) -> impl IntoView {
    let (left, set_left) = signal(remaining_ms);
    #[cfg(feature = "hydrate")]
    {
        let started = js_sys_now();
        let handle = set_interval_with_handle(
            move || {
                let now_left = remaining_ms - (js_sys_now() - started);
                set_left.set(now_left.max(0));
                if now_left <= 0 {
                    if let Some(w) = web_sys_window() {
                        let _ = w.location().reload();
                    }
                }
            },
            std::time::Duration::from_secs(1),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_left;
    view! {
        <p class="timer">
            <span class="timer-label">"Time left: "</span>
            // The seconds left as data, for tests and styles: the text only shows minutes past an hour.
            <span role="timer" data-seconds-left=move || ((left.get() + 999) / 1000).to_string()>
                {move || format_remaining(left.get())}
            </span>
        </p>
    }
}

#[cfg(feature = "hydrate")]
fn js_sys_now() -> i64 {
    web_sys_window()
        .and_then(|w| w.performance())
        .map(|p| p.now() as i64)
        .unwrap_or(0)
}

#[cfg(feature = "hydrate")]
fn web_sys_window() -> Option<web_sys::Window> {
    web_sys::window()
}
