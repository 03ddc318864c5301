//! The `forecast` section of a native scenario file, as written: the
//! inputs of the forecasting models (actors, capabilities, positions on
//! 0–100 continua), which the negotiation model does not read but keeps
//! through conversions, so a loaded scenario can carry it whatever format
//! it came from.
//!
//! Rules: only the section's shape (field names and types) is checked
//! here, unknown fields refused; its meaning is `pactum_forecast::scenario`'s
//! to check. Optional fields left at their defaults are not written.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

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
