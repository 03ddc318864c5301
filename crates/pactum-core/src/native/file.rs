//! The serde mirror of the native format: field names and shapes exactly
//! as `docs/scenario-format.md` documents them.
//!
//! Rules: unknown fields are refused (a typo is an error, not a silently
//! ignored line); optional fields left at their defaults are not written.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::model::*;

/// The on-disk form of a scenario.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// The scenario's name.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// A description for people.
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Free text: sources, assumptions, caveats.
    pub notes: Option<String>,
    #[serde(default)]
    /// The issues, in order.
    pub issues: Vec<IssueFile>,
    #[serde(default)]
    /// The parties, in order.
    pub parties: Vec<PartyFile>,
    /// Inputs of the forecasting models (actors, capabilities, positions on
    /// 0–100 continua). Read and checked by the forecasting crate, not by
    /// this model; kept through conversions between TOML and JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forecast: Option<ForecastFile>,
}

/// The `forecast` section, as written in the file. Only its shape (field
/// names and types) is checked here; `pactum_forecast::scenario` checks its
/// meaning (known actors, values on the 0–100 scale) and builds the cases.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForecastFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Free text about the estimates.
    pub notes: Option<String>,
    /// Default Monte Carlo spreads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<ForecastUncertaintyFile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// The forecast's actors.
    pub actors: Vec<ForecastActorFile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// The forecast's issues.
    pub issues: Vec<ForecastIssueFile>,
}

/// `forecast.uncertainty`: capability as a fraction, position and salience
/// in points.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForecastUncertaintyFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Relative uncertainty of capabilities.
    pub capability: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Uncertainty of positions, in points of the 0–100 scale.
    pub position: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Uncertainty of saliences, in points of the 0–100 scale.
    pub salience: Option<f64>,
}

/// One entry of `forecast.actors`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForecastActorFile {
    /// The actor's name.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its capability.
    pub capability: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The range its capability may take (Monte Carlo).
    pub capability_range: Option<(f64, f64)>,
    /// Not a party of the negotiation model.
    #[serde(default, skip_serializing_if = "is_false")]
    pub extra: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Free text about the actor.
    pub notes: Option<String>,
}

/// One entry of `forecast.issues`: a 0–100 continuum.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForecastIssueFile {
    /// The issue's name.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The status quo on the 0–100 scale.
    pub status_quo: Option<f64>,
    /// Point of the scale (written as a key, e.g. `"50"`) → what it means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchors: Option<IndexMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Free text about the issue.
    pub notes: Option<String>,
    /// Actor name → its position and salience on this issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actors: Option<IndexMap<String, ForecastPositionFile>>,
}

/// An actor's entry in `forecast.issues[].actors`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForecastPositionFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The actor's position on the 0–100 scale.
    pub position: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// How much the issue matters to the actor (0–100).
    pub salience: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its capability on this issue, if not its general one.
    pub capability: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The range its position may take (Monte Carlo).
    pub position_range: Option<(f64, f64)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The range its salience may take (Monte Carlo).
    pub salience_range: Option<(f64, f64)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The range its capability may take (Monte Carlo).
    pub capability_range: Option<(f64, f64)>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// An issue as written in the file.
pub struct IssueFile {
    /// The issue's name.
    pub name: String,
    /// `discrete` (the default when `options` is given), `integer` or `real`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The options of a discrete issue.
    pub options: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The lower bound of a numeric issue.
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The upper bound of a numeric issue.
    pub max: Option<f64>,
    /// Grid points used to enumerate a real issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Free text about the issue.
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A party as written in the file.
pub struct PartyFile {
    /// The party's name.
    pub name: String,
    #[serde(default = "default_role")]
    /// Its role (negotiator by default).
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Who it stands for.
    pub representative: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Free text about the party.
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its reservation value (no deal).
    pub reservation: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its discount factor per round.
    pub discount_factor: Option<f64>,
    /// Issue name → weight. Present exactly when the party has preferences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<IndexMap<String, f64>>,
    /// Issue name → value function.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub values: IndexMap<String, ValueFile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Its red lines.
    pub red_lines: Vec<RedLineFile>,
    /// Nonlinear utility (hyper-rectangles) instead of weights and values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hyper_rectangles: Option<HyperRectanglesFile>,
}

fn default_role() -> Role {
    Role::Negotiator
}

/// A value function: an option → value table for a discrete issue, or a
/// tagged function for a numeric one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ValueFile {
    /// A function of a numeric issue.
    Function(NumericFunctionFile),
    /// A value per option of a discrete issue.
    Table(IndexMap<String, f64>),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
/// A value function of a numeric issue as written in the file.
pub enum NumericFunctionFile {
    /// `offset + slope·(x − min)`.
    Linear {
        /// Change in value per unit of the issue.
        slope: f64,
        /// The value at the issue's lower bound.
        offset: f64,
    },
    /// Straight lines between points.
    PiecewiseLinear {
        /// `(x, value)` points.
        points: Vec<(f64, f64)>,
    },
    /// The same value everywhere.
    Constant {
        /// The value.
        value: f64,
    },
    /// Rising from `low` to 1 at `peak`, back to 0 at `high`.
    Triangular {
        /// Where the value starts rising from 0.
        low: f64,
        /// Where it reaches 1.
        peak: f64,
        /// Where it is back to 0.
        high: f64,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A red line as written in the file.
pub struct RedLineFile {
    /// The issue's name.
    pub issue: String,
    /// Forbidden values: option names, or numbers for numeric issues.
    pub values: Vec<toml::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Free text about the red line.
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A nonlinear utility as written in the file.
pub struct HyperRectanglesFile {
    /// What the sum of the boxes' utilities is divided by.
    pub normalizer: f64,
    /// The boxes.
    pub rectangles: Vec<HyperRectangleFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// One box as written in the file.
pub struct HyperRectangleFile {
    /// The utility added inside the box.
    pub utility: f64,
    /// Issue name → `[min, max]`, inclusive.
    pub bounds: IndexMap<String, (f64, f64)>,
}
