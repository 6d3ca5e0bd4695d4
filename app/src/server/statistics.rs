//! Pass rates and competency performance for certification staff, from the counted attempts of
//! one exam in a period (real, submitted, not invalidated): pass rate and mean score by month,
//! by form and delivery mode, by attempt number, by the questions' language, by county and by
//! region, with small groups suppressed (`engine::reporting`); and each competency's and
//! content area's spread of candidates below, near and above the standard.
//!
//! Each figure is recomputed from the stored scores on every request: nothing is kept that a
//! release, an invalidation or a rescoring could leave stale.

use std::collections::{BTreeMap, HashMap};

use sqlx::Row;
use time::Date;

use certamen_engine::irt::Band;
use certamen_engine::reporting::{group_figures, raw_band, BandShares, Outcome};
use certamen_engine::scoring::{RawScore, ScaledScore};
use certamen_item_bank::exam::{DeliveryMode, ExamDefinition};

use super::accounts::{california_today, parse_date};
use super::bank;
use super::db::Db;
use super::error::AppError;
use crate::dto::{BandCounts, BandRow, Figures, GroupRow, GroupTable, ProgramStats};
use crate::places::{region_of, Region};

/// The submitted days counted, both ends included (California dates).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Period {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

/// Reads the period's two dates (`YYYY-MM-DD`, either may be empty), naming a bad one.
pub fn parse_period(from: &str, to: &str) -> Result<Period, AppError> {
    let day = |name: &str, text: &str| -> Result<Option<Date>, AppError> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        parse_date(text).map(Some).ok_or_else(|| {
            AppError::BadRequest(format!(
                "{name} {text:?} is not a date: use YYYY-MM-DD, e.g. 2026-07-01"
            ))
        })
    };
    let period = Period {
        from: day("from", from)?,
        to: day("to", to)?,
    };
    if let (Some(f), Some(t)) = (period.from, period.to) {
        if f > t {
            return Err(AppError::BadRequest(format!(
                "the period starts ({f}) after it ends ({t})"
            )));
        }
    }
    Ok(period)
}

/// One counted attempt, as the figures need it.
struct Counted {
    user_id: i64,
    day: Date,
    version: i64,
    mode: DeliveryMode,
    /// 1 for a candidate's first attempt at the exam, 2 for their first retake, ...
    number: u32,
    language: String,
    county: Option<String>,
    simulated: bool,
    outcome: Outcome,
    competencies: Vec<(String, Band)>,
    areas: Vec<(String, Band)>,
}

/// The exam the page shows: the one asked for, or the first with a definition.
pub(crate) async fn chosen_exam(db: &Db, asked: &str) -> Result<(Vec<String>, String), AppError> {
    let ids = bank::exam_ids(db).await?;
    let chosen = if asked.is_empty() {
        ids.first().cloned().ok_or_else(|| {
            AppError::NotFound("no exam is loaded yet, so there are no results".into())
        })?
    } else if ids.iter().any(|id| id == asked) {
        asked.to_string()
    } else {
        return Err(AppError::NotFound(format!(
            "there is no exam called {asked:?}"
        )));
    };
    Ok((ids, chosen))
}

/// The statistics page's figures for `exam_id` (empty: the first exam) in `period`.
pub async fn program_stats(
    db: &Db,
    exam_id: &str,
    period: Period,
) -> Result<ProgramStats, AppError> {
    let (ids, exam_id) = chosen_exam(db, exam_id).await?;
    let mut exams = Vec::with_capacity(ids.len());
    for id in &ids {
        let (_, e) = bank::latest_exam(db, id).await?;
        exams.push((id.clone(), e.title.clone()));
    }
    let (_, latest) = bank::latest_exam(db, &exam_id).await?;
    let counted = counted_attempts(db, &exam_id, period).await?;
    let min = latest.results.min_group_size as usize;
    let outcomes: Vec<Outcome> = counted.iter().map(|c| c.outcome).collect();
    let (has_percent, has_scaled) = (
        outcomes.iter().any(|o| o.percent.is_some()),
        outcomes.iter().any(|o| o.scaled.is_some()),
    );
    let latest_attempts = latest_per_candidate(&counted);
    let competencies = latest
        .competencies()
        .map(|(area, c)| {
            band_row(
                &c.id,
                &c.name,
                &area.name,
                latest_attempts.iter().map(|a| &a.competencies),
                min,
            )
        })
        .collect();
    let areas = latest
        .content_areas
        .iter()
        .map(|a| {
            band_row(
                &a.id,
                &a.name,
                "",
                latest_attempts.iter().map(|x| &x.areas),
                min,
            )
        })
        .collect();
    Ok(ProgramStats {
        exam_title: latest.title.clone(),
        exam_id,
        exams,
        from: period.from.map(|d| d.to_string()).unwrap_or_default(),
        to: period.to.map(|d| d.to_string()).unwrap_or_default(),
        min_group: latest.results.min_group_size,
        attempts: count(counted.len()),
        simulated: count(counted.iter().filter(|c| c.simulated).count()),
        has_percent,
        has_scaled,
        overall: (outcomes.len() >= min).then(|| figures(&outcomes)),
        tables: tables(&counted, min),
        candidates: count(latest_attempts.len()),
        competencies,
        areas,
    })
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn figures(outcomes: &[Outcome]) -> Figures {
    to_dto(&certamen_engine::reporting::Figures::of(outcomes))
}

fn to_dto(f: &certamen_engine::reporting::Figures) -> Figures {
    Figures {
        attempts: count(f.attempts),
        passed: count(f.passed),
        pass_rate: f.pass_rate,
        mean_percent: f.mean_percent,
        mean_scaled: f.mean_scaled,
    }
}

/// The counted attempts of `exam_id` submitted in `period`, numbered per candidate over every
/// real attempt they submitted (an invalidated one was still an attempt).
async fn counted_attempts(
    db: &Db,
    exam_id: &str,
    period: Period,
) -> Result<Vec<Counted>, AppError> {
    let rows = sqlx::query(
        "SELECT a.user_id, a.exam_version, a.submitted_at, a.passed, a.score, a.language, \
         a.invalidated_at, CAST(CASE WHEN a.item_pool IS NULL THEN 0 ELSE 1 END AS BIGINT) AS adaptive, \
         p.county, u.simulated FROM attempts a JOIN users u ON u.id = a.user_id \
         LEFT JOIN candidate_profiles p ON p.user_id = a.user_id \
         WHERE a.exam_id = $1 AND a.status = 'submitted' AND a.practice = 0 \
         ORDER BY a.user_id, a.started_at, a.id",
    )
    .bind(exam_id)
    .fetch_all(&db.pool)
    .await?;
    let mut definitions: HashMap<i64, ExamDefinition> = HashMap::new();
    let mut counted = Vec::new();
    let (mut user, mut number) = (None, 0u32);
    for row in &rows {
        let user_id: i64 = row.try_get("user_id")?;
        if user != Some(user_id) {
            (user, number) = (Some(user_id), 0);
        }
        number += 1;
        if row.try_get::<Option<i64>, _>("invalidated_at")?.is_some() {
            continue;
        }
        let day = california_today(row.try_get::<Option<i64>, _>("submitted_at")?.unwrap_or(0));
        if period.from.is_some_and(|f| day < f) || period.to.is_some_and(|t| day > t) {
            continue;
        }
        let version: i64 = row.try_get("exam_version")?;
        let exam = match definitions.entry(version) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(bank::exam_version(db, exam_id, version).await?)
            }
        };
        let score: Option<String> = row.try_get("score")?;
        let score = score
            .ok_or_else(|| AppError::Internal("a submitted attempt has no stored score".into()))?;
        let adaptive = row.try_get::<i64, _>("adaptive")? != 0;
        let (outcome, competencies, areas) = read_score(exam, &score, adaptive)?;
        counted.push(Counted {
            user_id,
            day,
            version,
            mode: exam.delivery.mode,
            number,
            language: row.try_get("language")?,
            county: row.try_get("county")?,
            simulated: row.try_get::<i64, _>("simulated")? != 0,
            outcome,
            competencies,
            areas,
        });
    }
    Ok(counted)
}

type Bands = Vec<(String, Band)>;

fn band(text: &str) -> Option<Band> {
    match text {
        "below" => Some(Band::Below),
        "near" => Some(Band::Near),
        "above" => Some(Band::Above),
        _ => None,
    }
}

/// The outcome and the bands of a stored score.
fn read_score(
    exam: &ExamDefinition,
    stored: &str,
    adaptive: bool,
) -> Result<(Outcome, Bands, Bands), AppError> {
    let unreadable = |e: serde_json::Error| AppError::Internal(format!("stored score: {e}"));
    if adaptive {
        let s: ScaledScore = serde_json::from_str(stored).map_err(unreadable)?;
        let competencies = s
            .competencies
            .iter()
            .filter_map(|c| Some((c.competency.clone(), band(&c.band)?)))
            .collect();
        let areas = s
            .areas
            .iter()
            .filter_map(|a| Some((a.area.clone(), band(&a.band)?)))
            .collect();
        let outcome = Outcome {
            passed: s.passed,
            percent: None,
            scaled: Some(s.scaled),
        };
        return Ok((outcome, competencies, areas));
    }
    let s: RawScore = serde_json::from_str(stored).map_err(unreadable)?;
    let competencies = s
        .competencies
        .iter()
        .filter_map(|c| {
            Some((
                c.competency.clone(),
                raw_band(c.correct, c.total, s.cut_percent)?,
            ))
        })
        .collect();
    // An area's band comes from all its items together.
    let areas = exam
        .content_areas
        .iter()
        .filter_map(|area| {
            let (k, n) = s
                .competencies
                .iter()
                .filter(|c| area.competencies.iter().any(|x| x.id == c.competency))
                .fold((0, 0), |(k, n), c| (k + c.correct, n + c.total));
            Some((area.id.clone(), raw_band(k, n, s.cut_percent)?))
        })
        .collect();
    let outcome = Outcome {
        passed: s.passed,
        percent: Some(s.percent),
        scaled: None,
    };
    Ok((outcome, competencies, areas))
}

/// Each candidate's latest counted attempt: the one started last (attempts are numbered in
/// the order they started).
fn latest_per_candidate(counted: &[Counted]) -> Vec<&Counted> {
    let mut latest: BTreeMap<i64, &Counted> = BTreeMap::new();
    for c in counted {
        if latest.get(&c.user_id).is_none_or(|k| c.number > k.number) {
            latest.insert(c.user_id, c);
        }
    }
    latest.into_values().collect()
}

fn band_row<'a>(
    id: &str,
    name: &str,
    area: &str,
    bands: impl Iterator<Item = &'a Bands>,
    min: usize,
) -> BandRow {
    let mut shares = BandShares::default();
    for list in bands {
        if let Some((_, b)) = list.iter().find(|(k, _)| k == id) {
            shares.add(*b);
        }
    }
    BandRow {
        id: id.to_string(),
        name: name.to_string(),
        area: area.to_string(),
        counts: (shares.total() >= min).then(|| BandCounts {
            below: count(shares.below),
            near: count(shares.near),
            above: count(shares.above),
        }),
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn mode_name(mode: DeliveryMode) -> &'static str {
    match mode {
        DeliveryMode::Fixed => "fixed form",
        DeliveryMode::Loft => "LOFT (a form per attempt)",
        DeliveryMode::Cat => "adaptive",
    }
}

fn attempt_name(number: u32) -> &'static str {
    match number {
        1 => "First attempt",
        2 => "Second attempt (first retake)",
        _ => "Third or later attempt (retake)",
    }
}

const REGIONS: [Region; 5] = [
    Region::BayArea,
    Region::Central,
    Region::LosAngeles,
    Region::Southern,
    Region::Superior,
];

const NOT_RECORDED: &str = "Not recorded";

/// Groups `counted` by `key` (sort key, label) and makes one table of them.
fn table<K: Ord>(
    counted: &[Counted],
    min: usize,
    (id, title, group): (&str, &str, &str),
    key: impl Fn(&Counted) -> (K, String),
) -> GroupTable {
    let mut groups: BTreeMap<K, (String, Vec<Outcome>)> = BTreeMap::new();
    for c in counted {
        let (k, label) = key(c);
        groups
            .entry(k)
            .or_insert_with(|| (label, Vec::new()))
            .1
            .push(c.outcome);
    }
    let rows = group_figures(groups.into_values().collect(), min)
        .into_iter()
        .map(|g| GroupRow {
            label: g.key,
            figures: g.shown.as_ref().map(to_dto),
        })
        .collect();
    GroupTable {
        id: id.to_string(),
        title: title.to_string(),
        group: group.to_string(),
        rows,
    }
}

fn tables(counted: &[Counted], min: usize) -> Vec<GroupTable> {
    vec![
        table(
            counted,
            min,
            ("month", "By month submitted", "Month"),
            |c| {
                let m = u8::from(c.day.month());
                (
                    (c.day.year(), m),
                    format!("{} {}", MONTHS[usize::from(m) - 1], c.day.year()),
                )
            },
        ),
        table(
            counted,
            min,
            (
                "form",
                "By exam version and delivery mode",
                "Version and mode",
            ),
            |c| {
                (
                    c.version,
                    format!("Version {} · {}", c.version, mode_name(c.mode)),
                )
            },
        ),
        table(
            counted,
            min,
            (
                "attempt",
                "By attempt number: first try and retakes",
                "Attempt",
            ),
            |c| {
                let n = c.number.min(3);
                (n, attempt_name(n).to_string())
            },
        ),
        table(
            counted,
            min,
            ("language", "By the language of the questions", "Language"),
            |c| {
                let name = match c.language.as_str() {
                    "es" => "Spanish",
                    "en" => "English",
                    other => other,
                };
                (c.language.clone(), name.to_string())
            },
        ),
        table(counted, min, ("region", "By region", "Region"), |c| match c
            .county
            .as_deref()
            .and_then(region_of)
        {
            Some(r) => (
                REGIONS
                    .iter()
                    .position(|x| *x == r)
                    .unwrap_or(REGIONS.len()),
                r.name().to_string(),
            ),
            None => (REGIONS.len(), NOT_RECORDED.to_string()),
        }),
        table(counted, min, ("county", "By county", "County"), |c| {
            match &c.county {
                // Counties sort by name; "Not recorded" last.
                Some(name) => ((0, name.clone()), name.clone()),
                None => ((1, String::new()), NOT_RECORDED.to_string()),
            }
        }),
    ]
}

/// The tables a CSV download may ask for: every group table, and the band tables.
pub fn csv_tables(stats: &ProgramStats) -> Vec<&str> {
    stats
        .tables
        .iter()
        .map(|t| t.id.as_str())
        .chain(["competencies", "areas"])
        .collect()
}

/// One table of the page as CSV: the same figures, suppressed rows marked and left empty.
pub fn csv(stats: &ProgramStats, table: &str) -> Result<String, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| AppError::Internal(format!("writing CSV: {e}"));
    let num = |v: Option<f64>| v.map(|x| format!("{x:.2}")).unwrap_or_default();
    if let Some(t) = stats.tables.iter().find(|t| t.id == table) {
        w.write_record([
            "group",
            "attempts",
            "passed",
            "pass_rate_percent",
            "mean_percent_correct",
            "mean_scaled_score",
            "suppressed",
        ])
        .map_err(io)?;
        for row in &t.rows {
            let record = match &row.figures {
                Some(f) => [
                    row.label.clone(),
                    f.attempts.to_string(),
                    f.passed.to_string(),
                    format!("{:.2}", f.pass_rate),
                    num(f.mean_percent),
                    num(f.mean_scaled),
                    "no".into(),
                ],
                None => [
                    row.label.clone(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    "yes".into(),
                ],
            };
            w.write_record(&record).map_err(io)?;
        }
    } else if table == "competencies" || table == "areas" {
        let rows = if table == "areas" {
            &stats.areas
        } else {
            &stats.competencies
        };
        w.write_record([
            "id",
            "name",
            "content_area",
            "candidates",
            "below",
            "near",
            "above",
            "below_percent",
            "near_percent",
            "above_percent",
            "suppressed",
        ])
        .map_err(io)?;
        for row in rows {
            let mut record = vec![row.id.clone(), row.name.clone(), row.area.clone()];
            match row.counts {
                Some(c) => {
                    let (b, n, a) = c.percents();
                    record.extend([
                        c.total().to_string(),
                        c.below.to_string(),
                        c.near.to_string(),
                        c.above.to_string(),
                        format!("{b:.2}"),
                        format!("{n:.2}"),
                        format!("{a:.2}"),
                        "no".into(),
                    ]);
                }
                None => {
                    record.extend(std::iter::repeat_n(String::new(), 7));
                    record.push("yes".into());
                }
            }
            w.write_record(&record).map_err(io)?;
        }
    } else {
        return Err(AppError::NotFound(format!(
            "there is no table {table:?}: use one of {}",
            csv_tables(stats).join(", ")
        )));
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(format!("CSV is not UTF-8: {e}")))
}

/// The filters of a CSV download: the page's own.
#[derive(Debug, serde::Deserialize)]
pub struct CsvQuery {
    #[serde(default)]
    pub exam: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// `GET /staff/statistics/csv/{table}?exam=&from=&to=`: one table of the statistics page.
pub async fn csv_download(
    axum::extract::State(state): axum::extract::State<super::startup::AppState>,
    session: tower_sessions::Session,
    axum::extract::Path(table): axum::extract::Path<String>,
    axum::extract::Query(q): axum::extract::Query<CsvQuery>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let user = super::auth::require_user(&session, &state).await?;
    super::users::require_staff(&user, "download program statistics")?;
    let period = parse_period(&q.from, &q.to)?;
    let stats = program_stats(&state.db, &q.exam, period).await?;
    let body = csv(&stats, &table)?;
    // The file name from ids only (letters, digits and dashes), never raw input.
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect()
    };
    let disposition = format!(
        "attachment; filename=\"{}-{}.csv\"",
        safe(&stats.exam_id),
        safe(&table)
    );
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_string(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_names_a_bad_date_and_refuses_an_inverted_one() {
        assert_eq!(parse_period("", "").unwrap(), Period::default());
        let p = parse_period("2026-01-01", "2026-06-30").unwrap();
        assert_eq!(p.from.unwrap().to_string(), "2026-01-01");
        let e = parse_period("2026-13-01", "").unwrap_err().to_string();
        assert!(e.contains("from \"2026-13-01\" is not a date"), "{e}");
        let e = parse_period("2026-06-01", "2026-05-01")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("starts (2026-06-01) after it ends (2026-05-01)"),
            "{e}"
        );
    }
}
