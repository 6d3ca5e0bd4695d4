//! The app's shell and routes.

use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::pages::{
    accommodations::AccommodationsPage, account::RegisterPage, admin_accounts::AdminAccountsPage,
    application::ApplicationPage, bank::BankPage, bank_edit::BankEditPage, bank_item::BankItemPage,
    break_page::BreakPage, dashboard::DashboardPage, instructions::InstructionsPage,
    item::ItemPage, layout::NotFound, passkeys::PasskeysPage, registry::RegistryPage,
    report::ReportPage, review::ReviewPage, settings::DisplaySettingsPage, signin::SignInPage,
    staff_accommodations::StaffAccommodationsPage, staff_applications::StaffApplicationsPage,
    staff_certifications::StaffCertificationsPage, staff_complaints::StaffComplaintsPage,
    staff_item_health::StaffItemHealthPage, staff_providers::StaffProvidersPage,
    staff_rescoring::StaffRescoringPage, staff_results::StaffResultsPage,
    staff_statistics::StaffStatisticsPage,
};

/// The HTML document around every page. The hydration scripts are left out when no client
/// bundle was built: the pages are complete without them.
#[cfg(feature = "ssr")]
pub fn shell(state: crate::server::startup::AppState) -> impl IntoView {
    use leptos_meta::MetaTags;
    let options = state.leptos_options.clone();
    let scripts = state
        .hydration
        .then(|| view! { <HydrationScripts options=options islands=true/> });
    // The display settings this browser chose (see `display`), on the root element so every
    // size in rem scales and every colour follows the theme before any script runs.
    let parts = use_context::<axum::http::request::Parts>();
    let display = parts
        .as_ref()
        .map(|p| crate::display::DisplaySettings::from_headers(&p.headers))
        .unwrap_or_default();
    // The interface language, for every page's words (`t!`) and the root's `lang`.
    let lang = parts
        .as_ref()
        .map(|p| display.lang(&p.headers))
        .unwrap_or_default();
    provide_context(lang);
    // The page's Content Security Policy names this render's nonce, which Leptos puts on
    // each inline script it writes (see `server::security`).
    if let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(value) = axum::http::HeaderValue::from_str(&crate::server::security::page_policy(
            &nonce.to_string(),
        )) {
            res.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    let theme = (display.theme != crate::display::Theme::Standard).then(|| display.theme.code());
    let size = (display.text_size != 100).then(|| format!("font-size: {}%", display.text_size));
    view! {
        <!DOCTYPE html>
        <html lang=lang.code() data-theme=theme style=size
            data-line-focus=display.line_focus.then_some("on")
            data-motion=display.reduced_motion.then_some("reduce")>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href="/assets/certamen.css"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                {scripts}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <a class="skip-link" href="#main">{crate::t!("skip-to-main")}</a>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/signin") view=SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/settings/display") view=DisplaySettingsPage ssr=SsrMode::Async/>
                <Route path=path!("/settings/passkeys") view=PasskeysPage ssr=SsrMode::Async/>
                <Route path=path!("/settings/password") view=crate::pages::password::ChangePasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/signin/forgot") view=crate::pages::password::ForgotPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/signin/reset") view=crate::pages::password::ResetPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/account/new") view=RegisterPage ssr=SsrMode::Async/>
                <Route path=path!("/account/confirm") view=crate::pages::account::ConfirmAccountPage ssr=SsrMode::Async/>
                <Route path=path!("/dashboard") view=DashboardPage ssr=SsrMode::Async/>
                <Route path=path!("/accommodations") view=AccommodationsPage ssr=SsrMode::Async/>
                <Route path=path!("/application") view=ApplicationPage ssr=SsrMode::Async/>
                <Route path=path!("/staff/applications") view=StaffApplicationsPage ssr=SsrMode::Async/>
                <Route path=path!("/staff/training-providers") view=StaffProvidersPage ssr=SsrMode::Async/>
                <Route path=path!("/staff/accommodations") view=StaffAccommodationsPage ssr=SsrMode::Async/>
                <Route path=path!("/staff/results") view=StaffResultsPage ssr=SsrMode::Async/>
                <Route path=path!("/staff/proposals") view=crate::pages::staff_proposals::StaffProposalsPage ssr=SsrMode::Async/>
                <Route path=path!("/staff/statistics") view=StaffStatisticsPage ssr=SsrMode::Async/>
                <Route path=path!("/staff/rescoring") view=StaffRescoringPage ssr=SsrMode::Async/>
                <Route path=path!("/staff/item-health") view=StaffItemHealthPage ssr=SsrMode::Async/>
                <Route path=path!("/staff/complaints") view=StaffComplaintsPage ssr=SsrMode::Async/>
                <Route path=path!("/staff/certifications") view=StaffCertificationsPage ssr=SsrMode::Async/>
                <Route path=path!("/registry") view=RegistryPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/accounts") view=AdminAccountsPage ssr=SsrMode::Async/>
                <Route path=path!("/exams/:exam/instructions") view=InstructionsPage ssr=SsrMode::Async/>
                <Route path=path!("/attempts/:id/items/:n") view=ItemPage ssr=SsrMode::Async/>
                <Route path=path!("/attempts/:id/review") view=ReviewPage ssr=SsrMode::Async/>
                <Route path=path!("/attempts/:id/break") view=BreakPage ssr=SsrMode::Async/>
                <Route path=path!("/attempts/:id/report") view=ReportPage ssr=SsrMode::Async/>
                <Route path=path!("/vendor/items") view=BankPage ssr=SsrMode::Async/>
                <Route path=path!("/vendor/items/:id") view=BankItemPage ssr=SsrMode::Async/>
                <Route path=path!("/vendor/items/:id/edit") view=BankEditPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
