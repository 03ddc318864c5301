//! Why a simulation could not be set up or its files not read or written.
//! (What happens *inside* a negotiation — an invalid move, a timeout — is
//! part of its result, not an error.) Messages name what is wrong, never a
//! command-line flag: the caller knows how its user spelled it.

use std::path::PathBuf;

use pactum_protocol::DeadlineError;

/// A simulation that cannot be run as asked.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The outcome space is too large to enumerate.
    #[error(
        "{outcomes} outcomes is too many to simulate: negotiators enumerate the outcome space, at most {limit} outcomes"
    )]
    TooLarge {
        /// Outcomes in the scenario.
        outcomes: u128,
        /// The most a simulation enumerates.
        limit: u64,
    },
    /// A protocol or session kind that changes packages value by value (or
    /// restricts the space), asked for on a space too large to enumerate.
    #[error(
        "{what} needs the outcome space enumerated, and {outcomes} outcomes is more than the {limit} a simulation enumerates (alternating offers, which searches the space, is played on it)"
    )]
    NeedsEnumeration {
        /// The protocol or session kind.
        what: String,
        /// Outcomes in the scenario.
        outcomes: u128,
        /// The most a simulation enumerates.
        limit: u64,
    },
    /// A searched space numbers at most this many outcomes.
    #[error("a searched outcome space numbers at most {limit} outcomes")]
    CatalogFull {
        /// The most a catalog numbers.
        limit: usize,
    },
    /// A party's utility cannot be searched.
    #[error(transparent)]
    Search(#[from] pactum_core::search::SearchError),
    /// A package off the outcome space.
    #[error(transparent)]
    Outside(#[from] pactum_protocol::OutsideSpace),
    /// Fewer than two negotiators.
    #[error(
        "scenario {scenario:?} has {}; a negotiation needs at least two parties with role = \"negotiator\"",
        count(*negotiators, "negotiator", "negotiators")
    )]
    TooFewParties {
        /// The scenario's name.
        scenario: String,
        /// Its negotiators.
        negotiators: usize,
    },
    /// A strategy name that is not built in.
    #[error("unknown strategy {name:?}; available: {available}")]
    UnknownStrategy {
        /// The name given.
        name: String,
        /// The built-in names, comma-separated.
        available: String,
    },
    /// The `llm` strategy was named, but no language model was given to
    /// play it through.
    #[error(
        "the strategy llm plays through a language model, and none is configured (an endpoint and a model are needed)"
    )]
    NoModel,
    /// A fallback for the `llm` strategy that is not a built-in classic
    /// strategy.
    #[error("{name:?} cannot stand in for the llm strategy; give one of: {available}")]
    BadFallback {
        /// The name given.
        name: String,
        /// The classic strategies' names, comma-separated.
        available: String,
    },
    /// Not one strategy per negotiator.
    #[error(
        "{} for {}: give one strategy per negotiator ({names})",
        count(*given, "strategy", "strategies"),
        count(*parties, "negotiator", "negotiators")
    )]
    StrategyCount {
        /// Strategies given.
        given: usize,
        /// Negotiators in the scenario.
        parties: usize,
        /// Their names, comma-separated.
        names: String,
    },
    /// A deadline that allows no round.
    #[error("the deadline must allow at least one round: {0}")]
    NoDeadline(#[from] DeadlineError),
    /// A tournament with zero repetitions.
    #[error("the number of repetitions must be at least 1")]
    NoRepetitions,
    /// A tournament of one strategy without self-play.
    #[error("a tournament needs at least two strategies, or self-play")]
    TooFewStrategies,
    /// A scenario with more negotiators than distinct strategies.
    #[error(
        "{scenario}: {negotiators} negotiators need at least {negotiators} different strategies, or self-play"
    )]
    NotEnoughStrategies {
        /// The scenario's label.
        scenario: String,
        /// Its negotiators.
        negotiators: usize,
    },
    /// A shard number outside 1..=n.
    #[error("shard {shard}/{of}: give i/n with 1 ≤ i ≤ n")]
    BadShard {
        /// The shard given.
        shard: usize,
        /// Of how many.
        of: usize,
    },
    /// An output folder that holds another tournament.
    #[error(
        "{} holds another tournament (its manifest.json differs); use a new output folder",
        folder.display()
    )]
    OtherTournament {
        /// The folder.
        folder: PathBuf,
    },
    /// An output folder whose partial league results belong to another
    /// league.
    #[error(
        "{} holds another league's partial results (its negotiations.jsonl.partial names another league, settings, seed or strategies); use a new output folder",
        folder.display()
    )]
    OtherLeague {
        /// The folder.
        folder: PathBuf,
    },
    /// An opponent model that failed to answer once its negotiation was
    /// over.
    #[error("negotiation {negotiation}: the opponent model of {strategy} failed: {source}")]
    OpponentModel {
        /// The negotiation's number.
        negotiation: u64,
        /// The strategy keeping the model.
        strategy: String,
        /// What went wrong.
        source: ModelError,
    },
    /// Parameters that do not fit together.
    #[error("{0}")]
    Invalid(String),
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// A JSON file (or line, from 1) that does not read.
    #[error("{}{}: {source}", path.display(), line.map_or_else(String::new, |l| format!(":{l}")))]
    Json {
        /// The file.
        path: PathBuf,
        /// The line, in a JSON Lines file.
        line: Option<usize>,
        /// What went wrong.
        #[source]
        source: serde_json::Error,
    },
    /// A CSV file that could not be written.
    #[error("{}: {source}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: csv::Error,
    },
    /// A worker pool that could not be started.
    #[error("cannot start {threads} worker threads: {source}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// What went wrong.
        #[source]
        source: rayon::ThreadPoolBuildError,
    },
}

impl SimError {
    /// An I/O error on `path`.
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> SimError {
        let path = path.into();
        move |source| SimError::Io { path, source }
    }

    /// A CSV error on `path`.
    pub(crate) fn csv(path: impl Into<PathBuf>) -> impl FnOnce(csv::Error) -> SimError {
        let path = path.into();
        move |source| SimError::Csv { path, source }
    }
}

/// A count and its noun: `1 strategy`, `3 strategies`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// An opponent model that could not answer, and why
/// ([`crate::negotiator::Negotiator::opponent_utilities`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ModelError(pub String);
