//! The command line of `pactum forecast` and of `pactum forecast backtest`:
//! the input, the model, the output forms and the Monte Carlo spreads.
//! Nothing here checks values beyond their types; `run` does, through the
//! library.

use std::path::PathBuf;

use clap::Subcommand;

use super::model::Model;

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    pub(super) command: Option<ForecastCommand>,
    /// A .toml or .json scenario with a forecast section, a 1-D case CSV
    /// (actor,capability,position,salience) or a KTAB CSV.
    #[arg(required = true, value_name = "FILE")]
    pub(super) file: Option<PathBuf>,
    /// Model to run.
    #[arg(long, value_enum, default_value_t = Model::Smp)]
    pub(super) model: Model,
    /// Print the forecast as JSON.
    #[arg(long)]
    pub(super) json: bool,
    /// Draw each actor's trajectory over the rounds, with the forecast marked, to an SVG file.
    #[arg(long, value_name = "FILE.svg")]
    pub(super) plot: Option<PathBuf>,
    /// Only these issues (or dimensions), comma-separated.
    #[arg(long = "issue", value_delimiter = ',', value_name = "NAME")]
    pub(super) issues: Vec<String>,
    /// Perturb the inputs N times and report the forecast's distribution.
    #[arg(long, value_name = "N")]
    pub(super) monte_carlo: Option<usize>,
    /// Seed of the Monte Carlo draws (same seed, same output).
    #[arg(long, default_value_t = 42, requires = "monte_carlo")]
    pub(super) seed: u64,
    /// Monte Carlo: capability ± this fraction for actors without a range in the input
    /// [default: the file's `uncertainty`, else 0.2].
    #[arg(long, value_name = "FRACTION", requires = "monte_carlo")]
    pub(super) spread_capability: Option<f64>,
    /// Monte Carlo: position ± this many points for actors without a range in the input
    /// [default: the file's `uncertainty`, else 5% of the scale].
    #[arg(long, value_name = "POINTS", requires = "monte_carlo")]
    pub(super) spread_position: Option<f64>,
    /// Monte Carlo: salience ± this many points for actors without a range in the input
    /// [default: the file's `uncertainty`, else 10].
    #[arg(long, value_name = "POINTS", requires = "monte_carlo")]
    pub(super) spread_salience: Option<f64>,
}

#[derive(Subcommand)]
pub(super) enum ForecastCommand {
    /// Score models on issues with known outcomes.
    Backtest(BacktestArgs),
}

#[derive(clap::Args)]
pub(super) struct BacktestArgs {
    /// Long CSV: issue,actor,capability,position,salience,outcome (optional status_quo).
    #[arg(value_name = "FILE.csv")]
    pub(super) file: PathBuf,
    /// Models to score, comma-separated [default: all].
    #[arg(long, value_enum, value_delimiter = ',')]
    pub(super) model: Vec<Model>,
    /// Print the scores and every prediction as JSON.
    #[arg(long)]
    pub(super) json: bool,
    /// Also list every issue's predictions in the text report.
    #[arg(long)]
    pub(super) per_issue: bool,
}
