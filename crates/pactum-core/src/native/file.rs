//! The serde mirror of the native format: field names and shapes exactly
//! as `docs/scenario-format.md` documents them.
//!
//! Rules: unknown fields are refused (a typo is an error, not a silently
//! ignored line); optional fields left at their defaults are not written.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::forecast_file::ForecastFile;
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
    /// A conflict model (the Graph Model for Conflict Resolution: decision
    /// makers, options, preferences). Read and checked by pactum-conflict,
    /// not by this model; kept through conversions between TOML and JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<serde_json::Value>,
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
