//! The forecasting models by the names the command line uses (`mean`,
//! `smp`, ...), with the older names as aliases, each mapped to the
//! library's model and described for the text report.
//!
//! Rules: every model of `pactum-forecast` has exactly one name here;
//! `ALL` lists them in the order a back-test reports them.

use clap::ValueEnum;
use pactum_forecast::ModelKind;

/// A forecasting model, by the name the CLI uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Model {
    /// Capability × salience weighted mean (the baseline every model must beat).
    #[value(alias = "weighted_mean")]
    Mean,
    /// Capability × salience weighted median.
    #[value(alias = "weighted_median")]
    Median,
    /// Condorcet winner among the actors' positions.
    #[value(alias = "condorcet_winner")]
    Condorcet,
    /// Asymmetric Nash bargaining solution (disagreement utility 0).
    #[value(alias = "nash_bargaining")]
    Nash,
    /// KTAB's Spatial Model of Politics (dynamic; probabilities of the final positions).
    #[value(alias = "ktab")]
    Smp,
    /// Bueno de Mesquita's expected-utility model, Scholz reconstruction (dynamic).
    Bdm,
}

impl Model {
    /// Every model, in the order a back-test reports them.
    pub(super) const ALL: [Model; 6] = [
        Model::Mean,
        Model::Median,
        Model::Condorcet,
        Model::Nash,
        Model::Smp,
        Model::Bdm,
    ];

    /// The library's model.
    pub(super) fn kind(self) -> ModelKind {
        match self {
            Model::Mean => ModelKind::WeightedMean,
            Model::Median => ModelKind::WeightedMedian,
            Model::Condorcet => ModelKind::CondorcetWinner,
            Model::Nash => ModelKind::NashBargaining,
            Model::Smp => ModelKind::Smp,
            Model::Bdm => ModelKind::Bdm,
        }
    }

    /// The name the command line and the reports use.
    pub(super) fn name(self) -> &'static str {
        match self {
            Model::Mean => "mean",
            Model::Median => "median",
            Model::Condorcet => "condorcet",
            Model::Nash => "nash",
            Model::Smp => "smp",
            Model::Bdm => "bdm",
        }
    }

    /// What the model computes, for the text report.
    pub(super) fn describe(self) -> &'static str {
        match self {
            Model::Mean => "capability × salience weighted mean (one shot)",
            Model::Median => "capability × salience weighted median (one shot)",
            Model::Condorcet => "Condorcet winner among the positions (one shot)",
            Model::Nash => "asymmetric Nash bargaining solution (one shot)",
            Model::Smp => {
                "KTAB spatial model of politics; forecast = probability-weighted final position"
            }
            Model::Bdm => {
                "BDM expected-utility model (Scholz reconstruction); forecast = median voter \
                 position after the last round"
            }
        }
    }
}
