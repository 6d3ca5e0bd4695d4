//! One question per page: the stem, the options, flag for review, previous/next.
//!
//! Without JavaScript the form saves the answer when the candidate moves on. The `AnswerForm`
//! island saves each choice the moment it is made and says whether it is saved.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::layout::{ErrorBox, Header};
use super::read_aloud::ReadAloud;
use super::timer::Countdown;
use crate::dto::{ItemPage as ItemData, SaveAck, SaveError};
use crate::i18n::island_words::{fill, words};
use crate::i18n::{page_lang, Lang};
use crate::t;

#[server]
pub async fn load_item(attempt_id: String, position: String) -> Result<ItemData, ServerFnError> {
    use crate::server::attempts::Reader;
    use crate::server::error::AppError;
    let Ok(position) = position.parse::<u32>() else {
        // Signed in first: anyone else goes to the sign-in page, whatever the address.
        super::layout::ssr::signed_in().await?;
        return Err(AppError::BadRequest(t!(
            "item-bad-number",
            position = format!("{position:?}")
        ))
        .into_server_fn_error());
    };
    let (state, session) = super::layout::ssr::state_and_session()
        .await
        .map_err(AppError::into_server_fn_error)?;
    let now = state.clock.now_ms();
    let reader = Reader {
        session: &session,
        state: &state,
    };
    super::layout::ssr::or_redirect(
        crate::server::attempts::item_page(&state.db, now, &reader, &attempt_id, position).await,
    )
}

/// The instant save behind the island; the same rules as the form post.
#[server(endpoint = "save_answer")]
pub async fn save_answer(
    attempt_id: String,
    position: u32,
    // The chosen display letters, comma-separated ("B", or "A,C"); empty clears the answer.
    choices: String,
    flagged: bool,
    seq: i64,
) -> Result<SaveAck, SaveError> {
    use crate::server::attempts::{self, Reader, SaveRequest};
    use crate::server::error::AppError;
    let refused = |e: AppError| match e {
        AppError::Unauthenticated => super::layout::ssr::not_signed_in().into(),
        e => e.into_save_error(),
    };
    let choices = match attempts::parse_choices([choices.as_str()]) {
        Ok(choices) => choices,
        Err(e) => {
            // Signed in first: anyone else is told so, whatever they sent.
            super::layout::ssr::current_user().await.map_err(refused)?;
            return Err(e.into_save_error());
        }
    };
    let (state, session) = super::layout::ssr::state_and_session()
        .await
        .map_err(refused)?;
    let now = state.clock.now_ms();
    let req = SaveRequest {
        position,
        choices,
        flagged,
        seq,
    };
    let reader = Reader {
        session: &session,
        state: &state,
    };
    let (outcome, remaining_ms) = attempts::save_answer(&state.db, now, &reader, &attempt_id, &req)
        .await
        .map_err(refused)?;
    Ok(SaveAck {
        seq: outcome.last_seq(),
        remaining_ms,
    })
}

/// Strikes out an option or restores it (the island's strike button; the form's otherwise).
#[server(endpoint = "strike_option")]
pub async fn strike_option(
    attempt_id: String,
    position: u32,
    letter: String,
) -> Result<(), ServerFnError> {
    let (state, user) = super::layout::ssr::signed_in().await?;
    let now = state.clock.now_ms();
    crate::server::attempts::toggle_strike(&state.db, now, user.id, &attempt_id, position, &letter)
        .await
        .map_err(|e| e.into_server_fn_error())
}

#[component]
pub fn ItemPage() -> impl IntoView {
    let params = use_params_map();
    // An AsyncDerived, not a Resource: a Resource also writes its data into the page as a
    // script for hydrating the page, which in islands mode nothing reads (the islands get
    // their props); on exam day that copy (the whole question and every question's state,
    // escaped twice) was a fifth of the question page's bytes.
    let data = AsyncDerived::new(move || {
        let p = params.read();
        load_item(
            p.get("id").unwrap_or_default(),
            p.get("n").unwrap_or_default(),
        )
    });
    let lang = page_lang();
    // A bare Suspend, not inside a <Suspense>: every page is rendered whole on the server
    // (SsrMode::Async) and no fallback is ever shown, while a <Suspense> ran its children
    // three times per request and built the whole question twice (once in its own pass to
    // learn whether anything was still loading, once to render), islands' props and all.
    view! {
        <Header signed_in=true/>
        {move || Suspend::new(async move {
            match data.await {
                Ok(mut page) => view! {
                    <Title text=match page.adaptive {
                        Some(_) => format!("{} · Certamen", t!("item-title-adaptive", n = page.position)),
                        None => format!("{} · Certamen", t!("item-title", n = page.position, total = page.total)),
                    }/>
                    <main id="main" class="page exam">
                        <div class="exam-bar">
                            <p class="progress">{progress_text(&page)}</p>
                            <Countdown remaining_ms=page.remaining_ms total_ms=page.limit_ms lang=lang/>
                        </div>
                        {page.speech.then(|| view! { <ReadAloud language=page.language.clone() ui=lang/> })}
                        {std::mem::take(&mut page.scenario).map(|text| {
                            let lang = page.language.clone();
                            view! {
                                <section class="scenario" aria-labelledby="scenario-heading">
                                    <h2 id="scenario-heading">{t!("item-scenario")}</h2>
                                    <p class="hint">{t!("item-scenario-hint")}</p>
                                    <div lang=lang>
                                        {text.split("\n\n").map(|para| view! { <p>{para.trim().to_string()}</p> }).collect_view()}
                                    </div>
                                </section>
                            }
                        })}
                        {
                            // Server-rendered beside the island (its buttons submit the
                            // island's form by id), so the list is not sent twice as props.
                            let questions = std::mem::take(&mut page.questions);
                            let current = page.position;
                            let (language, chosen) = (page.language.clone(), page.attempt_language.clone());
                            // After the form in the page: the form's first submit button in
                            // document order must stay its hidden Next (Enter's default).
                            view! {
                                <AnswerForm page=page lang=lang/>
                                <LanguageSwitch language=language chosen=chosen/>
                                {(!questions.is_empty()).then(|| view! { <QuestionList questions=questions current=current/> })}
                            }
                        }
                    </main>
                }.into_any(),
                Err(e) => view! { <main id="main" class="page"><ErrorBox error=e/></main> }.into_any(),
            }
        })}
    }
}

/// What a save in flight reports back to.
#[derive(Clone, Copy)]
struct SaveSignals {
    next_seq: ReadSignal<i64>,
    set_next_seq: WriteSignal<i64>,
    set_status: WriteSignal<SaveStatus>,
    set_problem: WriteSignal<String>,
}

/// How long to wait before sending a save again after the connection failed.
const RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(3);

/// Sends one save. If the connection fails or the server's database is unavailable, sends the
/// same save again (the same sequence number, so the server stores it at most once) every few
/// seconds until it gets through or a newer save replaces it. A save the server refuses is
/// reported and not repeated.
fn send_save(
    attempt_id: String,
    position: u32,
    letters: String,
    flagged: bool,
    seq: i64,
    s: SaveSignals,
    lang: Lang,
) {
    leptos::task::spawn_local(async move {
        let result = save_answer(attempt_id.clone(), position, letters.clone(), flagged, seq).await;
        // Only the newest save speaks in the status line: an older one still in flight when
        // the candidate chose again must neither cover the newer one's failure with "saved"
        // nor its success with "not saved". (A newer save carries the latest choice, so an
        // older one is not sent again either.)
        let newest = s.next_seq.get_untracked() == seq + 1;
        match result {
            Ok(ack) => {
                s.set_next_seq.update(|n| *n = (*n).max(ack.seq + 1));
                if newest {
                    s.set_status.set(SaveStatus::Saved);
                }
            }
            Err(_) if !newest => {}
            Err(SaveError::Refused(m)) => {
                s.set_problem.set(m);
                s.set_status.set(SaveStatus::Failed);
            }
            Err(failure) => {
                // The server's own words when its database is away; ours when the
                // connection is.
                s.set_problem.set(match failure {
                    SaveError::Unavailable(m) => m,
                    _ => words(lang).answer.connection_lost.to_string(),
                });
                s.set_status.set(SaveStatus::Retrying);
                set_timeout(
                    move || {
                        if s.next_seq.get_untracked() == seq + 1 {
                            send_save(attempt_id, position, letters, flagged, seq, s, lang);
                        }
                    },
                    RETRY_AFTER,
                );
            }
        }
    });
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SaveStatus {
    /// Server-rendered: saving happens with the form.
    WithForm,
    Saving,
    Saved,
    Failed,
    /// The connection failed; the same save is being sent again.
    Retrying,
}

#[island]
pub fn AnswerForm(page: ItemData, lang: Lang) -> impl IntoView {
    let w = &words(lang).answer;
    let (choices, set_choices) = signal(page.choices.clone());
    let (flagged, set_flagged) = signal(page.flagged);
    let (next_seq, set_next_seq) = signal(page.next_seq);
    let (status, set_status) = signal(SaveStatus::WithForm);
    let (problem, set_problem) = signal(String::new());
    let (limit_note, set_limit_note) = signal(String::new());
    let (struck, set_struck) = signal(page.struck.clone());
    let attempt_id = page.attempt_id.clone();
    let position = page.position;
    let adaptive = page.adaptive.is_some();
    let select = page.select.max(1);
    let multiple = select > 1;

    // Runs only in the browser, once the island is live.
    Effect::new(move |_| set_status.set(SaveStatus::Saved));

    let save = move |new_choices: Vec<u32>, new_flag: bool| {
        let seq = next_seq.get_untracked();
        set_next_seq.set(seq + 1);
        set_status.set(SaveStatus::Saving);
        let letters = new_choices
            .iter()
            .map(|&i| certamen_letter(i as usize).to_string())
            .collect::<Vec<_>>()
            .join(",");
        let signals = SaveSignals {
            next_seq,
            set_next_seq,
            set_status,
            set_problem,
        };
        send_save(
            attempt_id.clone(),
            position,
            letters,
            new_flag,
            seq,
            signals,
            lang,
        );
    };
    let save_choice = save.clone();
    let strike_attempt = page.attempt_id.clone();
    // The strike buttons are submit buttons of the form (no JavaScript: the server toggles and
    // returns to the question); live, they toggle here and tell the server.
    let strike = move |index: u32| {
        let was = struck.get_untracked();
        let mut next = was.clone();
        if next.contains(&index) {
            next.retain(|&i| i != index);
        } else {
            next.push(index);
        }
        set_struck.set(next);
        let attempt_id = strike_attempt.clone();
        let letter = certamen_letter(index as usize).to_string();
        leptos::task::spawn_local(async move {
            if let Err(e) = strike_option(attempt_id, position, letter).await {
                set_struck.set(was);
                set_problem.set(match e {
                    ServerFnError::ServerError(m) => m,
                    _ => w.connection_lost.to_string(),
                });
                set_status.set(SaveStatus::Failed);
            }
        });
    };
    let status_text = move || {
        let note = limit_note.get();
        if !note.is_empty() {
            return note;
        }
        let chosen = choices.get().len();
        match status.get() {
            SaveStatus::WithForm if adaptive => w.saved_on_confirm.to_string(),
            SaveStatus::WithForm => w.saved_on_move.to_string(),
            SaveStatus::Saving => w.saving.to_string(),
            SaveStatus::Saved if multiple && chosen > 0 && chosen < select as usize => fill(
                w.saved_partial,
                &[
                    ("chosen", &chosen.to_string()),
                    ("select", &select.to_string()),
                ],
            ),
            SaveStatus::Saved if chosen > 0 => w.saved.to_string(),
            SaveStatus::Saved => w.no_answer.to_string(),
            SaveStatus::Retrying => fill(w.retrying, &[("problem", &problem.get())]),
            SaveStatus::Failed if adaptive => {
                fill(w.failed_adaptive, &[("problem", &problem.get())])
            }
            SaveStatus::Failed => fill(w.failed, &[("problem", &problem.get())]),
        }
    };
    let letters: Vec<char> = (0..page.options.len()).map(certamen_letter).collect();
    let last = page.position >= page.total;
    let next_label = match (page.break_after == page.position, adaptive, last) {
        (true, true, _) => w.next_break_adaptive,
        (true, false, _) => w.next_break,
        (false, true, _) => w.confirm,
        (false, false, true) => w.review_answers,
        (false, false, false) => w.next,
    };
    let input_type = if multiple { "checkbox" } else { "radio" };
    let link = {
        let (id, total, break_after) = (page.attempt_id.clone(), page.total, page.break_after);
        move |go: &str| link_for(&id, position, total, break_after, adaptive, go)
    };
    let next_href = link("next");
    // With the answer on the page acknowledged, a button that only moves the candidate loads
    // its page directly: one request instead of the form's post (which would save nothing
    // new) and its redirect, one round trip less on a slow connection. Otherwise (a save in
    // flight, failed or retrying; a strike-out, language or break button; Confirm in an
    // adaptive exam) the form posts as it does without script, carrying the answer.
    let follow_link = move |ev: leptos::ev::SubmitEvent| {
        if status.get_untracked() != SaveStatus::Saved {
            return;
        }
        let Some(button) = ev.submitter() else {
            return;
        };
        if button.get_attribute("name").as_deref() != Some("go") {
            return;
        }
        let go = button.get_attribute("value").unwrap_or_default();
        if let Some(href) = link(&go) {
            ev.prevent_default();
            let _ = window().location().assign(&href);
        }
    };
    view! {
        <form method="post" action=format!("/attempts/{}/items/{}/answer", page.attempt_id, page.position) class="question" id="answer-form"
            on:submit=follow_link>
            <input type="hidden" name="seq" value=move || next_seq.get().to_string()/>
            // Enter in the option group submits with the form's first submit button: make that
            // Next (or Confirm), never a strike-out button.
            <button type="submit" name="go" value="next" class="visually-hidden" tabindex="-1" aria-hidden="true">{next_label}</button>
            <fieldset aria-describedby=multiple.then_some("select-hint")>
                // The question's own language, so a screen reader pronounces it right (WCAG 3.1.2).
                <legend class="stem" lang=page.language.clone()>{page.stem.clone()}</legend>
                {multiple.then(|| {
                    let hint = crate::dto::select_hint(&page.language, select as usize);
                    view! { <p class="select-hint" id="select-hint" lang=page.language.clone()>{hint}</p> }
                })}
                {page.options.iter().enumerate().map(|(i, text)| {
                    let index = u32::try_from(i).unwrap_or(u32::MAX);
                    let id = format!("option-{}", letters[i]);
                    let save_choice = save_choice.clone();
                    let strike = strike.clone();
                    let option_lang = page.language.clone();
                    let is_struck = move || struck.get().contains(&index);
                    view! {
                        <div class="option" class:struck=is_struck>
                            <input type=input_type name="choice" id=id.clone() value=letters[i].to_string()
                                checked=move || choices.get().contains(&index)
                                prop:checked=move || choices.get().contains(&index)
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let mut next = if multiple { choices.get_untracked() } else { Vec::new() };
                                    next.retain(|&c| c != index);
                                    if on {
                                        // Kept in display order without a sort: std's sorts
                                        // add kilobytes to the wasm bundle.
                                        let at = next.iter().position(|&c| c > index).unwrap_or(next.len());
                                        next.insert(at, index);
                                    }
                                    if next.len() > select as usize {
                                        // Keep the box clear and say why, rather than sending an
                                        // answer the server must refuse.
                                        set_choices.set(choices.get_untracked());
                                        set_limit_note.set(fill(w.too_many, &[("select", &select.to_string())]));
                                        return;
                                    }
                                    set_limit_note.set(String::new());
                                    set_choices.set(next.clone());
                                    save_choice(next, flagged.get_untracked());
                                }/>
                            <label for=id>
                                <span class="letter" aria-hidden="true">{letters[i].to_string()}</span>
                                <span lang=option_lang.clone()>{text.clone()}</span>
                                {move || is_struck().then(|| view! { <span class="visually-hidden">{w.struck_out}</span> })}
                            </label>
                            <button type="submit" name="strike" value=letters[i].to_string() class="strike"
                                aria-label=fill(w.strike_label, &[("letter", &letters[i].to_string())])
                                aria-pressed=move || is_struck().to_string()
                                on:click=move |ev| {
                                    ev.prevent_default();
                                    strike(index);
                                }>{w.strike}</button>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            {(!adaptive).then(|| view! {
                <div class="flag">
                    <input type="checkbox" id="flagged" name="flagged" checked=move || flagged.get()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            set_flagged.set(on);
                            save(choices.get_untracked(), on);
                        }/>
                    <label for="flagged">{w.flag}</label>
                </div>
            })}
            <p class="save-status" role="status" aria-live="polite">{status_text}</p>
            {adaptive.then(|| view! {
                <p class="hint" id="confirm-hint">{w.final_hint}</p>
            })}
            <div class="nav-buttons">
                {(!adaptive && page.position > 1).then(|| view! { <button type="submit" name="go" value="prev">{w.previous}</button> })}
                {(!adaptive).then(|| view! { <button type="submit" name="go" value="review">{w.review_screen}</button> })}
                // An accommodation: the break may be taken from any question (the answer is saved first).
                {page.break_now.then(|| view! { <button type="submit" name="go" value="break">{w.break_now}</button> })}
                // `data-href`: where Next leads once the answer is saved (absent where only the
                // form's post will do), for clients that follow the island's rule without
                // running it: the load generator's candidates.
                <button type="submit" name="go" value="next" class="primary" data-href=next_href
                    aria-describedby=adaptive.then_some("confirm-hint")>{next_label}</button>
            </div>

        </form>
    }
}

/// The page a navigation button of the answer form (its `go` value) leads to when the answer
/// is already saved, as the form's post would redirect (`server::forms::answer`); `None` where
/// only the post will do: an adaptive exam (Next confirms the answer and chooses the next
/// question), Next into the break (the post offers it), anything else.
fn link_for(
    attempt: &str,
    position: u32,
    total: u32,
    break_after: u32,
    adaptive: bool,
    go: &str,
) -> Option<String> {
    if adaptive {
        return None;
    }
    let review = || Some(format!("/attempts/{attempt}/review"));
    let n = match go {
        "review" => return review(),
        "next" if position == break_after => return None,
        "next" if position >= total => return review(),
        "next" => position + 1,
        "prev" => position.saturating_sub(1).max(1),
        other => other
            .strip_prefix("item-")?
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=total).contains(n))?,
    };
    Some(format!("/attempts/{attempt}/items/{n}"))
}

/// Shows the questions in the other language from this one on (a button of the answer form,
/// so the current answer is saved first, with or without JavaScript).
#[component]
fn LanguageSwitch(language: String, chosen: String) -> impl IntoView {
    view! {
        <div class="language-switch">
            {if chosen == "es" {
                view! { <button form="answer-form" name="language" value="en" class="link-button" lang="en">"Show the questions in English"</button> }.into_any()
            } else {
                view! { <button form="answer-form" name="language" value="es" class="link-button" lang="es">"Ver las preguntas en español"</button> }.into_any()
            }}
            {(chosen == "es" && language == "en").then(|| view! {
                <p class="hint" lang="es">"Esta pregunta solo está disponible en inglés."</p>
            })}
        </div>
    }
}

/// Every question as a button of the answer form (by its id): choosing one saves this
/// question's answer and goes there. Collapsed by default so the question stays the first
/// thing read.
#[component]
fn QuestionList(questions: Vec<crate::dto::QuestionMark>, current: u32) -> impl IntoView {
    // Looked up once, not 120 times.
    let marks = Marks {
        question: t!("item-list-question"),
        answered_flagged: t!("item-list-answered-flagged"),
        answered: t!("item-list-answered"),
        unanswered_flagged: t!("item-list-unanswered-flagged"),
        unanswered: t!("item-list-unanswered"),
    };
    view! {
        <details class="question-list">
            <summary>{t!("item-list-summary")}</summary>
            <p class="hint">{t!("item-list-hint")}</p>
            <ul inner_html=question_buttons(&questions, current, &marks)></ul>
        </details>
    }
}

/// The question list's items as markup. Written by hand: as 120 components they were a sixth
/// of a question page's rendering time, on the page candidates load most. Every text in it is
/// escaped; the list is server-rendered only (not part of an island), so nothing hydrates it.
fn question_buttons(questions: &[crate::dto::QuestionMark], current: u32, marks: &Marks) -> String {
    let question = crate::html::escape(&marks.question);
    let states = [
        crate::html::escape(&marks.unanswered),
        crate::html::escape(&marks.answered),
        crate::html::escape(&marks.unanswered_flagged),
        crate::html::escape(&marks.answered_flagged),
    ];
    // Pieces pushed one by one, not `write!`: the formatting machinery, 120 times with seven
    // arguments each, was most of this list's cost.
    let longest_state = states.iter().map(String::len).max().unwrap_or(0);
    let mut out = String::with_capacity(questions.len() * (140 + question.len() + longest_state));
    for (i, q) in questions.iter().enumerate() {
        let n = i + 1;
        // Kept short: 120 of these are on every question page (the 30 KB budget).
        let class = match (q.answered, q.flagged) {
            (true, true) => r#" class="answered flagged""#,
            (true, false) => r#" class="answered""#,
            (false, true) => r#" class="flagged""#,
            (false, false) => "",
        };
        let here = if n == current as usize {
            r#" aria-current="step""#
        } else {
            ""
        };
        let state = &states[usize::from(q.answered) + 2 * usize::from(q.flagged)];
        out.push_str(r#"<li><button form="answer-form" name="go" value="item-"#);
        push_number(&mut out, n);
        out.push('"');
        out.push_str(class);
        out.push_str(here);
        out.push_str(r#" aria-label=""#);
        out.push_str(&question);
        out.push(' ');
        push_number(&mut out, n);
        out.push_str(state);
        out.push_str(r#"">"#);
        push_number(&mut out, n);
        out.push_str("</button></li>");
    }
    out
}

/// Appends `n` in decimal digits.
fn push_number(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// The accessible states of the question list's buttons.
struct Marks {
    question: String,
    answered_flagged: String,
    answered: String,
    unanswered_flagged: String,
    unanswered: String,
}

fn progress_text(page: &ItemData) -> String {
    match page.adaptive {
        Some(a) if page.practice => t!(
            "item-progress-practice-adaptive",
            n = page.position,
            total = a.max_length
        ),
        Some(a) => t!(
            "item-progress-adaptive",
            n = page.position,
            min = a.min_length,
            max = a.max_length
        ),
        None if page.practice => t!(
            "item-progress-practice",
            n = page.position,
            total = page.total,
            answered = page.answered
        ),
        None => t!(
            "item-progress",
            n = page.position,
            total = page.total,
            answered = page.answered
        ),
    }
}

fn certamen_letter(i: usize) -> char {
    char::from(b'A' + u8::try_from(i % 26).unwrap_or(0))
}

#[cfg(test)]
mod question_list_tests {
    use super::*;
    use crate::dto::QuestionMark;

    #[test]
    fn moving_buttons_lead_where_the_form_would_redirect() {
        let go = |position, break_after, adaptive, go| {
            link_for("a1", position, 120, break_after, adaptive, go)
        };
        let item = |n: u32| Some(format!("/attempts/a1/items/{n}"));
        let review = Some("/attempts/a1/review".to_string());
        assert_eq!(go(5, 60, false, "next"), item(6));
        assert_eq!(go(120, 60, false, "next"), review);
        assert_eq!(go(5, 60, false, "review"), review);
        assert_eq!(go(5, 60, false, "prev"), item(4));
        assert_eq!(go(1, 60, false, "prev"), item(1));
        assert_eq!(go(5, 60, false, "item-120"), item(120));
        // Only the post offers the break, confirms an adaptive answer, or knows what to do
        // with anything else.
        assert_eq!(go(60, 60, false, "next"), None);
        assert_eq!(go(61, 0, false, "next"), item(62));
        assert_eq!(go(5, 60, true, "next"), None);
        assert_eq!(go(5, 60, true, "prev"), None);
        for other in ["item-0", "item-121", "item-", "item-x", "break", "stay", ""] {
            assert_eq!(go(5, 60, false, other), None, "{other}");
        }
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0, 7, 10, 99, 120, 1005, usize::MAX] {
            let mut out = String::from("x");
            push_number(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
    }

    #[test]
    fn each_question_is_a_button_with_its_state_in_words() {
        let marks = Marks {
            question: "Question".into(),
            answered_flagged: ", answered, flagged".into(),
            answered: ", answered".into(),
            unanswered_flagged: ", not answered, flagged".into(),
            unanswered: ", not answered <&>".into(),
        };
        let mark = |answered, flagged| QuestionMark { answered, flagged };
        let html = question_buttons(
            &[mark(true, false), mark(false, false), mark(true, true)],
            2,
            &marks,
        );
        assert_eq!(
            html,
            concat!(
                r#"<li><button form="answer-form" name="go" value="item-1" class="answered" aria-label="Question 1, answered">1</button></li>"#,
                r#"<li><button form="answer-form" name="go" value="item-2" aria-current="step" aria-label="Question 2, not answered &lt;&amp;&gt;">2</button></li>"#,
                r#"<li><button form="answer-form" name="go" value="item-3" class="answered flagged" aria-label="Question 3, answered, flagged">3</button></li>"#,
            )
        );
    }
}
