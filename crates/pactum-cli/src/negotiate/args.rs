//! The command line of `pactum negotiate`: the protocol, mediator and
//! discounting choices and every flag, with their defaults. Nothing here
//! checks combinations of flags; `run` does.

use std::path::PathBuf;

use clap::ValueEnum;
use pactum_sim::Prepared;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProtocolArg {
    /// Stacked alternating offers.
    Sao,
    /// Mediated single negotiating text.
    SingleText,
    /// Stacked alternating offers in phases (--phases); the issues on which
    /// the parties' last offers of a phase coincide are settled and carried
    /// into the later phases.
    #[value(alias = "partial")]
    Phased,
    /// Free-form rounds with partial agreements: each round every party
    /// proposes its package over the open issues and accepts the proposals
    /// it would accept as offers.
    PartialRounds,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MediatorArg {
    /// Proposes random whole packages; any party can veto.
    Veto,
    /// Proposes one-issue changes to the draft.
    HillClimbing,
    /// Starts from the middle value of every issue and proposes every
    /// one-issue change in turn (the live server's mediator).
    DraftAndVote,
    /// Trades across issues: proposes complete packages better for every
    /// party than the draft, from their (private) preferences, and ends on
    /// the Pareto frontier.
    Packages,
}

/// Whether results are discounted (`--discount`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiscountArg {
    /// As the scenario says: a party with discount factor d values a result
    /// reached at relative time t at u·d^t (GENIUS's semantics).
    Scenario,
    /// No discounting, whatever the scenario says.
    None,
}

/// The prepared scenario with discounting as `--discount` asks.
pub fn apply_discount(p: Prepared, d: DiscountArg) -> Prepared {
    match d {
        DiscountArg::Scenario => p,
        DiscountArg::None => p.without_discount(),
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// A native .toml/.json file, or a folder of GENIUS XML or GeniusWeb JSON files.
    pub scenario: PathBuf,
    /// Profiles of a GENIUS/GeniusWeb folder to seat (file stems, comma-separated); default: all.
    #[arg(long, value_delimiter = ',')]
    pub profiles: Option<Vec<String>>,
    /// One strategy per negotiator, in scenario order (the first proposes first), e.g. boulware,conceder
    /// (the strategies are listed below).
    #[arg(
        long,
        value_delimiter = ',',
        required = true,
        visible_alias = "strategies"
    )]
    pub parties: Vec<String>,
    /// The protocol: who moves when, and what a move may be.
    #[arg(long, value_enum, default_value_t = ProtocolArg::Sao)]
    pub protocol: ProtocolArg,
    /// The single-text mediator.
    #[arg(long, value_enum, default_value_t = MediatorArg::HillClimbing)]
    pub mediator: MediatorArg,
    /// Deadline in rounds (of each phase in a multi-round session).
    #[arg(long, default_value_t = 100)]
    pub steps: usize,
    /// Play a multi-round session of N phases (stacked alternating offers in
    /// each; the session ends at the first agreement). Default 1 with --protocol partial.
    #[arg(long, value_name = "N")]
    pub phases: Option<usize>,
    /// Change a negotiator's reservation value from a phase on, e.g.
    /// "2:Ukraine.reservation=0.45" (repeatable; implies a multi-round session).
    #[arg(long = "shift", value_name = "PHASE:PARTY.reservation=X")]
    pub shifts: Vec<String>,
    /// Wall-clock deadline in seconds (in addition to --steps; makes runs timing-dependent).
    #[arg(long, value_name = "SECONDS")]
    pub time_limit: Option<f64>,
    /// Seed of the random strategies and mediators.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Discounting of results: `scenario` applies each party's discount
    /// factor d (a result at relative time t is worth u·d^t, reported beside
    /// the undiscounted utilities); `none` switches it off.
    #[arg(long, value_enum, default_value_t = DiscountArg::Scenario)]
    pub discount: DiscountArg,
    /// Print the full trace as JSON (per phase, a summary of it in a multi-round session).
    #[arg(long)]
    pub json: bool,
    /// Draw the offers over time and in the utility space to an SVG file.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// The two negotiators --plot draws large (names, comma-separated);
    /// default: the first two. With three or more negotiators the plot also
    /// shows every pair.
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    pub axes: Option<Vec<String>>,
    /// Write the negotiation as a session export (hash-chained record with
    /// its scenario), which `pactum verify FILE` checks and `pactum replay
    /// FILE` re-runs; at_ms is 0 throughout, so the same seed writes the
    /// same bytes.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    #[command(flatten)]
    pub llm: super::llm::LlmArgs,
}
