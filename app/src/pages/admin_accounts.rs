//! The administrator's accounts page: every staff, vendor and administrator account, a form to
//! create one, and per account a change of role or disabling (each recorded in the audit log).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::{ErrorBox, Header};
use crate::dto::{AccountRow, Role};

#[server]
pub async fn load_accounts() -> Result<Vec<AccountRow>, ServerFnError> {
    let (state, user) = super::layout::ssr::signed_in().await?;
    let load = async {
        crate::server::users::require_admin(&user, "manage accounts")?;
        crate::server::admin::list(&state.db).await
    };
    load.await
        .map_err(|e: crate::server::error::AppError| e.into_server_fn_error())
}

const ROLES: [(Role, &str); 3] = [
    (Role::Vendor, "Vendor (item author or reviewer)"),
    (Role::Staff, "Certification staff"),
    (Role::Admin, "Administrator"),
];

#[component]
pub fn AdminAccountsPage() -> impl IntoView {
    let query = use_query_map();
    let done = query.read_untracked().get("done");
    let data = Resource::new(|| (), |_| load_accounts());
    view! {
        <Title text="Accounts · Certamen"/>
        <Header signed_in=true/>
        <main id="main" class="page wide">
            <h1>"Staff, vendor and administrator accounts"</h1>
            {done.map(|d| view! { <p class="notice" role="status">{format!("Recorded: {d}.")}</p> })}
            <p>"Candidates create their own accounts. Every change here is kept in the audit log. A disabled account cannot sign in, and its open sessions stop at once."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(rows) => view! { <AccountList rows=rows/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
            <h2 id="new-account">"Create an account"</h2>
            <form method="post" action="/admin/accounts" class="stack" aria-labelledby="new-account">
                <label for="new-name">"Name"</label>
                <input type="text" id="new-name" name="name" maxlength="200" required autocomplete="off"/>
                <label for="new-email">"Email"</label>
                <input type="email" id="new-email" name="email" maxlength="254" required autocomplete="off"/>
                <fieldset>
                    <legend>"Role"</legend>
                    {ROLES.iter().enumerate().map(|(i, (role, label))| {
                        let id = format!("new-role-{}", role.as_str());
                        view! {
                            <div class="choice">
                                <input type="radio" name="role" id=id.clone() value=role.as_str() checked=i == 1/>
                                <label for=id>{*label}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <label for="new-password">"Temporary password (10 or more characters; give it to the person privately)"</label>
                <input type="password" id="new-password" name="password" minlength="10" required autocomplete="new-password"/>
                <button type="submit" class="primary">"Create the account"</button>
            </form>
        </main>
    }
}

#[component]
fn AccountList(rows: Vec<AccountRow>) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="accounts-caption">
            <table>
                <caption id="accounts-caption">{format!("{} accounts", rows.len())}</caption>
                <thead><tr>
                    <th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th>
                    <th scope="col">"Status"</th><th scope="col">"Change"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|a| {
                        let id = a.id;
                        let disabled = a.disabled_on.is_some();
                        let role_label = ROLES.iter().find(|(r, _)| *r == a.role).map_or("Candidate", |(_, l)| *l);
                        view! {
                            <tr>
                                <td>{a.name.clone()}</td>
                                <td>{a.email.clone()}</td>
                                <td>{role_label}</td>
                                <td>{match a.disabled_on.clone() {
                                    Some(day) => format!("Disabled since {day}"),
                                    None => "Active".to_string(),
                                }}</td>
                                <td>
                                    <form method="post" action=format!("/admin/accounts/{id}") class="inline">
                                        <input type="hidden" name="change" value="role"/>
                                        <label for=format!("role-{id}") class="visually-hidden">{format!("New role for {}", a.name)}</label>
                                        <select id=format!("role-{id}") name="role">
                                            {ROLES.iter().map(|(r, l)| view! {
                                                <option value=r.as_str() selected=*r == a.role>{*l}</option>
                                            }).collect_view()}
                                        </select>
                                        <button type="submit" aria-label=format!("Change role of {}", a.name)>"Change role"</button>
                                    </form>
                                    <form method="post" action=format!("/admin/accounts/{id}") class="inline">
                                        <input type="hidden" name="change" value=if disabled { "enable" } else { "disable" }/>
                                        <button type="submit" aria-label=format!("{} {}", if disabled { "Enable" } else { "Disable" }, a.name)>
                                            {if disabled { "Enable" } else { "Disable" }}
                                        </button>
                                    </form>
                                    {(!disabled).then(|| view! {
                                        <form method="post" action=format!("/admin/accounts/{id}/enrolment-code") class="inline">
                                            <button type="submit" aria-label=format!("Issue a passkey enrolment code for {}", a.name)>"Enrolment code"</button>
                                        </form>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
