//! The Bueno de Mesquita expected-utility ("challenge") model as reconstructed by Scholz,
//! Calbert & Smith (2011), spec §4.2.
//!
//! The published descriptions disagree on several points, so every reading is a switch
//! ([`BdmParams`], V1-V9 of the spec). The default is the configuration of the open Python port
//! that reproduces Scholz's Table 2 (the "jmckib" reading): Scholz-code probability over all
//! triples, Q = 1, evaluator's risk exponent, adversary-column security, full move of the weaker
//! side in a conflict, type-ordered offer selection with the weighted-position key for
//! compromises, range fixed at the initial positions, 10 rounds, and no capitulation (the port's
//! capitulation test can never be true).
//!
//! Each round: (1) risk exponents from security levels computed with r = 1; (2) every actor
//! evaluates, from its own view, the offers it receives from every actor at another position;
//! (3) every actor moves at once to its chosen offer. Forecast = the median voter position after
//! the last round; the capability × salience weighted mean is reported too.
//!
//! Files: `params` (the switches and presets), `expected_utility` (votes, probabilities,
//! expected utilities, median voter), `offers` (the offers an actor receives and the one it
//! accepts), `run` (the round loop and its stop rule), `trace` (what a run records); this
//! file runs every dimension and wraps the runs as a [`Forecast`].
//!
//! Rules: each dimension is run on its own; the forecast of a dimension is its median after
//! the last round, its `summary` holds `median`, `mean` and `rounds`, and its notes are
//! prefixed with the dimension's name.

mod expected_utility;
mod offers;
mod params;
mod run;
mod trace;

use std::collections::BTreeMap;

pub use params::{
    BdmParams, ConflictRule, MuRule, OfferSelection, ProbabilityRule, RangeRule, RiskOwner,
    SecurityRule, StopRule, TRule,
};
pub use run::run_bdm;
pub use trace::{BdmRound, BdmRun, Move, MoveKind};

use crate::error::Result;
use crate::model::Case;
use crate::result::{ActorNames, DimensionForecast, Forecast, Round};

/// Runs the model on every dimension and wraps the result as a [`Forecast`].
pub fn forecast(case: &Case, p: &BdmParams) -> Result<Forecast> {
    let mut dims = Vec::new();
    let mut notes = Vec::new();
    for (d, issue) in case.issues.iter().enumerate() {
        let run = run_bdm(case, d, p)?;
        let names = ActorNames::new(run.actors.clone());
        let mut rounds = Vec::with_capacity(run.rounds.len() + 1);
        rounds.push(Round::new(&names, run.initial_positions.clone()));
        rounds.extend(
            run.rounds
                .iter()
                .map(|r| Round::new(&names, r.positions.clone())),
        );
        let mut summary = BTreeMap::new();
        let last_mean = run.rounds.last().map_or(run.initial_mean, |r| r.mean);
        summary.insert("median".to_string(), run.forecast());
        summary.insert("mean".to_string(), last_mean);
        summary.insert("rounds".to_string(), run.rounds.len() as f64);
        notes.extend(run.notes.iter().map(|n| format!("{}: {n}", issue.name)));
        dims.push(DimensionForecast {
            dimension: issue.name.clone(),
            forecast: run.forecast(),
            rounds,
            probabilities: None,
            summary,
        });
    }
    Ok(Forecast {
        model: "bdm".into(),
        case: case.name.clone(),
        dimensions: dims,
        notes,
    })
}
