//! Forecasting models for multi-actor bargaining.
//!
//! Every model takes a [`Case`] (actors with capability, position and salience per issue
//! dimension) and returns a [`Forecast`]. Call [`run`] with a [`ModelKind`] and [`Options`], or
//! the model modules directly for their full traces.
//!
//! Models: [`baselines`] (weighted mean, weighted median, Condorcet winner, Nash bargaining),
//! [`bdm`] (the Bueno de Mesquita expected-utility model as reconstructed by Scholz et al.),
//! [`ktab`] (KTAB's Spatial Model of Politics). [`montecarlo`] perturbs inputs; [`backtest`]
//! scores models against known outcomes.

pub mod backtest;
pub mod baselines;
pub mod bdm;
pub mod error;
pub mod input;
pub mod ktab;
pub mod model;
pub mod montecarlo;
pub mod progress;
pub mod report;
pub mod result;
pub mod scenario;
pub mod uncertainty;

pub use error::{ForecastError, Location, Result};
pub use model::{Actor, Anchor, Case, Issue, Scale};
pub use result::{DimensionForecast, Forecast, Round};

use serde::{Deserialize, Serialize};

use baselines::{MedianRule, NashOptions, Weighting};

/// Which model [`run`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ModelKind {
    WeightedMean,
    WeightedMedian,
    CondorcetWinner,
    NashBargaining,
    Bdm,
    Ktab,
}

impl ModelKind {
    /// Every model, in a stable order.
    pub const ALL: [ModelKind; 6] = [
        ModelKind::WeightedMean,
        ModelKind::WeightedMedian,
        ModelKind::CondorcetWinner,
        ModelKind::NashBargaining,
        ModelKind::Bdm,
        ModelKind::Ktab,
    ];

    /// Short stable name.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::WeightedMean => "weighted_mean",
            ModelKind::WeightedMedian => "weighted_median",
            ModelKind::CondorcetWinner => "condorcet_winner",
            ModelKind::NashBargaining => "nash_bargaining",
            ModelKind::Bdm => "bdm",
            ModelKind::Ktab => "ktab",
        }
    }
}

impl std::str::FromStr for ModelKind {
    type Err = ForecastError;
    fn from_str(s: &str) -> Result<Self> {
        ModelKind::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| ForecastError::UnknownModel(s.to_string()))
    }
}

/// Parameters of every model; defaults are the reference configurations.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Options {
    /// Weights of the weighted mean / median / Condorcet baselines.
    pub weighting: Weighting,
    pub median_rule: MedianRule,
    pub nash: NashOptions,
    pub bdm: bdm::BdmParams,
    pub ktab: ktab::SmpParams,
}

/// Runs `model` on `case`.
pub fn run(model: ModelKind, case: &Case, opts: &Options) -> Result<Forecast> {
    case.validate()?;
    match model {
        ModelKind::WeightedMean
        | ModelKind::WeightedMedian
        | ModelKind::CondorcetWinner
        | ModelKind::NashBargaining => {
            let names = case.names();
            let mut dims = Vec::with_capacity(case.n_dims());
            for (d, issue) in case.issues.iter().enumerate() {
                let forecast = match model {
                    ModelKind::WeightedMean => baselines::weighted_mean(case, d, opts.weighting)?,
                    ModelKind::WeightedMedian => {
                        baselines::weighted_median(case, d, opts.weighting, opts.median_rule)?
                    }
                    ModelKind::CondorcetWinner => {
                        baselines::condorcet_winner(case, d, opts.weighting)?
                    }
                    _ => baselines::nash_bargaining(case, d, &opts.nash)?,
                };
                dims.push(DimensionForecast {
                    dimension: issue.name.clone(),
                    forecast,
                    rounds: vec![result::round_of(&names, &case.positions(d))],
                    probabilities: None,
                    summary: Default::default(),
                });
            }
            Ok(Forecast {
                model: model.name().to_string(),
                case: case.name.clone(),
                dimensions: dims,
                notes: Vec::new(),
            })
        }
        ModelKind::Bdm => bdm::forecast(case, &opts.bdm),
        ModelKind::Ktab => ktab::forecast(case, &opts.ktab),
    }
}
