//! Defences on every request: security headers on every response, and a same-origin check on
//! every state-changing request (cross-site request forgery).
//!
//! - **Content Security Policy.** A page Leptos renders carries its own policy with the
//!   render's nonce (`page_policy`, set from the shell): scripts only from this site or with
//!   that nonce, no inline script otherwise, WebAssembly allowed to compile, nothing framing
//!   the page. Every other response gets `DEFAULT_POLICY`. Inline `style` attributes are
//!   allowed (the display settings put the text size on the root element); style sheets come
//!   from this site only.
//! - **CSRF.** Session cookies are `SameSite=Lax` (a browser does not send them on another
//!   site's POST); on top of that, a POST, PUT, PATCH or DELETE is refused when the browser
//!   says it comes from another site: `Sec-Fetch-Site` other than `same-origin` or `none`, or
//!   an `Origin` (else `Referer`) that is not this site's. A request with none of those
//!   headers is not from a browser page (browsers send `Origin` on every POST) and passes.

use axum::extract::{Request, State};
use axum::http::header::{HeaderName, HeaderValue, ORIGIN, REFERER};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::AppError;
use super::startup::AppState;

/// Every response that does not set its own: this site only, no plugins, no framing.
pub const DEFAULT_POLICY: &str = "default-src 'self'; script-src 'self'; object-src 'none'; \
     base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The policy of a rendered page whose inline scripts carry `nonce`.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Adds the security headers every response carries (the CSP only where the page set none):
/// `Cache-Control: no-store` on everything but the static assets (questions, reviews, reports
/// and staff pages must not stay in a shared computer's cache or a proxy), and HSTS when the
/// site is reached over https.
pub async fn headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let asset = is_static_asset(req.uri().path());
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if !asset {
        h.entry(axum::http::header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    if state.secure_cookies {
        h.insert(
            axum::http::header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    h.entry(axum::http::header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(DEFAULT_POLICY));
    let fixed: [(HeaderName, &'static str); 5] = [
        (axum::http::header::X_FRAME_OPTIONS, "DENY"),
        (axum::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (axum::http::header::REFERRER_POLICY, "same-origin"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=()",
        ),
    ];
    for (name, value) in fixed {
        h.insert(name, HeaderValue::from_static(value));
    }
    res
}

/// The stylesheet, scripts, icons and client bundle: the same for everyone, safe to cache.
fn is_static_asset(path: &str) -> bool {
    path.starts_with("/assets/") || path.starts_with("/pkg/") || path.starts_with("/favicon.")
}

/// `scheme://host[:port]` of a URL, lowercased (the part an `Origin` header carries).
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{}://{}", scheme, host).to_ascii_lowercase())
}

/// Whether a state-changing request's headers show it comes from another site. `ours` are the
/// origins this site is reached at.
pub fn from_another_site(headers: &HeaderMap, ours: &[String]) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        if !matches!(site, "same-origin" | "none") {
            return true;
        }
    }
    let claimed = match (
        headers.get(ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(REFERER).and_then(|v| v.to_str().ok()),
    ) {
        // "null": a sandboxed frame, a file, a privacy-redirected request: not this site.
        (Some("null"), _) => return true,
        (Some(origin), _) => origin_of(&format!("{origin}/")),
        (None, Some(referer)) => origin_of(referer),
        (None, None) => return false,
    };
    match claimed {
        Some(origin) => !ours.contains(&origin),
        None => true,
    }
}

/// Refuses a state-changing request from another site, before it reaches any handler.
pub async fn same_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let mut ours: Vec<String> = origin_of(&state.public_url).into_iter().collect();
    // The address this request was sent to, as the browser saw it (tests and a server on
    // this machine are reached at 127.0.0.1 as well as localhost).
    if let Some(host) = req
        .headers()
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
    {
        for scheme in ["http", "https"] {
            ours.push(format!("{scheme}://{host}").to_ascii_lowercase());
        }
    }
    if from_another_site(req.headers(), &ours) {
        tracing::warn!(path = %req.uri().path(), "refused a state-changing request from another site");
        return AppError::Forbidden(crate::t!("error-cross-site")).into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn only_this_site_may_change_things() {
        let ours = vec!["https://exam.example.org".to_string()];
        let from = |pairs: &[(&'static str, &str)]| from_another_site(&headers(pairs), &ours);
        assert!(!from(&[("origin", "https://exam.example.org")]));
        assert!(!from(&[("origin", "HTTPS://EXAM.example.org")]));
        assert!(!from(&[(
            "referer",
            "https://exam.example.org/attempts/x/items/3"
        )]));
        assert!(!from(&[
            ("sec-fetch-site", "same-origin"),
            ("origin", "https://exam.example.org")
        ]));
        assert!(!from(&[]), "no browser headers: not a page of another site");
        assert!(from(&[("origin", "https://evil.example")]));
        assert!(from(&[("origin", "https://exam.example.org.evil.example")]));
        assert!(from(&[("origin", "null")]));
        assert!(from(&[(
            "referer",
            "https://evil.example/exam.example.org"
        )]));
        assert!(from(&[("sec-fetch-site", "cross-site")]));
        assert!(from(&[
            ("sec-fetch-site", "same-site"),
            ("origin", "https://exam.example.org")
        ]));
    }

    #[test]
    fn only_the_static_assets_may_be_cached() {
        assert!(is_static_asset("/assets/certamen.css"));
        assert!(is_static_asset("/pkg/certamen_bg.wasm"));
        assert!(is_static_asset("/favicon.svg"));
        assert!(!is_static_asset("/attempts/abc/items/3"));
        assert!(!is_static_asset("/staff/results"));
        assert!(!is_static_asset("/assetsx"));
    }

    #[test]
    fn the_page_policy_allows_no_inline_script_but_its_nonce() {
        let p = page_policy("abc123");
        assert!(p.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(!p.contains("'unsafe-inline';") || p.contains("style-src-attr 'unsafe-inline'"));
        assert!(!p
            .split(';')
            .any(|d| d.trim().starts_with("script-src") && d.contains("unsafe-inline")));
        assert!(p.contains("frame-ancestors 'none'"));
        assert!(DEFAULT_POLICY.contains("frame-ancestors 'none'"));
    }
}
