//! certamen-app: the Leptos web app (SSR on axum, with islands hydrated in the browser), the
//! server, the database layer and the `certamen` command line.
//!
//! Pages are complete server-rendered HTML with plain forms (invariant 5). Two small islands
//! add what only a browser can: a live countdown and instant answer saves.

// Leptos views are deeply nested types; the item page passes the default query depth.
#![recursion_limit = "256"]

pub mod app;
#[cfg(feature = "ssr")]
pub mod cli;
pub mod display;
pub mod dto;
pub mod html;
pub mod i18n;
pub mod pages;
pub mod places;
#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
