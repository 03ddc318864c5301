//! The recorder: what happened in a negotiation, move by move.
//!
//! Recording is optional — a tournament needs only results, and skipping
//! the trace keeps a negotiation free of allocations — and holds outcome
//! ids only; packages and utilities are looked up when the trace is shown.
//! Beside the offers it keeps every move the engine accepted, in order
//! ([`Step`]): what a record of the negotiation is written from and what a
//! scripted re-run replays. Under a wall-clock limit it also keeps when
//! each move was made ([`MoveTimes`]): the time read just before the
//! expiry check that let the move be asked for (so before the limit), and
//! the time the limit was found passed (after it), so a record of the
//! negotiation re-runs on the recorded clock to the same end.

use std::time::Duration;

use serde::Serialize;

use pactum_protocol::{partial_rounds, sao};

use crate::negotiator::Response;
use crate::space::OutcomeId;

/// One offer (or mediator proposal) and the answers it got.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Round, from 0.
    pub step: usize,
    /// Relative time of the round.
    pub time: f64,
    /// Seat that made the offer; `None` for a mediator's proposal.
    pub proposer: Option<usize>,
    /// The package offered or proposed.
    pub offer: OutcomeId,
    /// Seats that answered, in order, and how.
    pub responses: Vec<(usize, Response)>,
}

/// A move as the engine took it, in the protocol played.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Move {
    /// Stacked alternating offers.
    Sao(sao::Move<OutcomeId>),
    /// Single text: a vote on the current proposal (as counted: a yes-vote
    /// for a package beyond the voter's limits is a veto).
    Vote(bool),
    /// Partial rounds (proposal ids are the runner's, from 1).
    Partial(partial_rounds::Move),
}

/// One move the engine accepted: who made it and what it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The seat that moved.
    pub seat: usize,
    /// The move.
    pub mv: Move,
}

/// When a negotiation's moves were made: `moves[i]` is the time of the
/// i-th move since the negotiation started, `expired` the time at which it
/// was found out of time, if it was. Empty without a wall-clock limit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MoveTimes {
    /// Each move's time, in the list's order.
    pub moves: Vec<Duration>,
    /// When the deadline was found passed, if it was.
    pub expired: Option<Duration>,
}

/// The events of one negotiation (empty when not recording).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Trace {
    /// Offers and proposals, in order.
    pub events: Vec<Event>,
    /// Every move the engine accepted, in order.
    #[serde(skip)]
    pub moves: Vec<Step>,
    /// When each move was made (kept under a wall-clock limit only).
    #[serde(skip)]
    pub times: MoveTimes,
    #[serde(skip)]
    /// Whether events are kept.
    pub enabled: bool,
}

impl Trace {
    /// A recorder; `enabled: false` keeps nothing.
    pub fn new(enabled: bool) -> Self {
        Trace {
            events: Vec::new(),
            moves: Vec::new(),
            times: MoveTimes::default(),
            enabled,
        }
    }

    /// Records an offer (or a mediator's proposal, `proposer` `None`).
    pub fn offer(&mut self, step: usize, time: f64, proposer: Option<usize>, offer: OutcomeId) {
        if self.enabled {
            self.events.push(Event {
                step,
                time,
                proposer,
                offer,
                responses: Vec::new(),
            });
        }
    }

    /// Records a move the engine accepted (`mv` is built only when
    /// recording), made at `at` (under a wall-clock limit).
    pub fn moved(&mut self, seat: usize, at: Option<Duration>, mv: impl FnOnce() -> Move) {
        if self.enabled {
            self.moves.push(Step { seat, mv: mv() });
            if let Some(at) = at {
                self.times.moves.push(at);
            }
        }
    }

    /// Records that the wall-clock limit was found passed at `at`.
    pub fn expired(&mut self, at: Option<Duration>) {
        if self.enabled {
            self.times.expired = at;
        }
    }

    /// Records an answer to the latest offer.
    pub fn response(&mut self, seat: usize, response: Response) {
        if self.enabled
            && let Some(e) = self.events.last_mut()
        {
            e.responses.push((seat, response));
        }
    }
}
