//! `pactum forecast`: where does a multi-actor negotiation end up? Runs the models of
//! `pactum-forecast` on a scenario's `[forecast]` section, a one-dimensional case CSV or a KTAB
//! CSV, optionally with Monte Carlo uncertainty, and back-tests models on issues with known
//! outcomes (`pactum forecast backtest`).
//!
//! The command's parts, each importing only those listed after it: `run`
//! reads the input, calls the library and picks the output; `text`, `json`
//! and `plot` show the results (`text` reads the views of `json`); `args`
//! holds the command line and `model` the models' names.

mod args;
mod json;
mod model;
mod plot;
mod run;
mod text;

pub use args::Args;
pub use run::run;
