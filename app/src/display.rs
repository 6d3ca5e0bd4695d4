//! Display settings a candidate chooses for this browser: theme, text size, line focus,
//! reduced motion and the interface language. They live in a cookie that the server reads when it renders a page, so they
//! apply from the first byte, before any script and without one, and on the sign-in page too.
//! (A staff-approved accommodation profile is separate: it is data on the server.)

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// The cookie's name.
pub const COOKIE: &str = "certamen_display";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    Standard,
    HighContrast,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Standard, Theme::HighContrast, Theme::Dark];

    pub fn code(self) -> &'static str {
        match self {
            Theme::Standard => "standard",
            Theme::HighContrast => "contrast",
            Theme::Dark => "dark",
        }
    }

    /// The theme's label, in the page's language.
    pub fn label(self) -> String {
        match self {
            Theme::Standard => crate::t!("theme-standard"),
            Theme::HighContrast => crate::t!("theme-contrast"),
            Theme::Dark => crate::t!("theme-dark"),
        }
    }

    pub fn parse(code: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// The text sizes offered, in percent of the standard size (WCAG 1.4.4 asks for 200 %).
pub const TEXT_SIZES: [u16; 5] = [100, 125, 150, 175, 200];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplaySettings {
    pub theme: Theme,
    pub text_size: u16,
    pub line_focus: bool,
    pub reduced_motion: bool,
    /// The interface language chosen here; until one is, the browser's languages decide.
    pub language: Option<Lang>,
}

impl Default for DisplaySettings {
    fn default() -> Self {
        DisplaySettings {
            theme: Theme::Standard,
            text_size: 100,
            line_focus: false,
            reduced_motion: false,
            language: None,
        }
    }
}

impl DisplaySettings {
    /// The cookie value: `theme.size.focus.motion[.language]`, e.g. `contrast.150.1.0.es`
    /// (no language part until one is chosen).
    pub fn to_cookie_value(self) -> String {
        let mut value = format!(
            "{}.{}.{}.{}",
            self.theme.code(),
            self.text_size,
            u8::from(self.line_focus),
            u8::from(self.reduced_motion),
        );
        if let Some(lang) = self.language {
            value.push('.');
            value.push_str(lang.code());
        }
        value
    }

    /// Reads a cookie value; anything unreadable (an old or edited cookie) gives the defaults.
    pub fn from_cookie_value(value: &str) -> DisplaySettings {
        let parts: Vec<&str> = value.split('.').collect();
        // Four parts: a cookie from before the language was a setting.
        let (theme, size, focus, motion, language) = match parts[..] {
            [theme, size, focus, motion] => (theme, size, focus, motion, None),
            [theme, size, focus, motion, language] => {
                (theme, size, focus, motion, Lang::parse(language))
            }
            _ => return DisplaySettings::default(),
        };
        let (Some(theme), Ok(text_size)) = (Theme::parse(theme), size.parse::<u16>()) else {
            return DisplaySettings::default();
        };
        if !TEXT_SIZES.contains(&text_size) {
            return DisplaySettings::default();
        }
        DisplaySettings {
            theme,
            text_size,
            line_focus: focus == "1",
            reduced_motion: motion == "1",
            language,
        }
    }

    /// The attributes the root element carries for these settings (as the page shell sets
    /// them), for pages written without Leptos: the error pages. Every value comes from a
    /// fixed set, so nothing needs escaping.
    pub fn html_attributes(self) -> String {
        let mut out = String::new();
        if self.theme != Theme::Standard {
            out.push_str(&format!(" data-theme=\"{}\"", self.theme.code()));
        }
        if self.text_size != 100 {
            out.push_str(&format!(" style=\"font-size: {}%\"", self.text_size));
        }
        if self.line_focus {
            out.push_str(" data-line-focus=\"on\"");
        }
        if self.reduced_motion {
            out.push_str(" data-motion=\"reduce\"");
        }
        out
    }

    /// The settings a request carries (defaults when it has none).
    #[cfg(feature = "ssr")]
    pub fn from_headers(headers: &axum::http::HeaderMap) -> DisplaySettings {
        headers
            .get(axum::http::header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .map(DisplaySettings::from_cookie_header)
            .unwrap_or_default()
    }

    /// The interface language for a request with these settings: the one chosen in this
    /// browser, else the first of English or Spanish among the browser's languages, else
    /// English.
    #[cfg(feature = "ssr")]
    pub fn lang(self, headers: &axum::http::HeaderMap) -> Lang {
        self.language
            .or_else(|| {
                headers
                    .get(axum::http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or_default()
    }

    /// The settings in a request's `Cookie` header (defaults when absent).
    pub fn from_cookie_header(header: &str) -> DisplaySettings {
        cookie_value(header, COOKIE)
            .map(DisplaySettings::from_cookie_value)
            .unwrap_or_default()
    }
}

/// The value of cookie `name` in a `Cookie` header, if it is there.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_pages_get_the_same_root_attributes_as_the_shell() {
        assert_eq!(DisplaySettings::default().html_attributes(), "");
        let all = DisplaySettings::from_cookie_value("contrast.200.1.1");
        assert_eq!(
            all.html_attributes(),
            r#" data-theme="contrast" style="font-size: 200%" data-line-focus="on" data-motion="reduce""#
        );
    }

    #[test]
    fn settings_round_trip_through_the_cookie_and_bad_values_fall_back() {
        let s = DisplaySettings {
            theme: Theme::HighContrast,
            text_size: 175,
            line_focus: true,
            reduced_motion: false,
            language: Some(Lang::Es),
        };
        assert_eq!(s.to_cookie_value(), "contrast.175.1.0.es");
        // A cookie from before the language setting keeps its other choices.
        assert_eq!(
            DisplaySettings::from_cookie_value("contrast.175.1.0"),
            DisplaySettings {
                language: None,
                ..s
            }
        );
        assert_eq!(DisplaySettings::from_cookie_value(&s.to_cookie_value()), s);
        let header = format!("other=1; {COOKIE}={}; x=y", s.to_cookie_value());
        assert_eq!(DisplaySettings::from_cookie_header(&header), s);
        for bad in [
            "",
            "contrast",
            "neon.100.0.0",
            "dark.300.0.0",
            "dark.abc.1.1",
            "dark.100.1.1.es.x",
        ] {
            assert_eq!(
                DisplaySettings::from_cookie_value(bad),
                DisplaySettings::default(),
                "{bad}"
            );
        }
        assert_eq!(
            DisplaySettings::from_cookie_header("a=b"),
            DisplaySettings::default()
        );
    }
}
