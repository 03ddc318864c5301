//! Why a simulation cannot be written as a record, or a record read as one.
//!
//! Rules: every refusal names where it happened (the move's position and
//! seat, or the record entry's sequence number) and keeps its cause as the
//! error's source where there is one.

use crate::offers::OfferError;

/// Why a simulation cannot be written as a record, or a record read as one.
#[derive(Debug, thiserror::Error)]
pub enum SimulationError {
    /// The negotiation ended on a move the engine refused.
    #[error(
        "the negotiation ended on a refused move (seat {seat}: {reason}); a record holds legal moves only"
    )]
    Invalid {
        /// Who made it.
        seat: usize,
        /// Why it was refused.
        reason: String,
    },
    /// The trace was not kept, so there are no moves to write.
    #[error("the negotiation was not recorded (no moves kept)")]
    NotRecorded,
    /// A move the server's rules refuse (the simulator and the server
    /// disagree: a defect).
    #[error("move {index} (seat {seat}) is refused by the session rules: {reason}")]
    Refused {
        /// Position of the move, from 0.
        index: usize,
        /// Who made it.
        seat: usize,
        /// Why.
        reason: String,
    },
    /// A move of another protocol than the one played.
    #[error("move {index} is not a move of {protocol}")]
    Foreign {
        /// Position of the move, from 0.
        index: usize,
        /// The protocol played.
        protocol: &'static str,
    },
    /// A time limit no session can have.
    #[error(transparent)]
    TimeLimit(#[from] crate::protocol::BadTimeLimit),
    /// A simulation under a time limit whose trace did not stamp every move.
    #[error(
        "the simulation had a time limit but its trace holds {times} move times for {moves} moves"
    )]
    Untimed {
        /// Moves kept.
        moves: usize,
        /// Times kept.
        times: usize,
    },
    /// The agreement's certificate cannot be computed.
    #[error("computing the agreement certificate: {0}")]
    Certificate(#[source] crate::certificate::CertificateError),
    /// A record that does not read as a session.
    #[error("event {seq}: {reason}")]
    Record {
        /// The entry's sequence number.
        seq: u64,
        /// What is wrong.
        reason: String,
    },
    /// A recorded package that is not one of the scenario's.
    #[error("event {seq}: {source}")]
    Package {
        /// The entry's sequence number.
        seq: u64,
        /// Why.
        source: OfferError,
    },
}
