//! Why a move was refused. A refused move changes nothing: the state is as
//! it was before it, and the caller decides what follows (the simulator
//! ends the negotiation, the server answers 4xx).

use serde::Serialize;

use crate::limits::{Seat, Unacceptable};
use crate::space::OutsideSpace;

/// A move the rules do not allow, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rejection {
    /// The negotiation is over.
    #[error("the negotiation is over")]
    Over,
    /// No such seat.
    #[error("there is no seat {seat} (seats 0 to {})", .seats.saturating_sub(1))]
    NoSuchSeat {
        /// The seat given.
        seat: Seat,
        /// Number of seats.
        seats: usize,
    },
    /// The seat has left the negotiation.
    #[error("seat {seat} has left the negotiation")]
    HasLeft {
        /// The seat.
        seat: Seat,
    },
    /// Another seat's turn.
    #[error("out of turn: it is seat {turn}'s turn")]
    OutOfTurn {
        /// Whose turn it is.
        turn: Seat,
    },
    /// Accept or reject before any offer.
    #[error("the first move must be an offer")]
    FirstMoveNotOffer,
    /// Accept or reject one's own standing offer.
    #[error("you made the standing offer; you cannot {action} it")]
    OwnOffer {
        /// "accept" or "reject".
        action: &'static str,
    },
    /// A package that is not one of the outcome space.
    #[error("{0}")]
    OutsideSpace(#[from] OutsideSpace),
    /// Offering a package the proposer may not accept itself.
    #[error("offers a package it cannot accept itself: {0}")]
    OffersUnacceptable(Unacceptable),
    /// Accepting a package the seat may not accept.
    #[error("accepts a package it may not: {0}")]
    AcceptsUnacceptable(Unacceptable),
    /// Single text: a second vote on the same proposal.
    #[error("you already voted on proposal {proposal}")]
    AlreadyVoted {
        /// The proposal.
        proposal: u64,
    },
    /// Single text: a vote naming a proposal that is not the current one.
    #[error("proposal {given} is not the current one (proposal {current})")]
    NotCurrent {
        /// The proposal named.
        given: u64,
        /// The current proposal.
        current: u64,
    },
    /// Single text: the mediator proposes from the seats' utilities, and
    /// the context gives none.
    #[error("the {mediator} mediator needs the parties' utilities, and none were given")]
    NeedsUtilities {
        /// The mediator's name.
        mediator: &'static str,
    },
    /// Partial rounds: a move after closing one's part of the round.
    #[error("you closed your part of round {round}: wait for the others")]
    Closed {
        /// The round.
        round: u64,
    },
    /// Partial rounds: a second proposal in the same round.
    #[error("you already proposed in round {round}")]
    AlreadyProposed {
        /// The round.
        round: u64,
    },
    /// Partial rounds: a proposal with no issue.
    #[error("a partial offer needs at least one issue")]
    EmptyProposal,
    /// Partial rounds: a proposal naming an issue twice.
    #[error("issue #{issue} is given twice")]
    RepeatedIssue {
        /// The issue.
        issue: usize,
    },
    /// Partial rounds: a proposal over an issue already settled.
    #[error("issue #{issue} is already settled")]
    Settled {
        /// The issue.
        issue: usize,
    },
    /// Partial rounds: a proposal id already used.
    #[error("proposal id {id} is already taken")]
    DuplicateProposal {
        /// The id.
        id: u64,
    },
    /// Partial rounds: accepting a proposal that is not open this round.
    #[error("no open proposal {id} in this round")]
    NoProposal {
        /// The id.
        id: u64,
    },
    /// Partial rounds: accepting one's own proposal.
    #[error("proposal {id} is your own")]
    OwnProposal {
        /// The id.
        id: u64,
    },
    /// Partial rounds: accepting a proposal twice.
    #[error("you already accepted proposal {id}")]
    AlreadyAccepted {
        /// The id.
        id: u64,
    },
}

/// Why a negotiation cannot be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetupError {
    /// The deadline allows no round.
    #[error("the deadline must allow at least one round: {0}")]
    NoDeadline(#[from] crate::clock::DeadlineError),
    /// Fewer than two seats.
    #[error("a negotiation needs at least two seats, not {seats}")]
    TooFewSeats {
        /// Seats given.
        seats: usize,
    },
    /// The mediator proposes from the seats' utilities, and none were given.
    #[error("the {mediator} mediator needs the parties' utilities, and none were given")]
    NeedsUtilities {
        /// The mediator's name.
        mediator: &'static str,
    },
    /// The outcome space has no outcome to start from.
    #[error("the outcome space has no outcome: {0}")]
    EmptySpace(#[from] OutsideSpace),
}
