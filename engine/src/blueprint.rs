//! The exam blueprint: how many items each competency contributes to a form.
//!
//! A blueprint is data (DESIGN.md: "every blueprint is data, never code"); this type is the
//! engine's view of it, validated once at construction so assembly cannot meet a bad one.

use serde::{Deserialize, Serialize};

/// One competency's share of a linear form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompetencyTarget {
    pub competency: String,
    pub items: u32,
}

/// A validated blueprint for a linear form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blueprint {
    targets: Vec<CompetencyTarget>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BlueprintError {
    #[error("blueprint has no competencies")]
    Empty,
    #[error("blueprint names competency {0} twice")]
    DuplicateCompetency(String),
    #[error("blueprint competency {0} asks for 0 items")]
    ZeroItems(String),
}

impl Blueprint {
    pub fn new(targets: Vec<CompetencyTarget>) -> Result<Self, BlueprintError> {
        if targets.is_empty() {
            return Err(BlueprintError::Empty);
        }
        let mut seen = std::collections::HashSet::new();
        for t in &targets {
            if !seen.insert(t.competency.as_str()) {
                return Err(BlueprintError::DuplicateCompetency(t.competency.clone()));
            }
            if t.items == 0 {
                return Err(BlueprintError::ZeroItems(t.competency.clone()));
            }
        }
        Ok(Self { targets })
    }

    pub fn targets(&self) -> &[CompetencyTarget] {
        &self.targets
    }

    /// The number of items on a form built from this blueprint.
    pub fn form_length(&self) -> u32 {
        self.targets.iter().map(|t| t.items).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(c: &str, n: u32) -> CompetencyTarget {
        CompetencyTarget {
            competency: c.into(),
            items: n,
        }
    }

    #[test]
    fn a_blueprint_sums_its_targets() {
        let b = Blueprint::new(vec![t("C01", 7), t("C02", 8)]).expect("valid");
        assert_eq!(b.form_length(), 15);
    }

    #[test]
    fn a_duplicate_competency_is_refused() {
        assert_eq!(
            Blueprint::new(vec![t("C01", 7), t("C01", 8)]),
            Err(BlueprintError::DuplicateCompetency("C01".into()))
        );
    }

    #[test]
    fn empty_and_zero_targets_are_refused() {
        assert_eq!(Blueprint::new(vec![]), Err(BlueprintError::Empty));
        assert_eq!(
            Blueprint::new(vec![t("C03", 0)]),
            Err(BlueprintError::ZeroItems("C03".into()))
        );
    }
}
