//! The analysis report: what `pactum analyze --json` prints.
//!
//! Rule: field names are the stable `--json` schema (renaming one breaks
//! readers); packages name issues and values, never indices.

use indexmap::IndexMap;
use serde::Serialize;

use crate::model::{Role, Value};
use crate::solutions::Concept;

/// An outcome as issue name → value.
pub type Package = IndexMap<String, Value>;

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
    pub values: Option<Vec<Value>>,
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
    pub outcome: Package,
    /// Each negotiator's utility there, in the scenario's negotiator order.
    pub utilities: Vec<f64>,
    /// Outcomes with exactly these utilities.
    pub outcome_count: u128,
    /// The first few of them when there are several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tied_outcomes: Vec<Package>,
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
    pub outcome: Package,
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
    pub outcome: Package,
    /// Each negotiator's utility for it.
    pub utilities: Vec<f64>,
    /// The frontier point it lies on.
    pub frontier_index: usize,
}
