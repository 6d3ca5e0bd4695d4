//! The data shapes pages receive. Compiled for both the server and the browser, so nothing
//! here may ever carry an answer key, rationale or item parameter (invariant 3).

use serde::{Deserialize, Serialize};

mod complaints;
mod item_health;
mod rescoring;
pub use complaints::ComplaintRow;
mod statistics;
pub use item_health::{CalibrationProposal, Dif, ItemHealth, ItemHealthPage, ProposedParams};
pub use rescoring::{RescoreEffect, RescorePreview, RescoringPage, RescoringRow};
pub use statistics::{BandCounts, BandRow, Figures, GroupRow, GroupTable, ProgramStats};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Candidate,
    Vendor,
    Staff,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Candidate => "candidate",
            Role::Vendor => "vendor",
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "candidate" => Some(Role::Candidate),
            "vendor" => Some(Role::Vendor),
            "staff" => Some(Role::Staff),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PastAttempt {
    pub id: String,
    pub number: u32,
    pub submitted_at_ms: i64,
    pub percent: f64,
    pub passed: bool,
    /// The scaled score of an adaptive attempt (its percent correct says little).
    pub scaled: Option<f64>,
    pub state: ResultState,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamCard {
    pub id: String,
    pub title: String,
    pub form_length: u32,
    pub time_limit_minutes: u32,
    pub max_attempts: u32,
    /// Attempts that count now (within the window, if the exam has one).
    pub attempts_used: u32,
    /// The exam's attempt window in days, if attempts older than that stop counting.
    pub window_days: Option<u32>,
    /// With no attempt left: the day the next one may start (a window exam only).
    pub next_attempt_on: Option<String>,
    pub open_attempt: Option<String>,
    pub past: Vec<PastAttempt>,
    /// The practice exam, if the exam offers one.
    pub practice: Option<PracticeCard>,
}

/// The practice exam on the dashboard: never counted, as often as the candidate likes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeCard {
    pub questions: u32,
    pub time_limit_minutes: u32,
    pub open_attempt: Option<String>,
    pub past: Vec<PastAttempt>,
    /// The language the practice questions start in (the candidate's preferred language).
    pub language: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub display_name: String,
    pub role: Role,
    pub exams: Vec<ExamCard>,
    /// A candidate's accommodations in a sentence: approved, waiting, or none asked for.
    pub accommodation: Option<String>,
    /// A candidate's application: its status ("none", "submitted", "approved", "returned").
    pub application: Option<String>,
    /// A candidate's certification, once they have one.
    pub certification: Option<RegistryEntry>,
    /// Staff or an administrator signed in with a password: their pages need a passkey.
    pub passkey_needed: bool,
    /// Security changes on the account since its previous sign-in, in words.
    pub account_changes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instructions {
    pub exam_id: String,
    pub title: String,
    pub paragraphs: Vec<String>,
    pub open_attempt: Option<String>,
    pub attempts_left: u32,
    pub next_attempt_on: Option<String>,
    /// The approved accommodations a new attempt starts with, in words.
    pub accommodation: Option<String>,
    /// The language the questions start in unless the candidate chooses otherwise.
    pub preferred_language: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemPage {
    pub attempt_id: String,
    pub position: u32,
    pub total: u32,
    pub stem: String,
    /// The language the stem, options and scenario are in ("en" or "es").
    pub language: String,
    /// The language the candidate chose for the questions (an item without that version is
    /// shown in English).
    pub attempt_language: String,
    /// Option texts in this attempt's display order.
    pub options: Vec<String>,
    /// The chosen options' display indexes (at most one unless `select` is more than 1).
    pub choices: Vec<u32>,
    /// How many options the question asks for: 1, or more for a multiple-answer question.
    pub select: u32,
    /// The display indexes of the options the candidate has struck out.
    pub struck: Vec<u32>,
    /// Every question's state, in order, for jumping to one (empty for an adaptive exam).
    pub questions: Vec<QuestionMark>,
    pub flagged: bool,
    /// The sequence number the next save from this page must carry.
    pub next_seq: i64,
    pub remaining_ms: i64,
    /// The attempt's whole time (its limit with any accommodation), for the warnings.
    pub limit_ms: i64,
    pub answered: u32,
    /// Moving past this position offers the scheduled break (0 when it is no longer offered).
    pub break_after: u32,
    /// Set for an adaptive attempt: forward only, and its length depends on the answers.
    pub adaptive: Option<AdaptiveProgress>,
    /// The shared scenario, when the question belongs to a scenario set.
    pub scenario: Option<String>,
    /// An approved accommodation: offer to read the question aloud (browser speech).
    pub speech: bool,
    /// A practice attempt (never counted).
    pub practice: bool,
    /// An accommodation lets the candidate take the break from this question, now.
    pub break_now: bool,
}

/// One question's state in the question list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionMark {
    pub answered: bool,
    pub flagged: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdaptiveProgress {
    pub min_length: u32,
    pub max_length: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewRow {
    pub position: u32,
    /// How many options are chosen (0: unanswered).
    pub chosen: u32,
    /// How many the question asks for.
    pub select: u32,
    pub flagged: bool,
}

impl ReviewRow {
    pub fn answered(&self) -> bool {
        self.chosen > 0
    }

    /// A multiple-answer question with fewer options chosen than it asks for.
    pub fn incomplete(&self) -> bool {
        self.chosen > 0 && self.chosen < self.select
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub attempt_id: String,
    pub rows: Vec<ReviewRow>,
    pub remaining_ms: i64,
    pub limit_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BreakState {
    /// Offered and not yet taken or declined.
    Offered {
        minutes: u32,
        /// An accommodation: "not now" keeps the break for later.
        anytime: bool,
    },
    OnBreak {
        break_remaining_ms: i64,
        break_length_ms: i64,
    },
    /// Taken, declined, or not reached yet: nothing to do here.
    Unavailable,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakPage {
    pub attempt_id: String,
    pub state: BreakState,
    pub exam_remaining_ms: i64,
    pub resume_position: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompetencyResult {
    pub id: String,
    pub name: String,
    pub correct: u32,
    pub total: u32,
    pub percent: f64,
    /// Adaptive attempts: "below", "near" or "above" the passing standard.
    pub band: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaResult {
    pub name: String,
    pub competencies: Vec<CompetencyResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub attempt_id: String,
    pub exam_title: String,
    pub candidate_name: String,
    pub submitted_at_ms: i64,
    /// The day the exam was submitted, as people read it (UTC).
    pub submitted_on: String,
    pub by_deadline: bool,
    pub correct: u32,
    pub total: u32,
    pub percent: f64,
    pub cut_percent: u32,
    pub passed: bool,
    /// Set for an adaptive attempt, scored on the reported scale rather than percent correct.
    pub scaled: Option<ScaledResult>,
    pub areas: Vec<AreaResult>,
    /// A practice attempt: the result does not count.
    pub practice: bool,
    /// Not `Released`: the report holds no score (the fields above are empty).
    pub state: ResultState,
    /// The certificate this attempt earned, if any.
    pub certificate: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScaledResult {
    pub scaled: f64,
    pub scaled_cut: f64,
    pub scale_min: f64,
    pub scale_max: f64,
}

/// A staff, vendor or administrator account, for the administrator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Set when disabled: the day it was.
    pub disabled_on: Option<String>,
}

/// Where a submitted attempt's result stands for the candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResultState {
    Released,
    /// The exam releases results after staff review; this one is not released yet.
    UnderReview,
    /// Staff invalidated the attempt, for this reason.
    Invalidated(String),
}

/// A certification's standing, as the public registry shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CertificationStatus {
    Active,
    Suspended,
    Revoked,
    /// Active, but past its expiry date.
    Expired,
}

impl CertificationStatus {
    pub fn label(self) -> String {
        match self {
            CertificationStatus::Active => crate::t!("registry-status-active"),
            CertificationStatus::Suspended => crate::t!("registry-status-suspended"),
            CertificationStatus::Revoked => crate::t!("registry-status-revoked"),
            CertificationStatus::Expired => crate::t!("registry-status-expired"),
        }
    }
}

/// One certification. The public page shows the name, number, status and dates only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegistryEntry {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub status: CertificationStatus,
    pub issued_on: String,
    pub expires_on: String,
    pub reason: Option<String>,
    pub attempt_id: String,
    pub email: String,
}

/// A public registry search and what it found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegistrySearch {
    pub query: String,
    /// The query was too short to search by name.
    pub too_short: bool,
    /// Only the public columns are filled in (`reason`, `email`, `attempt_id` are empty).
    pub found: Vec<RegistryEntry>,
}

/// One real attempt in the staff results list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultRow {
    pub attempt_id: String,
    pub candidate: String,
    pub email: String,
    pub exam_id: String,
    pub submitted_on: String,
    pub correct: u32,
    pub total: u32,
    pub passed: bool,
    pub state: ResultState,
    pub certificate: Option<String>,
}

/// The staff results page: its filters and the attempts that match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffResults {
    pub state: String,
    pub outcome: String,
    pub rows: Vec<ResultRow>,
    pub release_after_review: bool,
}

/// Items per page of the bank browser.
pub const BANK_PAGE_SIZE: u32 = 50;

/// The item bank browser's filters (empty: no filter).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankFilter {
    pub competency: String,
    pub status: String,
    /// "es": with a Spanish variant; "no-es": without one.
    pub language: String,
    /// Words to find in the id, stems, options or scenario, in either language.
    pub q: String,
    /// The page of results (1-based; empty or 0: the first).
    pub page: u32,
}

/// One item in the bank browser: never its key or rationale in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BankRow {
    pub id: String,
    pub competency: String,
    pub status: String,
    pub version: i64,
    pub languages: String,
    pub set: Option<String>,
    /// "provisional", "calibrated" or "none".
    pub params: String,
    pub stem: String,
    /// On the practice exam, never on a real form.
    pub practice: bool,
}

/// Blueprint coverage of one competency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageRow {
    pub id: String,
    pub name: String,
    /// Items per form in the blueprint.
    pub needed: u32,
    pub approved: u32,
    pub approved_es: u32,
    pub with_params: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BankView {
    pub exam_title: String,
    pub filter: BankFilter,
    /// (id, name) of every competency, for the filter.
    pub competencies: Vec<(String, String)>,
    pub total_items: u32,
    /// The items matching the filter (all pages).
    pub matching: u32,
    /// This page's rows, [`BANK_PAGE_SIZE`] at most.
    pub rows: Vec<BankRow>,
    pub page: u32,
    pub pages: u32,
    pub coverage: Vec<CoverageRow>,
}

/// One language of an item as the vendor reviews it: what the candidate sees, plus the key and
/// rationale (vendors only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemLanguage {
    pub language: String,
    pub scenario: Option<String>,
    pub stem: String,
    pub options: Vec<String>,
    pub rationale: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemVersionRow {
    pub version: i64,
    pub created_at_ms: i64,
    /// Who made the version in the workspace, or "bank files".
    pub by: String,
    pub status: String,
    /// The fields that differ from the version before ("first version" for version 1).
    pub changed: Vec<String>,
}

/// One field that differs between two versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemDetail {
    pub id: String,
    pub version: i64,
    pub competency: String,
    pub competency_name: String,
    pub status: String,
    pub key: String,
    pub params: String,
    pub references: Vec<String>,
    pub enemies: Vec<String>,
    pub set: Option<String>,
    pub languages: Vec<ItemLanguage>,
    pub versions: Vec<ItemVersionRow>,
    /// With `?compare=A,B`: the versions compared and what differs.
    pub compared: Option<(i64, i64, Vec<FieldChange>)>,
    pub stats: LiveItemStats,
    /// Every approval, return and retirement, newest first.
    pub reviews: Vec<ReviewDecision>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewDecision {
    pub version: i64,
    pub reviewer: String,
    pub decision: String,
    pub comment: String,
    pub decided_at_ms: i64,
}

/// An item's use and classical statistics from candidates' attempts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveItemStats {
    /// Attempts the item was delivered in (any version), out of all attempts at the exam.
    pub delivered: u32,
    pub attempts: u32,
    /// Submitted linear attempts the statistics use (adaptive attempts are left out: items
    /// chosen for each candidate's level make p-values and correlations misleading).
    pub scored: u32,
    pub p_value: Option<f64>,
    pub r_rest: Option<f64>,
}

/// The answer to an instant (JavaScript) save.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveAck {
    pub seq: i64,
    pub remaining_ms: i64,
}

/// Why an instant save did not go through, as the page needs to know it: a refusal is said
/// once and not repeated (time is up, a stale or malformed save); an unavailable database is
/// said and the same save sent again, like a lost connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SaveError {
    /// The server refused the save; the message says why.
    Refused(String),
    /// The server's database cannot be reached just now (HTTP 503): nothing was written.
    Unavailable(String),
    /// The request failed on its way (the network) or its answer could not be read.
    Transport(String),
}

impl leptos::server_fn::error::FromServerFnError for SaveError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr;
        match value {
            ServerFnErrorErr::ServerError(m) => SaveError::Refused(m),
            other => SaveError::Transport(other.to_string()),
        }
    }
}

impl From<leptos::prelude::ServerFnError> for SaveError {
    fn from(e: leptos::prelude::ServerFnError) -> Self {
        match e {
            leptos::prelude::ServerFnError::ServerError(m) => SaveError::Refused(m),
            other => SaveError::Transport(other.to_string()),
        }
    }
}

/// A form sent back to its page after a mistake: what was typed (never a password) and what
/// was wrong with each field, so the page can show the errors beside the fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FormState {
    pub values: Vec<(String, String)>,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldError {
    /// The `name` (and `id`) of the field at fault.
    pub field: String,
    pub message: String,
}

impl FormState {
    pub fn value(&self, field: &str) -> String {
        self.values
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    }
}

/// An approved accommodation profile as the candidate and staff read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccommodationProfile {
    /// Exam time as a percentage of the standard time: 150 is time and a half.
    pub time_percent: u32,
    /// Length of the scheduled break in minutes.
    pub break_minutes: u32,
    /// Text-to-speech of the stem and options.
    pub speech: bool,
    /// The break may be taken at any point, not only at its scheduled place.
    #[serde(default)]
    pub break_anytime: bool,
    /// How many breaks of `break_minutes` (scheduled ones evenly spaced through the exam).
    #[serde(default = "one_break")]
    pub break_count: u32,
}

fn one_break() -> u32 {
    1
}

impl AccommodationProfile {
    /// The profile in words, in the page's language ("time and a half (225 minutes), a
    /// 30-minute break, read aloud").
    pub fn describe(&self, standard_minutes: Option<u32>) -> String {
        let mut parts = Vec::new();
        if self.time_percent != 100 {
            let name = match self.time_percent {
                150 => crate::t!("accommodations-time-half"),
                200 => crate::t!("accommodations-time-double"),
                p => crate::t!("accommodations-time-percent", percent = p),
            };
            parts.push(match standard_minutes {
                Some(m) => crate::t!(
                    "accommodations-time-minutes",
                    time = name,
                    minutes = (u64::from(m) * u64::from(self.time_percent)).div_ceil(100)
                ),
                None => name,
            });
        }
        parts.push(if self.break_count > 1 {
            if self.break_anytime {
                crate::t!(
                    "accommodations-breaks-anytime",
                    count = self.break_count,
                    minutes = self.break_minutes
                )
            } else {
                crate::t!(
                    "accommodations-breaks-scheduled",
                    count = self.break_count,
                    minutes = self.break_minutes
                )
            }
        } else if self.break_anytime {
            crate::t!("accommodations-break-anytime", minutes = self.break_minutes)
        } else {
            crate::t!(
                "accommodations-break-scheduled",
                minutes = self.break_minutes
            )
        });
        if self.speech {
            parts.push(crate::t!("accommodations-speech"));
        }
        parts.join(", ")
    }
}

/// One accommodation request as its candidate sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccommodationRequestRow {
    pub id: i64,
    pub submitted_on: String,
    pub requested: Vec<String>,
    pub details: String,
    pub documentation: String,
    pub status: String,
    pub decided_on: Option<String>,
    pub decision_note: Option<String>,
    pub profile: Option<AccommodationProfile>,
    /// Staff only: who asked.
    pub candidate: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccommodationsView {
    pub requests: Vec<AccommodationRequestRow>,
    /// The profile the next attempt will start with, if any.
    pub active: Option<AccommodationProfile>,
    /// The standard exam length in minutes, to say what extra time amounts to.
    pub standard_minutes: Option<u32>,
    pub standard_break_minutes: Option<u32>,
    pub form: FormState,
    pub submitted: bool,
}

/// What a candidate may ask for, with the words the form and staff read.
pub const ACCOMMODATION_NEEDS: [(&str, &str); 4] = [
    ("extra_time", "Extra time"),
    ("longer_break", "A longer scheduled break"),
    (
        "speech",
        "Questions and answers read aloud (text-to-speech)",
    ),
    ("other", "Something else (describe it below)"),
];

/// A need's label in the page's language (the English is the one in [`ACCOMMODATION_NEEDS`]).
pub fn need_label(code: &str) -> String {
    match code {
        "extra_time" => crate::t!("accommodations-need-extra-time"),
        "longer_break" => crate::t!("accommodations-need-longer-break"),
        "speech" => crate::t!("accommodations-need-speech"),
        "other" => crate::t!("accommodations-need-other"),
        _ => code.to_string(),
    }
}

/// The staff queue of accommodation requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffAccommodations {
    pub pending: Vec<AccommodationRequestRow>,
    pub decided: Vec<AccommodationRequestRow>,
    pub standard_break_minutes: u32,
    pub saved: Option<String>,
}

/// An application for certification as its candidate and staff read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationRow {
    pub id: i64,
    /// "training" or "reciprocity".
    pub pathway: String,
    /// The pathway in words, with its provider and date or state and credential.
    pub pathway_text: String,
    pub lived_experience: String,
    pub status: String,
    pub submitted_on: String,
    pub decided_on: Option<String>,
    pub decision_note: Option<String>,
    /// Staff only: who applied.
    pub candidate: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationView {
    /// The candidate's applications, newest first.
    pub applications: Vec<ApplicationRow>,
    /// Approved training providers: (id, name).
    pub providers: Vec<(i64, String)>,
    pub form: FormState,
}

/// The attestations an application requires, each a checkbox: (field, words). The server
/// refuses an application without every one ticked.
pub const ATTESTATIONS: [(&str, &str); 4] = [
    (
        "attest_lived_experience",
        "I have lived experience of recovery from a mental health condition or substance use, or as the parent, caregiver or family member of someone who has, and I am willing to share it to support others.",
    ),
    (
        "attest_code_of_ethics",
        "I have read the Medi-Cal Peer Support Specialist Code of Ethics and agree to follow it.",
    ),
    (
        "attest_education",
        "I have a high school diploma or its equivalent.",
    ),
    (
        "attest_training",
        "I have completed the training named above, or hold the current out-of-state certification named above, and can show proof if staff ask for it.",
    ),
];

/// The staff queue of applications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffApplications {
    pub submitted: Vec<ApplicationRow>,
    pub decided: Vec<ApplicationRow>,
}

/// The staff-kept list of approved training providers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderRow {
    pub id: i64,
    pub name: String,
    pub active: bool,
    pub applications: i64,
}

/// One of a person's passkeys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasskeyRow {
    pub id: i64,
    pub name: String,
    pub added_on: String,
    pub last_used_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasskeySettings {
    pub passkeys: Vec<PasskeyRow>,
    /// False when the site's public address cannot have passkeys (an IP address).
    pub available: bool,
    /// This session was signed in with a passkey.
    pub signed_in_with_passkey: bool,
    /// A staff, vendor or administrator account without a passkey: its first needs the
    /// enrolment code an administrator issued.
    pub needs_code: bool,
    /// Such an account that has passkeys but signed in with its password: another can be added
    /// (or one removed) only after signing in with one.
    pub needs_passkey_sign_in: bool,
}

/// "2 h 05 min" style time for people; seconds only under a minute.
pub fn format_remaining(ms: i64) -> String {
    let secs = (ms.max(0) + 999) / 1000;
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h > 0 {
        format!("{h} h {m:02} min")
    } else if m > 0 {
        format!("{m} min {s:02} s")
    } else {
        format!("{s} s")
    }
}

/// What a multiple-answer question says above its options, in the question's language.
pub fn select_hint(language: &str, count: usize) -> String {
    if language == "es" {
        format!("Elija {count} respuestas.")
    } else {
        format!("Choose {count} answers.")
    }
}

/// The shortest password accepted (the account form, the password pages).
pub const MIN_PASSWORD: usize = 10;

/// How long a password recovery link works, in minutes.
pub const RESET_LINK_MINUTES: i64 = 60;

/// A proposal waiting for a second staff member, as the proposals page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposalRow {
    pub id: i64,
    /// What it does, for people ("Invalidate the result of attempt …").
    pub title: String,
    /// Exactly what will change, one line each.
    pub changes: Vec<String>,
    pub proposed_by: String,
    pub proposed_on: String,
    /// The viewer proposed it (so cannot approve it).
    pub own: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_time_reads_naturally() {
        assert_eq!(format_remaining(150 * 60_000), "2 h 30 min");
        assert_eq!(format_remaining(61_000), "1 min 01 s");
        assert_eq!(format_remaining(999), "1 s");
        assert_eq!(format_remaining(-5), "0 s");
    }
}
