//! KTAB's Spatial Model of Politics (SMP), spec §4.3.
//!
//! Actors hold vector positions on [0, 1]^dims (input / 100). Each turn: (1) every actor's risk
//! attitude is inferred from how likely its position is to win a capability-weighted vote;
//! (2) every actor picks the challenge target with the largest expected gain; (3) each challenge
//! yields a bargain interpolated between the two positions; (4) every actor chooses among the
//! bargains it is part of (and its status quo) by a capability-weighted vote; all move at once.
//! The run stops when turn-to-turn movement falls below 2% of the first turn's movement.
//!
//! All nine of KTAB's parameter choices are exposed in [`SmpParams`] with KTAB's defaults.
//! Where KTAB itself aborts (every position at one of the two ends, so risk attitudes cannot be
//! told apart), this port continues with the risk-neutral utilities and says so in a note.
//!
//! Files: `params` ([`SmpParams`], the model's switches), `lanes` (arithmetic on several
//! independent values side by side, the vector instructions chosen at run time), `voting`
//! (votes, victory probabilities, PCE), `challenge` (utilities, risk estimates, challenge
//! probabilities), `turn` (one turn's arithmetic, the average utilities after each bargain,
//! and the buffers a run reuses from turn to turn), `run` (scales, the loop and its stop rule,
//! the final positions); this file wraps a run as a [`Forecast`].
//!
//! Rules: the forecast of each dimension is the probability-weighted final position; its
//! `summary` holds `prob_weighted`, `most_probable` and `turns` (states − 1); the
//! probabilities of every state are those of the distinct position each actor holds.

mod challenge;
mod lanes;
mod params;
mod run;
mod turn;
mod voting;

use std::collections::BTreeMap;

pub use params::{
    BargnModel, BigRAdjust, BigRRange, DEFAULT_SEED, InterVecBrgn, PceModel, SmpParams,
    StateTransitions, ThirdPartyCommit, VictoryProbModel, VotingRule,
};
pub(crate) use run::run_smp_final;
pub use run::{SmpRun, SmpState, run_smp};

use crate::error::Result;
use crate::model::Case;
use crate::result::{ActorNames, DimensionForecast, Forecast, Round};

/// Runs the SMP and wraps it as a [`Forecast`]: forecast = probability-weighted final position;
/// `summary` holds `most_probable`, `turns` and `prob_weighted`.
pub fn forecast(case: &Case, p: &SmpParams) -> Result<Forecast> {
    let run = run_smp(case, p)?;
    Ok(forecast_of(&run, case))
}

/// The [`Forecast`] of a finished run on `case`.
pub(crate) fn forecast_of(run: &SmpRun, case: &Case) -> Forecast {
    let names = ActorNames::new(run.actors.clone());
    let mut probs: Vec<Round> = run
        .states
        .iter()
        .map(|s| Round::new(&names, s.position_probs.clone()))
        .collect();
    let last = run.dimensions.len().saturating_sub(1);
    let dims = run
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, name)| {
            let rounds: Vec<Round> = run
                .states
                .iter()
                .map(|s| Round::new(&names, s.positions.iter().map(|p| p[d]).collect()))
                .collect();
            let mut summary = BTreeMap::new();
            summary.insert("prob_weighted".to_string(), run.prob_weighted[d]);
            summary.insert("most_probable".to_string(), run.most_probable[d]);
            summary.insert("turns".to_string(), (run.states.len() - 1) as f64);
            DimensionForecast {
                dimension: name.clone(),
                forecast: run.prob_weighted[d],
                rounds,
                // The last dimension takes the probabilities, the others a copy.
                probabilities: Some(if d == last {
                    std::mem::take(&mut probs)
                } else {
                    probs.clone()
                }),
                summary,
            }
        })
        .collect();
    Forecast {
        model: "smp".into(),
        case: case.name.clone(),
        dimensions: dims,
        notes: run.notes.clone(),
    }
}
