//! Forecasting models for multi-actor bargaining.
//!
//! Every model takes a [`Case`] (actors with capability, position and salience per issue
//! dimension) and returns a [`Forecast`]. Call [`run`] with a [`ModelKind`] and [`Options`], or
//! the model modules directly for their full traces.
//!
//! Models: [`baselines`] (weighted mean, weighted median, Condorcet winner, Nash bargaining),
//! [`bdm`] (the Bueno de Mesquita expected-utility model as reconstructed by Scholz et al.),
//! [`smp`] (the Spatial Model of Politics of the KTAB toolkit). [`montecarlo`] perturbs inputs
//! (with the options a caller's [`mc_request`] asks for);
//! [`backtest`] scores models against known outcomes. [`input`] reads case files and whole
//! inputs, [`scenario`] a native scenario's `[forecast]` section, and [`report`] builds the
//! per-issue results of an input; long runs report progress to an [`Observer`].
//!
//! **Naming.** The spatial model is called `smp` (Spatial Model of Politics) everywhere in code
//! and output: the module [`smp`], [`ModelKind::Smp`], [`Options::smp`], the name `"smp"`.
//! "KTAB" names only the toolkit the model comes from and its multi-dimensional CSV format
//! ([`input::parse_ktab_csv`]). The older name `ktab` is still accepted where a name is read
//! ([`ModelKind::from_str`](std::str::FromStr), serialised options).
//!
//! **Public surface.** The crate root holds what every caller needs: the case types
//! ([`Case`], [`Actor`], [`Issue`], [`Scale`], [`Anchor`]), the result types ([`Forecast`],
//! [`DimensionForecast`], [`Round`]), the error ([`ForecastError`] and its parts), the progress
//! [`Observer`], and [`run`] with [`ModelKind`] and [`Options`]. The public modules are the
//! models (their parameters and full traces), the readers ([`input`], [`scenario`]) and the
//! analyses ([`montecarlo`], [`mc_request`], [`backtest`], [`report`], [`uncertainty`]); everything else is
//! internal.
//!
//! Rules: the library computes and reports; it never prints, draws or names a command-line
//! flag, and every error is a typed [`ForecastError`].
#![warn(missing_docs)]

pub mod backtest;
pub mod baselines;
pub mod bdm;
mod error;
pub mod input;
pub mod mc_request;
mod model;
pub mod montecarlo;
mod progress;
pub mod report;
mod result;
pub mod scenario;
pub mod smp;
pub mod uncertainty;

pub use error::{ForecastError, JsonSyntax, Location, Result, TomlSyntax};
pub use model::{Actor, Anchor, Case, Issue, MAX_CAPABILITY, MAX_POSITION, Scale};
pub use progress::{Observer, Silent};
pub use result::{DimensionForecast, Forecast, Round};

use serde::{Deserialize, Serialize};

use baselines::{MedianRule, NashOptions, Weighting};

/// Which model [`run`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ModelKind {
    /// Capability × salience weighted mean ([`baselines::weighted_mean`]).
    WeightedMean,
    /// Weighted median ([`baselines::weighted_median`]).
    WeightedMedian,
    /// Condorcet winner among the positions ([`baselines::condorcet_winner`]).
    CondorcetWinner,
    /// Asymmetric Nash bargaining solution ([`baselines::nash_bargaining`]).
    NashBargaining,
    /// Bueno de Mesquita's expected-utility model ([`bdm`]).
    Bdm,
    /// The Spatial Model of Politics ([`smp`]).
    #[serde(alias = "Ktab")]
    Smp,
}

impl ModelKind {
    /// Every model, in a stable order.
    pub const ALL: [ModelKind; 6] = [
        ModelKind::WeightedMean,
        ModelKind::WeightedMedian,
        ModelKind::CondorcetWinner,
        ModelKind::NashBargaining,
        ModelKind::Bdm,
        ModelKind::Smp,
    ];

    /// Short stable name.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::WeightedMean => "weighted_mean",
            ModelKind::WeightedMedian => "weighted_median",
            ModelKind::CondorcetWinner => "condorcet_winner",
            ModelKind::NashBargaining => "nash_bargaining",
            ModelKind::Bdm => "bdm",
            ModelKind::Smp => "smp",
        }
    }
}

impl std::str::FromStr for ModelKind {
    type Err = ForecastError;
    /// A model's [`name`](ModelKind::name); `ktab` is read as `smp`.
    fn from_str(s: &str) -> Result<Self> {
        let s = if s == "ktab" { "smp" } else { s };
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
    /// Tie rule of the weighted median.
    pub median_rule: MedianRule,
    /// Parameters of the Nash bargaining baseline.
    pub nash: NashOptions,
    /// Parameters of the BDM model.
    pub bdm: bdm::BdmParams,
    /// Parameters of the SMP.
    #[serde(alias = "ktab")]
    pub smp: smp::SmpParams,
}

/// The point forecast of every dimension, as [`run`] gives them, without building the
/// trajectories when the model can skip them (the SMP).
pub(crate) fn point_forecasts(model: ModelKind, case: &Case, opts: &Options) -> Result<Vec<f64>> {
    match model {
        ModelKind::Smp => Ok(smp::run_smp_final(case, &opts.smp)?.prob_weighted),
        _ => Ok(run(model, case, opts)?
            .dimensions
            .iter()
            .map(|d| d.forecast)
            .collect()),
    }
}

/// Runs `model` on `case`.
pub fn run(model: ModelKind, case: &Case, opts: &Options) -> Result<Forecast> {
    case.validate()?;
    match model {
        ModelKind::WeightedMean
        | ModelKind::WeightedMedian
        | ModelKind::CondorcetWinner
        | ModelKind::NashBargaining => {
            let names = result::ActorNames::new(case.names());
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
                    rounds: vec![Round::new(&names, case.positions(d))],
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
        ModelKind::Smp => smp::forecast(case, &opts.smp),
    }
}
