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
        "scenario {scenario:?} has {negotiators} negotiator(s); a negotiation needs at least two parties with role = \"negotiator\""
    )]
    TooFewParties {
        scenario: String,
        negotiators: usize,
    },
    #[error("unknown strategy {name:?}; available: {available}")]
    UnknownStrategy { name: String, available: String },
    #[error(
        "{given} strategies for {parties} negotiators: give one strategy per negotiator ({names})"
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
