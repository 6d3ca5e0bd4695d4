//! Text-to-speech of a question, for candidates whose approved accommodation includes it. The
//! browser's own speech synthesis reads the scenario, the stem and every option in the
//! question's language. The text is read from the page itself, so the island carries no second
//! copy of it (the page stays small). Without JavaScript, or in a browser without speech, the
//! button stays hidden rather than doing nothing.

use leptos::prelude::*;

/// `language`: the question's, which it is read in; `ui`: the page's, for the button.
#[island]
pub fn ReadAloud(language: String, ui: crate::i18n::Lang) -> impl IntoView {
    let (available, set_available) = signal(false);
    let (reading, set_reading) = signal(false);
    // Runs only in the browser, once the island is live.
    Effect::new(move |_| set_available.set(speech::available()));
    let w = &crate::i18n::island_words::words(ui).buttons;
    let label = (w.read_aloud, w.stop_reading);
    let on_click = move |_| {
        if reading.get_untracked() {
            speech::stop();
            set_reading.set(false);
        } else {
            set_reading.set(speech::read_question(&language, move || {
                set_reading.set(false)
            }));
        }
    };
    view! {
        <div class="read-aloud" hidden=move || !available.get()>
            <button type="button" on:click=on_click aria-pressed=move || reading.get().to_string()>
                {move || if reading.get() { label.1 } else { label.0 }}
            </button>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod speech {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{Element, SpeechSynthesis, SpeechSynthesisUtterance};

    fn synthesis() -> Option<SpeechSynthesis> {
        web_sys::window()?.speech_synthesis().ok()
    }

    pub fn available() -> bool {
        synthesis().is_some()
    }

    pub fn stop() {
        if let Some(s) = synthesis() {
            s.cancel();
        }
    }

    fn text_of(root: &web_sys::Document, selector: &str) -> Vec<String> {
        let Ok(list) = root.query_selector_all(selector) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.text_content())
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect()
    }

    /// What is read, in order: scenario paragraphs, the stem, the hint of a multiple-answer
    /// question, then each option with its letter (and whether it is struck out).
    fn question_texts(language: &str) -> Vec<String> {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return Vec::new();
        };
        let mut texts = text_of(&doc, ".scenario div[lang] p");
        texts.extend(text_of(&doc, "#answer-form legend.stem"));
        texts.extend(text_of(&doc, "#answer-form .select-hint"));
        let (option, struck) = if language == "es" {
            ("Opción", "tachada")
        } else {
            ("Option", "struck out")
        };
        if let Ok(list) = doc.query_selector_all("#answer-form .option") {
            for node in (0..list.length()).filter_map(|i| list.item(i)) {
                let Ok(el) = node.dyn_into::<Element>() else {
                    continue;
                };
                let letter = el
                    .query_selector("input")
                    .ok()
                    .flatten()
                    .and_then(|i| i.get_attribute("value"))
                    .unwrap_or_default();
                let text = el
                    .query_selector("label span[lang]")
                    .ok()
                    .flatten()
                    .and_then(|s| s.text_content())
                    .unwrap_or_default();
                let is_struck = el.class_name().split(' ').any(|c| c == "struck");
                texts.push(if is_struck {
                    format!("{option} {letter}, {struck}: {}", text.trim())
                } else {
                    format!("{option} {letter}: {}", text.trim())
                });
            }
        }
        texts
    }

    /// Queues the question for speech; `done` runs when the last part has been read. Returns
    /// whether anything is being read.
    pub fn read_question(language: &str, done: impl FnOnce() + 'static) -> bool {
        let Some(synth) = synthesis() else {
            return false;
        };
        synth.cancel();
        let texts = question_texts(language);
        let voice_lang = if language == "es" { "es-US" } else { "en-US" };
        let count = texts.len();
        for (i, text) in texts.into_iter().enumerate() {
            let Ok(utterance) = SpeechSynthesisUtterance::new_with_text(&text) else {
                continue;
            };
            utterance.set_lang(voice_lang);
            if i + 1 == count {
                // One small closure per reading, released by the browser with the utterance.
                let on_end = Closure::once_into_js(done);
                utterance.set_onend(Some(on_end.unchecked_ref()));
                synth.speak(&utterance);
                return true;
            }
            synth.speak(&utterance);
        }
        false
    }
}

#[cfg(not(feature = "hydrate"))]
mod speech {
    pub fn available() -> bool {
        false
    }
    pub fn stop() {}
    pub fn read_question(_language: &str, _done: impl FnOnce() + 'static) -> bool {
        false
    }
}
