//! The `[forecast]` section of Pactum's native scenario file (TOML or JSON).
//!
//! A negotiation scenario (`examples/istanbul-2025.toml`) models issues with discrete options
//! and each negotiator's utilities. The forecasting models need a different view of the same
//! negotiation: every actor's capability and, per issue, a 0–100 continuum with written anchors,
//! each actor's position and salience on it, and the status quo. The `[forecast]` section holds
//! that view next to the negotiation model. `pactum_core` defines the section's shape
//! ([`ForecastFile`]) and keeps it through conversions without reading it; this module checks it
//! and turns each issue into a one-dimensional [`Case`]. Both forms of the file are deserialised
//! into that one typed section and checked by the same code; a map of where each value sits in
//! the text gives the lines in errors.
//!
//! ```toml
//! [forecast]
//! notes = "ILLUSTRATIVE ESTIMATES"
//! uncertainty = { capability = 0.2, position = 5, salience = 10 }   # optional
//!
//! [[forecast.actors]]
//! name = "Ukraine"              # a party of the scenario ...
//! capability = 60
//! capability_range = [50, 70]   # optional, for Monte Carlo
//!
//! [[forecast.actors]]
//! name = "EU"                   # ... or an actor outside the negotiation model
//! extra = true
//! capability = 40
//!
//! [[forecast.issues]]
//! name = "ceasefire"
//! status_quo = 95
//! anchors = { 0 = "immediate ceasefire", 50 = "with a framework deal", 100 = "no ceasefire" }
//! [forecast.issues.actors]
//! Ukraine = { position = 0, salience = 90 }
//! EU = { position = 5, salience = 50, position_range = [0, 15] }
//! ```
//!
//! The JSON form has the same fields (`"forecast": { "actors": [...], "issues": [...] }`).
//! Every error names the file, the line and the field path
//! (`forecast.issues[0] (ceasefire).actors.Russia.salience`). The format is documented in
//! `docs/forecasting.md`.

mod check;
mod deserialize;
mod spans;
#[cfg(test)]
mod tests;

use std::path::Path;

use serde::Serialize;

pub use check::parse_scenario_as;
pub use deserialize::Format;

use crate::error::Result;
use crate::model::{Case, Scale};
use crate::uncertainty::{Ranges, Uncertainty, ValueRange};

/// The continuum every forecast issue lives on.
pub const SCALE: Scale = Scale { lo: 0.0, hi: 100.0 };

/// A parsed and checked `[forecast]` section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastScenario {
    /// The scenario's `name` (or the file stem when it has none).
    pub name: String,
    /// File the section was read from.
    pub file: String,
    /// The section's `notes`.
    pub notes: Option<String>,
    /// File-wide default perturbations for Monte Carlo runs.
    pub uncertainty: Uncertainty,
    /// Actors in file order; every issue's case lists them in this order.
    pub actors: Vec<ForecastActor>,
    /// Issues in file order.
    pub issues: Vec<ForecastIssue>,
}

/// One entry of `[[forecast.actors]]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastActor {
    /// The actor's name.
    pub name: String,
    /// The actor's capability.
    pub capability: f64,
    /// Monte Carlo range of the capability.
    pub capability_range: Option<ValueRange>,
    /// Not a party of the negotiation model (e.g. "EU" next to its member states).
    pub extra: bool,
    /// The actor's `notes`.
    pub notes: Option<String>,
    /// Line of the actor's `name`, where it is known.
    pub line: Option<usize>,
}

/// One entry of `[[forecast.issues]]`, as a one-dimensional case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastIssue {
    /// The issue as a 1-D case: named after the issue, scale 0–100, anchors and status quo
    /// on its only dimension, actors in [`ForecastScenario::actors`] order.
    pub case: Case,
    /// The issue's `notes`.
    pub notes: Option<String>,
    /// Monte Carlo ranges given in the file, per actor.
    pub ranges: Ranges,
    /// Line of the issue's `name`, where it is known.
    pub line: Option<usize>,
}

impl ForecastScenario {
    /// The one-dimensional cases, one per issue, in file order.
    pub fn cases(&self) -> Vec<Case> {
        self.issues.iter().map(|i| i.case.clone()).collect()
    }
}

/// Parses the `[forecast]` section of a TOML scenario. `file` names the source in errors.
pub fn parse_scenario(text: &str, file: &str) -> Result<ForecastScenario> {
    parse_scenario_as(text, file, Format::Toml)
}

/// Parses the `forecast` section of a JSON scenario (the native format written as JSON).
pub fn parse_json_scenario(text: &str, file: &str) -> Result<ForecastScenario> {
    parse_scenario_as(text, file, Format::Json)
}

/// Reads the `forecast` section of a native scenario file: JSON for a `.json` file, TOML
/// otherwise.
pub fn read_scenario(path: impl AsRef<Path>) -> Result<ForecastScenario> {
    let path = path.as_ref();
    let file = path.display().to_string();
    let text = pactum_core::fsutil::read_text(path)?;
    parse_scenario_as(&text, &file, Format::of_path(path))
}
