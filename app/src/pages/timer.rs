//! The exam countdown. The server computes the time left (invariant 1); this island only
//! counts it down between page loads and reloads the page at zero so the server can finish.
//!
//! The candidate may hide the running time (WCAG 2.2.2); warnings at 15, 5 and 1 minutes are
//! announced whether it is shown or not (WCAG 4.1.3). Without JavaScript the time is static
//! text and the page itself says when less than 15, 5 or 1 minutes remain.

use leptos::prelude::*;

use crate::dto::format_remaining;
use crate::i18n::island_words::{fill, words};
use crate::i18n::Lang;

/// The warning points, in minutes left.
const WARN_AT_MINUTES: [i64; 3] = [15, 5, 1];

/// Whether a warning point means anything for a clock of `total_ms`: a 15-minute practice
/// exam is not warned, as it starts, that less than 15 minutes are left.
fn applies(minutes: i64, total_ms: i64) -> bool {
    minutes * 60_000 < total_ms
}

/// The warning for this much time left, if it is past a warning point.
fn warning_for(lang: Lang, left_ms: i64, total_ms: i64) -> Option<String> {
    let w = &words(lang).timer;
    WARN_AT_MINUTES
        .iter()
        .rev()
        .find(|&&m| applies(m, total_ms) && left_ms <= m * 60_000 && left_ms > 0)
        .map(|&m| match m {
            1 => w.last_minute.to_string(),
            m => fill(w.less_than_minutes, &[("m", &m.to_string())]),
        })
}

/// `total_ms`: the whole time this clock runs (the attempt's limit, or the break's length).
#[island]
pub fn Countdown(remaining_ms: i64, total_ms: i64, lang: Lang) -> impl IntoView {
    let w = &words(lang).timer;
    let (left, set_left) = signal(remaining_ms);
    let (hidden, set_hidden) = signal(false);
    let (live, set_live) = signal(false);
    // Rendered by the server when the page opens past a warning point.
    let (warning, set_warning) =
        signal(warning_for(lang, remaining_ms, total_ms).unwrap_or_default());
    #[cfg(feature = "hydrate")]
    {
        Effect::new(move |_| {
            set_live.set(true);
            set_hidden.set(stored_hidden());
        });
        let started = js_sys_now();
        let handle = set_interval_with_handle(
            move || {
                let before = left.get_untracked();
                let now_left = (remaining_ms - (js_sys_now() - started)).max(0);
                set_left.set(now_left);
                // Announce a warning point the moment it is crossed on this page.
                if WARN_AT_MINUTES
                    .iter()
                    .any(|&m| applies(m, total_ms) && before > m * 60_000 && now_left <= m * 60_000)
                {
                    set_warning.set(warning_for(lang, now_left, total_ms).unwrap_or_default());
                }
                if now_left <= 0 {
                    if let Some(w) = web_sys::window() {
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
    let _ = (set_left, set_hidden, set_live, set_warning);
    let toggle = move |_| {
        let now_hidden = !hidden.get_untracked();
        set_hidden.set(now_hidden);
        #[cfg(feature = "hydrate")]
        store_hidden(now_hidden);
    };
    view! {
        <div class="timer-box">
            <p class="timer">
                <span class="timer-label">{w.time_left}</span>
                // The seconds left as data, for tests and styles: the text only shows minutes past an hour.
                <span role="timer" data-seconds-left=move || ((left.get() + 999) / 1000).to_string()
                    hidden=move || hidden.get()>
                    {move || format_remaining(left.get())}
                </span>
                {move || hidden.get().then(|| view! { <span>{w.hidden}</span> })}
            </p>
            {move || live.get().then(|| view! {
                <button type="button" class="timer-toggle" aria-pressed=move || hidden.get().to_string()
                    on:click=toggle>{w.hide}</button>
            })}
            <p class="timer-warning" role="alert">{move || warning.get()}</p>
        </div>
    }
}

/// Whether the candidate chose to hide the time (kept in this browser for the whole exam).
#[cfg(feature = "hydrate")]
fn stored_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item("certamen-hide-time").ok().flatten())
        .is_some_and(|v| v == "1")
}

#[cfg(feature = "hydrate")]
fn store_hidden(hidden: bool) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item("certamen-hide-time", if hidden { "1" } else { "0" });
    }
}

#[cfg(feature = "hydrate")]
fn js_sys_now() -> i64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::warning_for;
    use crate::i18n::Lang;

    #[test]
    fn warnings_start_at_15_5_and_1_minutes() {
        let warn = |ms| warning_for(Lang::En, ms, 150 * 60_000);
        assert_eq!(warn(16 * 60_000), None);
        assert_eq!(
            warn(15 * 60_000).as_deref(),
            Some("Less than 15 minutes left.")
        );
        assert_eq!(
            warn(5 * 60_000 + 1).as_deref(),
            Some("Less than 15 minutes left.")
        );
        assert_eq!(
            warn(5 * 60_000).as_deref(),
            Some("Less than 5 minutes left.")
        );
        assert!(warn(59_000).is_some_and(|w| w.starts_with("Less than 1 minute")));
        assert_eq!(warn(0), None);
        assert_eq!(
            warning_for(Lang::Es, 5 * 60_000, 150 * 60_000).as_deref(),
            Some("Quedan menos de 5 minutos.")
        );
    }

    #[test]
    fn a_clock_no_longer_than_a_warning_point_skips_it() {
        // A 15-minute practice exam starts without "less than 15 minutes left"...
        assert_eq!(warning_for(Lang::En, 15 * 60_000, 15 * 60_000), None);
        assert_eq!(warning_for(Lang::En, 14 * 60_000, 15 * 60_000), None);
        // ...and still warns at 5 and 1 minutes.
        assert_eq!(
            warning_for(Lang::En, 4 * 60_000, 15 * 60_000).as_deref(),
            Some("Less than 5 minutes left.")
        );
    }
}
