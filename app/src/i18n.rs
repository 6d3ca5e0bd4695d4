//! The interface language: English or Spanish, chosen per browser (see `display`).
//!
//! Words the server renders live in Fluent files, `app/locales/{en,es}/*.ftl`, one file a
//! page or part, read by `fluent-templates` at compile time. Pages use the `t!` macro:
//! `t!("dashboard-title")`, `t!("item-progress", n = 3, total = 120)`. Fluent picks the plural
//! form for each language, so a count is passed as a number, never pre-formatted.
//!
//! Islands run in the browser, where a Fluent runtime would weigh more than the words: their
//! few words are a Rust table in `island_words`, both languages compiled into the bundle, and
//! an island takes only the language as a prop (the item page stays under its 30 KB budget).

use serde::{Deserialize, Serialize};

pub mod island_words;

/// An interface language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// The BCP 47 code, as in `lang` attributes and the display cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The language's name in itself, as a switch to it is labelled.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Es,
            Lang::Es => Lang::En,
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The first of English or Spanish in an `Accept-Language` header, by the browser's order
    /// of preference (quality values), for a visitor who has not chosen yet.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (i, part) in header.split(',').enumerate() {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let primary = tag.split('-').next().unwrap_or("");
            let Some(lang) = Lang::parse(primary) else {
                continue;
            };
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if q <= 0.0 {
                continue;
            }
            // Higher quality wins; at equal quality, the earlier tag.
            if best.is_none_or(|(bq, bi, _)| q > bq || (q == bq && i < bi)) {
                best = Some((q, i, lang));
            }
        }
        best.map(|(_, _, l)| l)
    }
}

/// A value for a placeholder in a message: numbers stay numbers so Fluent can choose the
/// plural form.
#[derive(Debug, Clone)]
pub enum Arg {
    Number(i64),
    Text(String),
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_arg!(i32, i64, u8, u16, u32, u64, usize);

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}

/// A message in the page's language: `t!("key")`, `t!("key", name = value, …)`; or in a
/// language given: `t!(in lang, "key", …)` (for server handlers that are not pages).
#[macro_export]
macro_rules! t {
    (in $lang:expr, $key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::translate($lang, $key, &[$((stringify!($name), $crate::i18n::Arg::from($value))),*])
    };
    ($key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::translate($crate::i18n::page_lang(), $key, &[$((stringify!($name), $crate::i18n::Arg::from($value))),*])
    };
}

/// The interface language of the page being rendered: set once per request by the page
/// shell from the display cookie (or the browser's languages).
pub fn page_lang() -> Lang {
    if let Some(lang) = leptos::prelude::use_context::<Lang>() {
        return lang;
    }
    #[cfg(feature = "ssr")]
    return crate::server::language::request_lang();
    #[cfg(not(feature = "ssr"))]
    Lang::En
}

#[cfg(feature = "ssr")]
mod fluent {
    use std::borrow::Cow;
    use std::collections::HashMap;

    use fluent_templates::fluent_bundle::FluentValue;
    use fluent_templates::{LanguageIdentifier, Loader};

    fluent_templates::static_loader! {
        static LOCALES = {
            locales: "./locales",
            fallback_language: "en",
            // No Unicode isolation marks around placeholders: they would reach the HTML (and
            // screen readers) as invisible characters, and every value here is left to right.
            customise: |bundle| bundle.set_use_isolating(false),
        };
    }

    /// The languages' identifiers, checked when compiled: a page formats dozens of messages.
    fn id(lang: super::Lang) -> &'static LanguageIdentifier {
        static EN: LanguageIdentifier = fluent_templates::langid!("en");
        static ES: LanguageIdentifier = fluent_templates::langid!("es");
        match lang {
            super::Lang::En => &EN,
            super::Lang::Es => &ES,
        }
    }

    pub fn translate(lang: super::Lang, key: &str, args: &[(&'static str, super::Arg)]) -> String {
        let lang = id(lang);
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    super::Arg::Number(n) => FluentValue::from(*n),
                    super::Arg::Text(s) => FluentValue::from(s.clone()),
                };
                (Cow::Borrowed(*name), value)
            })
            .collect();
        match LOCALES.lookup_single_language(lang, key, Some(&args)) {
            Ok(text) => text,
            Err(e) => {
                // A missing message or argument: say so in the log, and show the English
                // (the loader's fallback) rather than nothing.
                tracing::warn!(%lang, key, error = %e, "message not translated");
                LOCALES.lookup_with_args(lang, key, &args)
            }
        }
    }

    /// A message in exactly this language (no fallback) with each named placeholder set to 2,
    /// or why it cannot be formatted: for tests.
    pub fn format_exactly(
        lang: super::Lang,
        key: &str,
        placeholders: impl IntoIterator<Item = String>,
    ) -> Result<String, String> {
        let args: HashMap<String, FluentValue> = placeholders
            .into_iter()
            .map(|name| (name, FluentValue::from(2)))
            .collect();
        LOCALES
            .lookup_single_language(id(lang), key, Some(&args))
            .map_err(|e| e.to_string())
    }
}

#[cfg(feature = "ssr")]
pub use fluent::{format_exactly, translate};

/// Pages render only on the server; in the browser bundle only islands run, and they take
/// their words from `island_words`. This keeps the Fluent runtime out of the bundle.
#[cfg(not(feature = "ssr"))]
pub fn translate(_lang: Lang, key: &str, _args: &[(&'static str, Arg)]) -> String {
    key.to_string()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_preferred_of_english_and_spanish() {
        assert_eq!(
            Lang::from_accept_language("es-MX,es;q=0.9,en;q=0.8"),
            Some(Lang::Es)
        );
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,es;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("fr-FR, es;q=0.5, en;q=0.7"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("es;q=0"), None);
        assert_eq!(Lang::from_accept_language("de, fr"), None);
        assert_eq!(Lang::from_accept_language(""), None);
    }

    #[test]
    fn messages_take_numbers_and_choose_plural_forms() {
        assert_eq!(t!(in Lang::En, "attempts-left", n = 1), "1 attempt left");
        assert_eq!(t!(in Lang::En, "attempts-left", n = 2), "2 attempts left");
        assert_eq!(
            t!(in Lang::Es, "attempts-left", n = 1),
            "Le queda 1 intento"
        );
        assert_eq!(
            t!(in Lang::Es, "attempts-left", n = 3),
            "Le quedan 3 intentos"
        );
    }

    /// Every message is in both languages, and every key the code uses exists: a missing one
    /// would show its key to a candidate.
    #[test]
    fn every_message_is_in_both_languages_and_every_key_used_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        // Each message's key and the placeholders (`$name`) it uses.
        type Messages = std::collections::BTreeMap<String, std::collections::BTreeSet<String>>;
        let messages = |lang: &str| -> Messages {
            let dir = root.join("locales").join(lang);
            let mut messages = Messages::new();
            for entry in std::fs::read_dir(&dir).unwrap() {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                let mut current = None;
                for line in text.lines() {
                    if let Some((key, _)) = line.split_once(" =") {
                        if !key.is_empty()
                            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                        {
                            let fresh = messages.insert(key.to_string(), Default::default());
                            assert!(fresh.is_none(), "{lang}: {key} twice");
                            current = Some(key.to_string());
                        }
                    }
                    if let Some(key) = &current {
                        for (i, _) in line.match_indices('$') {
                            let name: String = line[i + 1..]
                                .chars()
                                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                                .collect();
                            messages.get_mut(key).unwrap().insert(name);
                        }
                    }
                }
            }
            messages
        };
        let (en_messages, es_messages) = (messages("en"), messages("es"));
        for (key, vars) in &en_messages {
            if let Some(es_vars) = es_messages.get(key) {
                assert_eq!(
                    vars, es_vars,
                    "{key}: the languages use different placeholders"
                );
            }
        }
        let en: std::collections::BTreeSet<String> = en_messages.keys().cloned().collect();
        let es: std::collections::BTreeSet<String> = es_messages.keys().cloned().collect();
        let only_en: Vec<_> = en.difference(&es).collect();
        let only_es: Vec<_> = es.difference(&en).collect();
        assert!(only_en.is_empty(), "missing in Spanish: {only_en:?}");
        assert!(only_es.is_empty(), "missing in English: {only_es:?}");
        for (key, vars) in &en_messages {
            for lang in Lang::ALL {
                if let Err(e) = format_exactly(lang, key, vars.iter().cloned()) {
                    panic!("{key} in {lang:?}: {e}");
                }
            }
        }

        let mut used = Vec::new();
        let mut stack = vec![root.join("src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (i, _) in text.match_indices("t!(") {
                        // Not the end of `format!(` or another macro's name.
                        if text[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                            continue;
                        }
                        let rest = text[i + 3..].trim_start();
                        let rest = rest.strip_prefix("in ").map_or(rest, |r| {
                            r.split_once(',').map_or(r, |(_, after)| after.trim_start())
                        });
                        if let Some(key) = rest.strip_prefix('"').and_then(|r| r.split('"').next())
                        {
                            used.push((path.display().to_string(), key.to_string()));
                        }
                    }
                }
            }
        }
        assert!(used.len() > 20, "the scan found the t! calls");
        let unknown: Vec<_> = used.iter().filter(|(_, k)| !en.contains(k)).collect();
        assert!(unknown.is_empty(), "keys used but not defined: {unknown:?}");
    }
}
