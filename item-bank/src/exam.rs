//! The exam definition, as data: content areas, competencies and their blueprint counts,
//! timing, the scheduled break and the cut.

use serde::{Deserialize, Serialize};

use certamen_engine::blueprint::{Blueprint, BlueprintError, CompetencyTarget};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Competency {
    pub id: String,
    pub name: String,
    /// Items this competency contributes to each form.
    pub items: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentArea {
    pub id: String,
    pub name: String,
    pub competencies: Vec<Competency>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledBreak {
    /// The break is offered once the candidate moves past this item position.
    pub after_item: u32,
    pub minutes: u32,
}

/// The practice exam's timing. Its form is every approved practice item; the break comes
/// after half of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Practice {
    pub time_limit_minutes: u32,
    pub break_minutes: u32,
}

/// How forms reach candidates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryMode {
    /// Linear-on-the-fly: each attempt its own form meeting the blueprint, seeded per attempt;
    /// a retake takes the items the candidate has not seen first.
    #[default]
    Loft,
    /// One form for everyone, assembled from `form_seed` (items, order and option order).
    Fixed,
    /// Computerised adaptive: each next item chosen at the candidate's current estimate, with
    /// the blueprint's proportions kept and the stopping rule in `[delivery.cat]`. Forward
    /// only: an answer is final once the candidate moves on.
    Cat,
}

/// The reported scale for adaptive delivery: `round(clamp(slope·θ + intercept, min, max))`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleSettings {
    pub slope: f64,
    pub intercept: f64,
    pub min: f64,
    pub max: f64,
}

/// The adaptive design (`mode = "cat"`). Each competency's share of the test is its share of
/// `form_length` in the blueprint; on a test of `min_length` to `max_length` items it gets
/// at least `floor(share·min_length)` and at most `ceil(share·max_length)` items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatSettings {
    pub min_length: u32,
    pub max_length: u32,
    /// `fixed`, `se:0.3`, `sprt[:DELTA]` or `ci[:Z]`.
    pub stop: String,
    /// The passing standard on θ.
    pub cut_theta: f64,
    /// `max-info` or `randomesque:K` (K > 1 spreads exposure across the K best items).
    pub selection: String,
    /// `sympson-hetter:R`: no item given to more than the share R of candidates (the
    /// parameters are tuned by simulation for each item pool). Absent: no exposure control
    /// beyond `selection`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure: Option<String>,
    pub scale: ScaleSettings,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    #[serde(default)]
    pub mode: DeliveryMode,
    /// The seed of the one fixed form (`mode = "fixed"` only).
    #[serde(default)]
    pub form_seed: Option<u64>,
    /// The adaptive design (`mode = "cat"` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cat: Option<CatSettings>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExamDefinition {
    pub id: String,
    pub title: String,
    /// Bumped whenever the definition changes; attempts record the version they used.
    pub version: u32,
    pub form_length: u32,
    pub time_limit_minutes: u32,
    /// Percent correct needed to pass (number-correct scoring).
    pub pass_percent: u32,
    pub max_attempts: u32,
    /// When set, `max_attempts` counts only the attempts started in this many days before a
    /// new one (the program's "3 attempts within 12 months"); absent, every attempt counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_window_days: Option<u32>,
    pub scheduled_break: ScheduledBreak,
    /// Absent in definitions written before delivery modes: LOFT.
    #[serde(default)]
    pub delivery: Delivery,
    /// The practice exam: every approved item of the bank's `practice/` folder, delivered like
    /// the real exam but never counted. Absent: no practice exam is offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice: Option<Practice>,
    pub instructions: Vec<String>,
    /// When results reach candidates. Absent: at once.
    #[serde(default)]
    pub results: ResultsPolicy,
    /// The candidate-facing words in Spanish, for candidates whose pages are in Spanish.
    /// Absent (or a part missing): the English is shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spanish: Option<SpanishText>,
    pub content_areas: Vec<ContentArea>,
}

/// When a submitted attempt's result reaches the candidate (and a pass certifies them), and
/// how staff statistics protect small groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultsPolicy {
    #[serde(default)]
    pub release: Release,
    /// Staff statistics show no figures for a group of fewer attempts (or candidates) than
    /// this, so nobody can be picked out of a table. At least 5; absent: 10.
    #[serde(
        default = "default_min_group_size",
        skip_serializing_if = "is_default_min_group_size"
    )]
    pub min_group_size: u32,
}

pub const DEFAULT_MIN_GROUP_SIZE: u32 = 10;

fn default_min_group_size() -> u32 {
    DEFAULT_MIN_GROUP_SIZE
}

fn is_default_min_group_size(n: &u32) -> bool {
    *n == DEFAULT_MIN_GROUP_SIZE
}

impl Default for ResultsPolicy {
    fn default() -> Self {
        ResultsPolicy {
            release: Release::default(),
            min_group_size: DEFAULT_MIN_GROUP_SIZE,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Release {
    /// The report is shown as soon as the attempt is submitted.
    #[default]
    Immediate,
    /// Program staff release each result from the results list first.
    AfterReview,
}

/// The exam's own words in Spanish: its title, instructions, and the names of its content
/// areas and competencies by id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpanishText {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instructions: Vec<String>,
    /// Content area or competency id → its name in Spanish.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub names: std::collections::BTreeMap<String, String>,
}

impl ExamDefinition {
    /// The title in a language ("en" or "es"); English where no Spanish is given.
    pub fn title_in(&self, language: &str) -> &str {
        self.spanish_part(language, |s| s.title.as_deref())
            .unwrap_or(&self.title)
    }

    /// The instructions in a language; English where no Spanish is given.
    pub fn instructions_in(&self, language: &str) -> &[String] {
        self.spanish_part(language, |s| {
            (!s.instructions.is_empty()).then_some(s.instructions.as_slice())
        })
        .unwrap_or(&self.instructions)
    }

    /// A content area's or competency's name in a language, given its English name.
    pub fn name_in<'a>(&'a self, language: &str, id: &str, english: &'a str) -> &'a str {
        self.spanish_part(language, |s| s.names.get(id).map(String::as_str))
            .unwrap_or(english)
    }

    fn spanish_part<'a, T: ?Sized>(
        &'a self,
        language: &str,
        part: impl FnOnce(&'a SpanishText) -> Option<&'a T>,
    ) -> Option<&'a T> {
        if language != "es" {
            return None;
        }
        self.spanish.as_ref().and_then(part)
    }

    pub fn competencies(&self) -> impl Iterator<Item = (&ContentArea, &Competency)> {
        self.content_areas
            .iter()
            .flat_map(|a| a.competencies.iter().map(move |c| (a, c)))
    }

    pub fn competency(&self, id: &str) -> Option<&Competency> {
        self.competencies().map(|(_, c)| c).find(|c| c.id == id)
    }

    /// The engine's blueprint for this exam, in content-area order.
    pub fn blueprint(&self) -> Result<Blueprint, BlueprintError> {
        Blueprint::new(
            self.competencies()
                .map(|(_, c)| CompetencyTarget {
                    competency: c.id.clone(),
                    items: c.items,
                })
                .collect(),
        )
    }
}

/// A competency's item limits on an adaptive test, from its blueprint share.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompetencyLimit {
    pub min: u32,
    pub max: u32,
    pub share: f64,
}

impl ExamDefinition {
    /// The adaptive content limits, in blueprint order (see [`CatSettings`]).
    pub fn cat_limits(&self, cat: &CatSettings) -> Vec<(String, CompetencyLimit)> {
        let total = f64::from(self.form_length.max(1));
        self.competencies()
            .map(|(_, c)| {
                let share = f64::from(c.items) / total;
                // The small tolerance keeps 7/120·120 from landing a hair under 7.
                let min = (share * f64::from(cat.min_length) + 1e-9).floor() as u32;
                let max = (share * f64::from(cat.max_length) - 1e-9).ceil() as u32;
                (c.id.clone(), CompetencyLimit { min, max, share })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cat_limits_follow_the_blueprint_proportions() {
        let mut exam: ExamDefinition = toml::from_str(
            &std::fs::read_to_string(crate::sample_bank_dir().join("exam.toml")).unwrap(),
        )
        .unwrap();
        let cat = CatSettings {
            min_length: 60,
            max_length: 120,
            stop: "sprt".into(),
            cut_theta: 0.0,
            selection: "max-info".into(),
            exposure: None,
            scale: ScaleSettings {
                slope: 50.0,
                intercept: 500.0,
                min: 200.0,
                max: 800.0,
            },
        };
        exam.delivery.cat = Some(cat.clone());
        let limits = exam.cat_limits(&cat);
        assert_eq!(limits.len(), 17);
        // 7 of 120 items: at least 3 of a 60-item test, at most 7 of a 120-item one.
        let c01 = limits.iter().find(|(id, _)| id == "C01").unwrap().1;
        assert_eq!((c01.min, c01.max), (3, 7));
        // 8 of 120: exactly 4 and 8.
        let c13 = limits.iter().find(|(id, _)| id == "C13").unwrap().1;
        assert_eq!((c13.min, c13.max), (4, 8));
        let min_total: u32 = limits.iter().map(|(_, l)| l.min).sum();
        assert!(min_total <= 60);
        let share_total: f64 = limits.iter().map(|(_, l)| l.share).sum();
        assert!((share_total - 1.0).abs() < 1e-12);
    }
}
