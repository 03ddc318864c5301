//! Why a simulation could not be set up. (What happens *inside* a
//! negotiation — an invalid move, a timeout — is part of its result, not an
//! error.)

/// A simulation that cannot be run as asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    #[error(
        "{outcomes} outcomes is too many to simulate: negotiators enumerate the outcome space, at most {limit} outcomes"
    )]
    TooLarge { outcomes: u128, limit: u64 },
    #[error(
        "scenario {scenario:?} has {}; a negotiation needs at least two parties with role = \"negotiator\"",
        count(*negotiators, "negotiator", "negotiators")
    )]
    TooFewParties {
        scenario: String,
        negotiators: usize,
    },
    #[error("unknown strategy {name:?}; available: {available}")]
    UnknownStrategy { name: String, available: String },
    #[error(
        "{} for {}: give one strategy per negotiator ({names})",
        count(*given, "strategy", "strategies"),
        count(*parties, "negotiator", "negotiators")
    )]
    StrategyCount {
        given: usize,
        parties: usize,
        names: String,
    },
    #[error("the deadline must allow at least one round: {0}")]
    NoDeadline(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Io(String),
}

/// A count and its noun: `1 strategy`, `3 strategies`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
