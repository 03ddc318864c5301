//! The analysis report: what `pactum analyze --json` prints.
//!
//! Rules: field names are the stable `--json` schema (renaming one breaks
//! readers); packages name issues and values, never indices. A
//! [`NamedOutcome`] is an outcome of the analysed scenario, one value per
//! issue (the analysis builds it, so it cannot be of another shape); its
//! issues are shared by every package of one report, so a report of many
//! packages names each issue once in memory, and it is written exactly as the
//! [`Package`] of the same outcome.

use std::sync::Arc;

use indexmap::IndexMap;
use serde::Serialize;

use crate::model::{Issue, IssueKind, Role, Value};
use crate::solutions::Concept;

/// An outcome as issue name → value.
pub type Package = IndexMap<String, Value>;

/// An outcome of the analysed scenario with its issues' names and values:
/// serialised as issue name → value, like its [`Package`]
/// ([`NamedOutcome::to_package`]).
#[derive(Clone)]
pub struct NamedOutcome {
    /// The scenario's issues, shared by every package of a report.
    issues: Arc<[Issue]>,
    /// One value index per issue, each below its issue's cardinality.
    outcome: Box<[u32]>,
}

impl NamedOutcome {
    /// `outcome` of the scenario whose issues are `issues`: one index per
    /// issue, each below the issue's cardinality (as the analysis finds
    /// them).
    pub(crate) fn new(issues: Arc<[Issue]>, outcome: Box<[u32]>) -> Self {
        debug_assert_eq!(issues.len(), outcome.len());
        debug_assert!(
            issues
                .iter()
                .zip(&outcome)
                .all(|(i, &k)| u64::from(k) < i.cardinality())
        );
        NamedOutcome { issues, outcome }
    }

    /// The value index of each issue, in the scenario's issue order.
    pub fn outcome(&self) -> &[u32] {
        &self.outcome
    }

    /// Each issue's name with its value, in the scenario's issue order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, Value)> + '_ {
        self.issues
            .iter()
            .zip(&self.outcome)
            .map(|(issue, &k)| (issue.name.as_str(), issue.value(k)))
    }

    /// The value of the issue named `issue`, if the scenario has one.
    pub fn get(&self, issue: &str) -> Option<Value> {
        self.iter().find(|(name, _)| *name == issue).map(|(_, v)| v)
    }

    /// The same outcome as a map of issue name → value.
    pub fn to_package(&self) -> Package {
        self.iter().map(|(k, v)| (k.to_string(), v)).collect()
    }
}

impl PartialEq for NamedOutcome {
    /// Equal when they name the same issues and values in the same order.
    fn eq(&self, other: &Self) -> bool {
        self.outcome.len() == other.outcome.len() && self.iter().eq(other.iter())
    }
}

impl std::fmt::Debug for NamedOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Every value of one issue of the analysed scenario, in order: serialised
/// as the list of its [`Value`]s.
#[derive(Clone)]
pub struct IssueValues {
    /// The scenario's issues, shared by every part of a report.
    issues: Arc<[Issue]>,
    /// The issue's index among them.
    issue: usize,
}

impl IssueValues {
    /// The values of issue `issue` of `issues` (which must be one of them).
    pub(crate) fn new(issues: Arc<[Issue]>, issue: usize) -> Self {
        debug_assert!(issue < issues.len());
        IssueValues { issues, issue }
    }

    /// Each value, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Value> + '_ {
        let issue = &self.issues[self.issue];
        (0..issue.cardinality() as u32).map(|k| issue.value(k))
    }
}

impl std::fmt::Debug for IssueValues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for IssueValues {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let issue = &self.issues[self.issue];
        s.collect_seq((0..issue.cardinality() as u32).map(|k| ValueOf(issue, k)))
    }
}

/// Value `k` of an issue, written as its [`Value`] (untagged) writes itself,
/// without building it: a discrete option as the borrowed text.
struct ValueOf<'a>(&'a Issue, u32);

impl Serialize for ValueOf<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ValueOf(issue, k) = *self;
        match &issue.kind {
            IssueKind::Discrete { options } => s.serialize_str(&options[k as usize]),
            IssueKind::Integer { .. } | IssueKind::Real { .. } => issue.value(k).serialize(s),
        }
    }
}

impl Serialize for NamedOutcome {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(
            self.issues
                .iter()
                .zip(&self.outcome)
                .map(|(issue, &k)| (&issue.name, ValueOf(issue, k))),
        )
    }
}

#[derive(Debug, Clone, Serialize)]
/// Everything an exact analysis finds about a scenario.
pub struct Analysis {
    /// The scenario's name.
    pub scenario: String,
    /// Each issue, in the scenario's order.
    pub issues: Vec<IssueReport>,
    /// Each party, in the scenario's order.
    pub parties: Vec<PartyReport>,
    /// Names of the negotiators: the order of every `utilities` list.
    pub negotiators: Vec<String>,
    /// How many outcomes (packages) there are.
    pub outcome_count: u128,
    /// The zone of possible agreement.
    pub zopa: Zopa,
    /// The Pareto frontier of the rational outcomes.
    pub frontier: Vec<FrontierEntry>,
    /// Outcomes on the frontier, counting ties.
    pub frontier_outcome_count: u128,
    /// The fair packages (Nash, Kalai–Smorodinsky, egalitarian, utilitarian).
    pub solutions: Solutions,
    /// `additive`, `enumeration` or `hyper-rectangle search`.
    pub method: &'static str,
    /// How the hyper-rectangle search ended (only for that method): proven
    /// exact, or stopped with the gap left. Its frontier points carry one
    /// outcome each; their `outcome_count` is exact where `ties_counted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frontier_search: Option<crate::frontier::SearchReport>,
    /// What the analysis had to tell (approximations, empty zones…).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
/// One issue as the analysis reports it.
pub struct IssueReport {
    /// The issue's name.
    pub name: String,
    #[serde(rename = "type")]
    /// "discrete", "integer" or "real".
    pub kind: &'static str,
    /// How many values it has.
    pub cardinality: u64,
    /// Every value, when there are at most 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<IssueValues>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The lower bound of a numeric issue.
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The upper bound of a numeric issue.
    pub max: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
/// One party as the analysis reports it.
pub struct PartyReport {
    /// The party's name.
    pub name: String,
    /// Its role.
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Who it stands for, if given.
    pub representative: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its reservation value (no deal), if it has preferences.
    pub reservation_value: Option<f64>,
    /// Utility at the disagreement point used by the solutions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disagreement: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its lowest utility over all outcomes.
    pub min_utility: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its highest utility over all outcomes.
    pub max_utility: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its discount factor per round, if any.
    pub discount_factor: Option<f64>,
    /// Issue name → weight, in issue order and as written in the scenario,
    /// for a party with linear-additive preferences (none for hyper-rectangle
    /// utilities, which have no weights, or a party without preferences).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights: Option<IndexMap<String, f64>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// Its red lines, as text.
    pub red_lines: Vec<String>,
}

/// The zone of possible agreement.
#[derive(Debug, Clone, Serialize)]
pub struct Zopa {
    /// Outcomes every negotiator weakly prefers to no deal and none of
    /// their red lines forbids.
    pub count: u128,
    /// `count` as a share of all outcomes.
    pub fraction: f64,
    /// False when `count` is a sampling estimate (see `note`).
    pub exact: bool,
    /// True when no outcome is in the zone.
    pub empty: bool,
    /// Why the zone is empty (or how it was estimated).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
/// One point of the Pareto frontier.
pub struct FrontierEntry {
    /// The first outcome (in enumeration order) reaching these utilities.
    pub outcome: NamedOutcome,
    /// Each negotiator's utility there, in the scenario's negotiator order.
    pub utilities: Vec<f64>,
    /// Outcomes with exactly these utilities.
    pub outcome_count: u128,
    /// The first few of them when there are several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tied_outcomes: Vec<NamedOutcome>,
}

#[derive(Debug, Clone, Serialize)]
/// The fair packages, one per solution concept.
pub struct Solutions {
    /// The Nash bargaining solution (largest product of gains).
    pub nash: Option<Solution>,
    /// The Kalai–Smorodinsky solution (gains proportional to the best possible).
    pub kalai_smorodinsky: Option<Solution>,
    /// The egalitarian solution (largest smallest gain).
    pub egalitarian: Option<Solution>,
    /// The utilitarian solution (largest sum of utilities).
    pub utilitarian: Option<Solution>,
}

impl Solutions {
    /// The solution of concept `c`.
    pub fn get(&self, c: Concept) -> Option<&Solution> {
        match c {
            Concept::Nash => self.nash.as_ref(),
            Concept::KalaiSmorodinsky => self.kalai_smorodinsky.as_ref(),
            Concept::Egalitarian => self.egalitarian.as_ref(),
            Concept::Utilitarian => self.utilitarian.as_ref(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
/// A fair package.
pub struct Solution {
    /// The package.
    pub outcome: NamedOutcome,
    /// Each negotiator's utility for it.
    pub utilities: Vec<f64>,
    /// Index into `frontier`.
    pub frontier_index: usize,
    /// The maximised quantity (for Kalai–Smorodinsky, minus the spread).
    pub objective: f64,
    /// Other frontier points within 1e-12 of the optimum.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ties: Vec<Tie>,
}

#[derive(Debug, Clone, Serialize)]
/// A package tied with a solution (same utilities for everyone).
pub struct Tie {
    /// The package.
    pub outcome: NamedOutcome,
    /// Each negotiator's utility for it.
    pub utilities: Vec<f64>,
    /// The frontier point it lies on.
    pub frontier_index: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issues() -> Arc<[Issue]> {
        let issue = |name: &str, kind| Issue {
            name: name.into(),
            kind,
            notes: None,
        };
        vec![
            issue(
                "colour",
                IssueKind::Discrete {
                    options: vec!["red".into(), "blue".into()],
                },
            ),
            issue("days", IssueKind::Integer { min: -3, max: 4 }),
            issue(
                "price",
                IssueKind::Real {
                    min: 0.5,
                    max: 2.0,
                    levels: 4,
                },
            ),
        ]
        .into()
    }

    /// A named outcome is written, compared and shown as the package of the
    /// same outcome, and gives back its indices.
    #[test]
    fn a_named_outcome_is_its_package() {
        let issues = issues();
        for outcome in [[0, 0, 0], [1, 7, 3], [1, 3, 1]] {
            let named = NamedOutcome::new(issues.clone(), outcome.into());
            let package: Package = issues
                .iter()
                .zip(outcome)
                .map(|(i, k)| (i.name.clone(), i.value(k)))
                .collect();
            assert_eq!(named.to_package(), package);
            assert_eq!(
                serde_json::to_string(&named).unwrap(),
                serde_json::to_string(&package).unwrap()
            );
            assert_eq!(format!("{named:?}"), format!("{package:?}"));
            assert_eq!(named.outcome(), &outcome);
            assert_eq!(named.get("days"), package.get("days").cloned());
            assert_eq!(named.get("weeks"), None);
            assert_eq!(named.iter().len(), 3);
        }
        let text = serde_json::to_value(NamedOutcome::new(issues, [1, 7, 3].into())).unwrap();
        assert_eq!(
            text,
            serde_json::json!({"colour": "blue", "days": 4, "price": 2.0})
        );
    }

    /// An issue's values are written and shown as the list of its values.
    #[test]
    fn issue_values_are_the_list_of_values() {
        let issues = issues();
        for (i, issue) in issues.iter().enumerate() {
            let values = IssueValues::new(issues.clone(), i);
            let list: Vec<Value> = (0..issue.cardinality() as u32)
                .map(|k| issue.value(k))
                .collect();
            assert_eq!(values.iter().collect::<Vec<_>>(), list);
            assert_eq!(
                serde_json::to_string(&values).unwrap(),
                serde_json::to_string(&list).unwrap()
            );
            assert_eq!(format!("{values:?}"), format!("{list:?}"));
        }
        let days = serde_json::to_value(IssueValues::new(issues, 1)).unwrap();
        assert_eq!(days, serde_json::json!([-3, -2, -1, 0, 1, 2, 3, 4]));
    }

    /// Equal when the issues and values are, however the issues are held.
    #[test]
    fn named_outcomes_are_equal_by_names_and_values() {
        let (a, b) = (issues(), issues());
        let x = NamedOutcome::new(a.clone(), [1, 2, 3].into());
        assert_eq!(x, NamedOutcome::new(b.clone(), [1, 2, 3].into()));
        assert_ne!(x, NamedOutcome::new(b, [1, 2, 2].into()));
        let mut renamed = a.to_vec();
        renamed[0].name = "color".into();
        assert_ne!(x, NamedOutcome::new(renamed.into(), [1, 2, 3].into()));
    }
}
