//! Plain HTML form posts (invariant 5: it works without JavaScript).
//!
//! Each handler does one thing and answers with a redirect (post/redirect/get), so the browser's
//! back and reload buttons never resend an answer. Bad input gets a 4xx page that says what was
//! wrong and changes nothing.

use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequest, Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

use super::attempts::{self, SaveRequest, SubmittedBy};
use super::auth;
use super::error::{error_page, AppError};
use super::startup::AppState;
use super::users;

/// A form body whose rejection becomes a clear 400 naming the field at fault.
pub struct ValidForm<T>(pub T);

impl<T, S> FromRequest<S> for ValidForm<T>
where
    Form<T>: FromRequest<S, Rejection = FormRejection>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Form::<T>::from_request(req, state).await {
            Ok(Form(v)) => Ok(ValidForm(v)),
            Err(rejection) if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::TooLarge(
                    "the form sent was larger than this page ever sends; nothing was saved".into(),
                ))
            }
            Err(rejection) => Err(AppError::BadRequest(format!(
                "the form could not be read: {}",
                rejection.body_text()
            ))),
        }
    }
}

/// A record id from a staff form's path; anything else is a record that does not exist.
pub fn parse_record_id(raw: &str, what: &str) -> Result<i64, AppError> {
    raw.parse()
        .map_err(|_| AppError::NotFound(format!("there is no {what} {raw:?}")))
}

/// A staff decision form that failed its checks: says what and where, records nothing, and
/// offers the way back to the queue.
pub fn refused_decision(label: &str, id: i64, message: &str, queue: (&str, &str)) -> Response {
    error_page(
        axum::http::StatusCode::BAD_REQUEST,
        &format!("{label} {id}: {message}. Nothing was recorded."),
        Some(queue),
    )
}

/// After a staff decision: back to the queue, which confirms it; or, when someone decided
/// first or there is no such record, a page that says so with the way back.
pub fn decision_answer(
    decided: Result<(), AppError>,
    id: i64,
    queue: (&str, &str),
) -> Result<Response, AppError> {
    match decided {
        Ok(()) => Ok(Redirect::to(&format!("{}?decided={id}", queue.0)).into_response()),
        Err(e @ (AppError::Conflict(_) | AppError::NotFound(_))) => {
            Ok(error_page(e.status(), &e.public_message(), Some(queue)))
        }
        Err(e) => Err(e),
    }
}

/// After a staff or administrator form that records one change: back to its list (`list`,
/// with `?done=` naming what was done), or a page that says why nothing was recorded.
pub fn recorded_answer(
    done: Result<(), AppError>,
    list: (&str, &str),
    what: &str,
) -> Result<Response, AppError> {
    match done {
        Ok(()) => Ok(Redirect::to(&format!(
            "{}?done={}",
            list.0,
            crate::pages::layout::encode_query(what)
        ))
        .into_response()),
        Err(e @ (AppError::Conflict(_) | AppError::NotFound(_) | AppError::BadRequest(_))) => {
            let message = e.public_message();
            let stop = if message.ends_with(['.', '!', '?']) {
                ""
            } else {
                "."
            };
            Ok(error_page(
                e.status(),
                &format!("{message}{stop} Nothing was recorded."),
                Some(list),
            ))
        }
        Err(e) => Err(e),
    }
}

/// The longest reason a staff decision keeps.
pub const MAX_REASON: usize = 2000;

/// A decision's reason, trimmed: `missing` says why one is needed when it is blank.
pub fn required_reason<'a>(raw: &'a str, missing: &str) -> Result<&'a str, AppError> {
    let reason = raw.trim();
    if reason.is_empty() {
        return Err(AppError::BadRequest(format!("reason: {missing}")));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(AppError::BadRequest(format!(
            "reason: keep it to at most {MAX_REASON} characters"
        )));
    }
    Ok(reason)
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    pub email: String,
    pub password: String,
    /// The page to return to after signing in (a path of this site; anything else is ignored).
    #[serde(default)]
    pub next: String,
}

/// `POST /auth/signin`: a password sign-in, within the limits of `sign_in_limits`.
pub async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
    ValidForm(form): ValidForm<SignInForm>,
) -> Result<Response, AppError> {
    use super::sign_in_limits::{self, Bucket};
    if form.email.trim().is_empty() || form.password.is_empty() {
        return Err(AppError::BadRequest(crate::t!(
            "dashboard-sign-in-incomplete"
        )));
    }
    let now = state.clock.now_ms();
    let address =
        super::client_address::client(peer.ip(), &headers, &state.trusted_proxies).to_string();
    let found = users::find_for_sign_in(&state.db, &form.email).await?;
    // A browser the account knows draws on its own budget; any other on the account's.
    let known_device = match &found {
        Some((user, _)) => super::devices::known_for(&state.db, &headers, user.id).await?,
        None => None,
    };
    let bucket = match &known_device {
        Some(device) => Bucket::Device(device.clone()),
        None => Bucket::Account(form.email.clone()),
    };
    let taken = match sign_in_limits::take(&state.db, &bucket, now).await? {
        Ok(taken) => taken,
        Err(held) => {
            tracing::warn!(%address, "sign-in held back: the account's tries are spent");
            let next = next_query(&form.next, "&");
            return Ok(Redirect::to(&format!(
                "/signin?error=held&minutes={}{next}",
                held.minutes
            ))
            .into_response());
        }
    };
    let ok = match &found {
        Some((_, hash)) => auth::verify_password(form.password, hash.clone()).await?,
        None => {
            // Spend the same time as a real check so response time does not reveal accounts.
            let _ = auth::hash_password(form.password).await?;
            false
        }
    };
    match found {
        Some((user, _)) if ok => {
            sign_in_limits::give_back(&state.db, taken).await?;
            let cookies = auth::complete_sign_in(
                &state,
                &session,
                &headers,
                &user,
                auth::Method::Password,
                known_device.as_deref(),
            )
            .await?;
            tracing::info!(user_id = user.id, "signed in");
            let target = after_sign_in(&form.next);
            Ok(with_cookies(Redirect::to(&target).into_response(), cookies))
        }
        _ => {
            let wait = sign_in_limits::address_failed(&state.db, &address, now).await?;
            if !wait.is_zero() {
                tracing::warn!(%address, wait_ms = wait.as_millis() as u64, "many failed sign-ins from one address: answer slowed");
                tokio::time::sleep(wait).await;
            }
            let next = next_query(&form.next, "&");
            Ok(Redirect::to(&format!("/signin?error=credentials{next}")).into_response())
        }
    }
}

/// Where a sign-in goes: the page the person was sent from, if it is one of this site's.
pub fn after_sign_in(next: &str) -> String {
    if next.trim().is_empty() {
        return "/dashboard".into();
    }
    let target = crate::pages::settings::safe_return(next.trim());
    // Signing in again from the sign-in page itself would loop.
    if target.starts_with("/signin") || target.starts_with("/auth/") {
        "/dashboard".into()
    } else {
        target
    }
}

/// `next=…` for a sign-in page address, joined by `sep`; empty when there is nowhere to return.
pub fn next_query(next: &str, sep: &str) -> String {
    let target = after_sign_in(next);
    if target == "/dashboard" {
        String::new()
    } else {
        format!("{sep}next={}", crate::pages::layout::encode_query(&target))
    }
}

/// Adds each `Set-Cookie` value to a response.
pub fn with_cookies(mut response: Response, cookies: Vec<String>) -> Response {
    for cookie in cookies {
        if let Ok(value) = axum::http::HeaderValue::from_str(&cookie) {
            response
                .headers_mut()
                .append(axum::http::header::SET_COOKIE, value);
        }
    }
    response
}

pub async fn sign_out(session: Session) -> Result<Response, AppError> {
    auth::sign_out(&session).await?;
    Ok(Redirect::to("/signin").into_response())
}

#[derive(Debug, Deserialize)]
pub struct StartForm {
    /// The language of the questions, "en" or "es" (absent: English, or as the open attempt has it).
    pub language: Option<String>,
}

/// `POST /exams/{exam}/attempts`: starts (or resumes) the real exam.
pub async fn start(
    State(state): State<AppState>,
    session: Session,
    Path(exam_id): Path<String>,
    form: Result<Form<StartForm>, FormRejection>,
) -> Result<Response, AppError> {
    start_kind(state, session, exam_id, form, attempts::AttemptKind::Real).await
}

/// `POST /exams/{exam}/practice`: starts (or resumes) the practice exam.
pub async fn start_practice(
    State(state): State<AppState>,
    session: Session,
    Path(exam_id): Path<String>,
    form: Result<Form<StartForm>, FormRejection>,
) -> Result<Response, AppError> {
    start_kind(
        state,
        session,
        exam_id,
        form,
        attempts::AttemptKind::Practice,
    )
    .await
}

async fn start_kind(
    state: AppState,
    session: Session,
    exam_id: String,
    form: Result<Form<StartForm>, FormRejection>,
    kind: attempts::AttemptKind,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    // A start without a form body (or from an older page) is a start in English.
    let language = form.ok().and_then(|Form(f)| f.language);
    if let Some(l) = &language {
        attempts::check_language(l)?;
    }
    let now = state.clock.now_ms();
    let id = attempts::start_or_resume(&state.db, now, user.id, &exam_id, kind).await?;
    if let Some(l) = language {
        attempts::set_language(&state.db, now, user.id, &id, &l).await?;
    }
    Ok(Redirect::to(&format!("/attempts/{id}")).into_response())
}

pub async fn resume(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    let attempt = attempts::record_owned(&state.db, user.id, &id).await?;
    Ok(Redirect::to(&attempts::resume_target(&attempt, state.clock.now_ms())).into_response())
}

/// The answer form's fields. A multiple-answer question sends one `choice` per ticked box,
/// so the body is read as a list of pairs (a plain struct would refuse the repeated name).
#[derive(Debug, Default)]
pub struct AnswerForm {
    /// The display letters chosen ("A", "B", ...); empty when nothing is chosen.
    pub choices: Vec<String>,
    /// Present ("on") when the flag box is ticked.
    pub flagged: Option<String>,
    pub seq: String,
    /// Where to go next: "prev", "next", "review", "stay", or "item-N".
    pub go: Option<String>,
    /// A strike-out button pressed: the display letter to strike out or restore (the page
    /// then stays on the question).
    pub strike: Option<String>,
    /// A language button pressed: show the questions in "en" or "es" from now on (the page
    /// stays on the question).
    pub language: Option<String>,
}

impl AnswerForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> Result<AnswerForm, AppError> {
        let mut form = AnswerForm::default();
        let mut seq = None;
        for (name, value) in pairs {
            let once = |slot: &mut Option<String>| {
                if slot.replace(value.clone()).is_some() {
                    return Err(AppError::BadRequest(format!(
                        "the form could not be read: {name} was sent twice"
                    )));
                }
                Ok(())
            };
            match name.as_str() {
                "choice" => form.choices.push(value),
                "flagged" => once(&mut form.flagged)?,
                "seq" => once(&mut seq)?,
                "go" => once(&mut form.go)?,
                "strike" => once(&mut form.strike)?,
                "language" => once(&mut form.language)?,
                // Other fields (a browser extension's, say) are not ours to judge.
                _ => {}
            }
        }
        form.seq = seq.ok_or_else(|| {
            AppError::BadRequest("the form could not be read: missing field `seq`".into())
        })?;
        Ok(form)
    }
}

/// The answer form and the save it asks for, read from the posted fields and the address's
/// question number.
fn answer_request(
    pairs: Vec<(String, String)>,
    position: &str,
) -> Result<(AnswerForm, SaveRequest), AppError> {
    let form = AnswerForm::from_pairs(pairs)?;
    let position: u32 = position
        .parse()
        .map_err(|_| AppError::BadRequest(format!("{position:?} is not a question number")))?;
    let seq: i64 = form.seq.trim().parse().map_err(|_| {
        AppError::BadRequest(format!(
            "sequence number {:?} is not a whole number",
            form.seq
        ))
    })?;
    let request = SaveRequest {
        position,
        choices: attempts::parse_choices(form.choices.iter().map(String::as_str))?,
        flagged: form.flagged.is_some(),
        seq,
    };
    Ok((form, request))
}

enum Go {
    Item(u32),
    Review,
    Next,
    /// The break, now (an accommodation allows it from any question).
    Break,
}

pub async fn answer(
    State(state): State<AppState>,
    session: Session,
    Path((id, position)): Path<(String, String)>,
    ValidForm(pairs): ValidForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (form, request) = match answer_request(pairs, &position) {
        Ok(parsed) => parsed,
        Err(e) => {
            // Signed in first: anyone else goes to the sign-in page, whatever they sent.
            auth::require_user(&session, &state).await?;
            return Err(e);
        }
    };
    let position = request.position;
    // Everything is checked before anything is saved: a bad request changes nothing. One
    // read gives the session's account, the attempt, the question and the number of
    // questions.
    let reader = attempts::Reader {
        session: &session,
        state: &state,
    };
    let read = attempts::read_answering(&state.db, &reader, &id, position, true).await?;
    let attempt = &read.attempt;
    // The attempt is the signed-in candidate's own (the read checked it).
    let user_id = attempt.user_id;
    if let Some(letter) = &form.strike {
        read.check_strike(position, letter)?;
    }
    let total = read.total.unwrap_or(0);
    if let Some(l) = &form.language {
        attempts::check_language(l)?;
    }
    // A strike-out or language button keeps the candidate on the question (after saving the
    // form's answer).
    let default_go = if form.strike.is_some() || form.language.is_some() {
        "stay"
    } else {
        "next"
    };
    let go = match form.go.as_deref().unwrap_or(default_go) {
        "prev" => Go::Item(position.saturating_sub(1).max(1)),
        "review" => Go::Review,
        "break" if attempt.break_anytime && attempt.break_available() => Go::Break,
        "break" => return Err(AppError::BadRequest(crate::t!("exam-error-no-break-here"))),
        "stay" => Go::Item(position),
        "next" => Go::Next,
        other => match other
            .strip_prefix("item-")
            .and_then(|n| n.parse::<u32>().ok())
        {
            Some(n) if (1..=total).contains(&n) => Go::Item(n),
            _ => {
                return Err(AppError::BadRequest(format!(
                    "{other:?} is not a place to go in this exam"
                )))
            }
        },
    };
    let now = state.clock.now_ms();
    match attempts::save_read(&state.db, now, &read, &request).await {
        Ok(_) => {}
        Err(AppError::Conflict(message)) => {
            let back = format!("/attempts/{id}");
            return Ok(error_page(
                axum::http::StatusCode::CONFLICT,
                &message,
                Some((&back, &crate::t!("exam-back-to-exam"))),
            ));
        }
        Err(e) => return Err(e),
    }
    if let Some(letter) = &form.strike {
        attempts::toggle_strike(&state.db, now, user_id, &id, position, letter).await?;
    }
    if let Some(language) = &form.language {
        attempts::set_language(&state.db, now, user_id, &id, language).await?;
    }
    if attempt.adaptive {
        return adaptive_next(&state, now, user_id, attempt, position, go).await;
    }
    let target = match go {
        Go::Item(n) => format!("/attempts/{id}/items/{n}"),
        Go::Review => format!("/attempts/{id}/review"),
        Go::Break => {
            // Back to this question after the break.
            attempts::set_current_position(&state.db, &attempt.id, position).await?;
            format!("/attempts/{id}/break")
        }
        Go::Next if i64::from(position) == attempt.break_after && attempt.break_available() => {
            // The break sits between this question and the next: resume after it.
            attempts::set_current_position(&state.db, &attempt.id, position + 1).await?;
            format!("/attempts/{id}/break")
        }
        Go::Next if position >= total => format!("/attempts/{id}/review"),
        Go::Next => format!("/attempts/{id}/items/{}", position + 1),
    };
    Ok(Redirect::to(&target).into_response())
}

/// After a save in an adaptive attempt: "next" confirms the answer and chooses the next
/// question (or ends the exam); anything else stays on this question.
async fn adaptive_next(
    state: &AppState,
    now: i64,
    user_id: i64,
    attempt: &attempts::AttemptRow,
    position: u32,
    go: Go,
) -> Result<Response, AppError> {
    let id = &attempt.id;
    if matches!(go, Go::Break) {
        // The answer stays unconfirmed; the candidate comes back to this question.
        return Ok(Redirect::to(&format!("/attempts/{id}/break")).into_response());
    }
    if !matches!(go, Go::Next) {
        return Ok(Redirect::to(&format!("/attempts/{id}/items/{position}")).into_response());
    }
    let target = match attempts::advance(&state.db, now, user_id, id, position).await {
        Ok(attempts::Advance::Finished) => format!("/attempts/{id}/report"),
        Ok(attempts::Advance::Item(n))
            if i64::from(position) == attempt.break_after
                && n == position + 1
                && attempt.break_available() =>
        {
            format!("/attempts/{id}/break")
        }
        Ok(attempts::Advance::Item(n)) => format!("/attempts/{id}/items/{n}"),
        Err(AppError::BadRequest(message)) => {
            let back = format!("/attempts/{id}/items/{position}");
            return Ok(error_page(
                axum::http::StatusCode::BAD_REQUEST,
                &message,
                Some((&back, &crate::t!("exam-back-to-question"))),
            ));
        }
        Err(e) => return Err(e),
    };
    Ok(Redirect::to(&target).into_response())
}

#[derive(Debug, Deserialize)]
pub struct BreakForm {
    /// "start", "end" or "skip".
    pub action: String,
}

pub async fn break_action(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    ValidForm(form): ValidForm<BreakForm>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    let now = state.clock.now_ms();
    match form.action.as_str() {
        "start" => attempts::start_break(&state.db, now, user.id, &id).await?,
        "end" => attempts::end_break(&state.db, now, user.id, &id).await?,
        "skip" => attempts::decline_break(&state.db, now, user.id, &id).await?,
        other => {
            return Err(AppError::BadRequest(format!(
                "{other:?} is not a break action (start, end or skip)"
            )))
        }
    }
    let attempt = attempts::record_owned(&state.db, user.id, &id).await?;
    Ok(Redirect::to(&attempts::resume_target(&attempt, now)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct SubmitForm {
    pub confirm: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    ValidForm(form): ValidForm<SubmitForm>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    let attempt = attempts::record_owned(&state.db, user.id, &id).await?;
    if form.confirm.as_deref() != Some("yes") {
        let back = format!("/attempts/{id}/review");
        return Ok(error_page(
            axum::http::StatusCode::BAD_REQUEST,
            &crate::t!("exam-error-not-confirmed"),
            Some((&back, &crate::t!("exam-back-to-review"))),
        ));
    }
    let now = state.clock.now_ms();
    let by = if now >= attempt.clock.deadline() {
        SubmittedBy::Deadline
    } else {
        SubmittedBy::Candidate
    };
    attempts::submit(&state.db, now, &attempt.id, by).await?;
    Ok(Redirect::to(&format!("/attempts/{id}/report")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ItemStatusForm {
    /// submit, approve, return or retire
    pub action: String,
    /// The version the vendor was looking at.
    pub base_version: String,
    pub comment: Option<String>,
}

/// A step in an item's review workflow, from the vendor's item page.
pub async fn item_status(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    ValidForm(form): ValidForm<ItemStatusForm>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    super::workspace::require_vendor(&user)?;
    let action = super::workspace::ReviewAction::parse(&form.action)?;
    let base: i64 = form.base_version.trim().parse().map_err(|_| {
        AppError::BadRequest(format!(
            "version {:?} is not a whole number",
            form.base_version
        ))
    })?;
    let back = format!("/vendor/items/{id}");
    match super::workspace::change_status(
        &state.db,
        state.clock.now_ms(),
        &user,
        &id,
        action,
        base,
        form.comment.as_deref().unwrap_or(""),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&back).into_response()),
        Err(e @ (AppError::Conflict(_) | AppError::Forbidden(_) | AppError::BadRequest(_))) => {
            Ok(error_page(
                e.status(),
                &e.public_message(),
                Some((&back, "Back to the item")),
            ))
        }
        Err(e) => Err(e),
    }
}

/// Saves the vendor's edit of an item as a new draft (see `workspace::save_edit`).
pub async fn item_save(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    ValidForm(fields): ValidForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    super::workspace::require_vendor(&user)?;
    let back = format!("/vendor/items/{id}/edit");
    match super::workspace::save_edit(&state.db, state.clock.now_ms(), &user, &id, &fields).await {
        Ok(_) => Ok(Redirect::to(&format!("/vendor/items/{id}")).into_response()),
        Err(e @ (AppError::Conflict(_) | AppError::BadRequest(_))) => Ok(error_page(
            e.status(),
            &e.public_message(),
            Some((&back, "Back to the editor")),
        )),
        Err(e) => Err(e),
    }
}

/// `GET /healthz`: the database kind and whether it answers.
pub async fn healthz(State(state): State<AppState>) -> Response {
    let reachable = state.db.reachable().await;
    let status = if reachable {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        axum::Json(serde_json::json!({ "database": state.db.kind.name(), "reachable": reachable })),
    )
        .into_response()
}

/// The stylesheet, compiled in so pages are styled even when no client bundle was built.
pub async fn stylesheet() -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../style/certamen.css"),
    )
        .into_response()
}

/// The passkey ceremony's browser side: plain JavaScript, loaded only by the pages that use it.
pub async fn passkey_script() -> Response {
    script(include_str!("../../style/passkey.js"))
}

/// The sign-in form's word while a sign-in takes long, loaded by the sign-in page.
pub async fn signin_script() -> Response {
    script(include_str!("../../style/signin.js"))
}

fn script(body: &'static str) -> Response {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// The site icon; browsers ask for one on every first visit, so serve it rather than a 404.
pub async fn favicon() -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, "image/svg+xml"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../style/favicon.svg"),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
pub struct DisplayForm {
    pub theme: String,
    pub text_size: String,
    /// Present ("on") when ticked.
    pub line_focus: Option<String>,
    pub reduced_motion: Option<String>,
    /// "en" or "es"; absent keeps the current choice.
    pub language: Option<String>,
    pub return_to: Option<String>,
}

/// Saves the display settings for this browser (a cookie for a year) and goes back.
pub async fn display_settings(
    headers: axum::http::HeaderMap,
    ValidForm(form): ValidForm<DisplayForm>,
) -> Result<Response, AppError> {
    use crate::display::{DisplaySettings, Theme, TEXT_SIZES};
    let theme = Theme::parse(&form.theme).ok_or_else(|| {
        AppError::BadRequest(format!(
            "theme {:?} is not one of standard, contrast, dark",
            form.theme
        ))
    })?;
    let text_size = form
        .text_size
        .parse::<u16>()
        .ok()
        .filter(|s| TEXT_SIZES.contains(s))
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "text size {:?} is not one of {TEXT_SIZES:?} (percent)",
                form.text_size
            ))
        })?;
    let language = match form.language.as_deref().filter(|l| !l.is_empty()) {
        None => DisplaySettings::from_headers(&headers).language,
        Some(code) => Some(crate::i18n::Lang::parse(code).ok_or_else(|| {
            AppError::BadRequest(format!("language {code:?} is not one of en, es"))
        })?),
    };
    let settings = DisplaySettings {
        theme,
        text_size,
        line_focus: form.line_focus.is_some(),
        reduced_motion: form.reduced_motion.is_some(),
        language,
    };
    let target = match form.return_to.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => crate::pages::settings::safe_return(r),
        None => "/settings/display?saved=1".to_string(),
    };
    let cookie = super::language::display_cookie(settings);
    Ok((
        [(axum::http::header::SET_COOKIE, cookie)],
        Redirect::to(&target),
    )
        .into_response())
}
