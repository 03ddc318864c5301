//! Pactum's own scenario format, in TOML (for people) or JSON (for programs).
//!
//! The file is read into a plain serde mirror ([`ScenarioFile`]) and then
//! checked and translated into the model, so every semantic error names the
//! field it is about (`parties[1] (Russia).weights.territory`). Syntax and
//! type errors carry the line and column from the TOML or JSON parser.
//! `docs/scenario-format.md` documents the format field by field.
//!
//! The parts: `file` (the serde mirror), `read` (text → mirror → checked
//! model) and `write` (model → mirror → text).

mod file;
mod read;
#[cfg(test)]
mod tests;
mod write;

pub use crate::forecast_file::{
    ForecastActorFile, ForecastFile, ForecastIssueFile, ForecastPositionFile,
    ForecastUncertaintyFile,
};
pub use file::{
    HyperRectangleFile, HyperRectanglesFile, IssueFile, NumericFunctionFile, PartyFile,
    RedLineFile, ScenarioFile, ValueFile,
};
pub use read::{from_json, from_toml, into_model};
pub use write::{
    file_to_json, file_to_toml, loaded_to_file, loaded_to_json, loaded_to_toml, to_file, to_json,
    to_toml,
};
