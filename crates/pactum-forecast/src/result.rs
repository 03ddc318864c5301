//! The serialisable result every model returns, so callers (CLI, back-tests) need not know
//! which model produced it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Positions (or probabilities) of every actor at one round, keyed by actor name.
pub type Round = BTreeMap<String, f64>;

/// Forecast for one issue dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionForecast {
    /// Dimension name (the input column for multi-dimensional cases).
    pub dimension: String,
    /// The model's point forecast, in the case's units.
    pub forecast: f64,
    /// Positions by round; the first entry holds the initial positions. One-shot models give
    /// only the initial positions.
    pub rounds: Vec<Round>,
    /// Per round, the probability the model gives each actor's position, where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probabilities: Option<Vec<Round>>,
    /// Model-specific scalar outputs (e.g. `mean`, `median`, `prob_weighted`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub summary: BTreeMap<String, f64>,
}

/// A model's forecast for one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// The model's name.
    pub model: String,
    /// The case's name.
    pub case: String,
    /// One forecast per issue dimension.
    pub dimensions: Vec<DimensionForecast>,
    /// What the model did that a reader should know (fallbacks, aborted runs, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Forecast {
    /// Point forecast of the first dimension (the only one of a 1-D case).
    pub fn value(&self) -> f64 {
        self.dimensions[0].forecast
    }
}

/// Builds a round map from names and values.
pub fn round_of(names: &[String], values: &[f64]) -> Round {
    names.iter().cloned().zip(values.iter().copied()).collect()
}
