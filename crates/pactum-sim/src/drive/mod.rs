//! The runner's side of each protocol: ask the negotiators for moves, feed
//! them to the protocol engine ([`pactum_protocol`]), tell the negotiators
//! what happened, record the trace. The rules are the engine's; what is
//! decided here is runner policy:
//!
//! * a move the engine refuses ends the negotiation without agreement,
//!   with the refusal as the reason ([`End::Invalid`]), as NegMAS does;
//! * the wall-clock deadline is checked before each move is asked for in
//!   alternating offers and partial rounds, and before each proposal in
//!   the single text.

use pactum_protocol::{Agreement, End as EngineEnd};

use crate::session::End;
use crate::space::OutcomeId;

pub(crate) mod partial_rounds;
pub(crate) mod sao;
pub(crate) mod single_text;

/// How a protocol came out, as the runner scores it.
pub(crate) struct Played {
    pub end: End,
    pub agreement: Option<OutcomeId>,
    /// Rounds started.
    pub steps: usize,
    /// Seats that left, in the order they did.
    pub left: Vec<usize>,
}

impl Played {
    /// The runner's account of the engine's end after `steps` rounds.
    pub fn from_engine(end: Option<&EngineEnd<OutcomeId>>, steps: usize, left: Vec<usize>) -> Self {
        let agreement = end
            .and_then(EngineEnd::agreement)
            .map(|a: &Agreement<_>| a.outcome);
        let end = match end {
            Some(EngineEnd::Agreement(a)) => End::Agreement { outcome: a.outcome },
            Some(EngineEnd::EndedBy { seat }) => End::Ended { seat: *seat },
            Some(EngineEnd::Deserted) => End::Deserted,
            Some(EngineEnd::Deadline { .. }) | None => End::Deadline,
        };
        Played {
            end,
            agreement,
            steps,
            left,
        }
    }

    /// A refused move by `seat`.
    pub fn invalid(seat: usize, reason: String, steps: usize, left: Vec<usize>) -> Self {
        Played {
            end: End::Invalid { seat, reason },
            agreement: None,
            steps,
            left,
        }
    }
}
