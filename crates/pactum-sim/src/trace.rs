//! The recorder: what happened in a negotiation, move by move.
//!
//! Recording is optional — a tournament needs only results, and skipping
//! the trace keeps a negotiation free of allocations — and holds outcome
//! ids only; packages and utilities are looked up when the trace is shown.
//! Beside the offers it keeps every move the engine accepted, in order
//! ([`Step`]): what a record of the negotiation is written from and what a
//! scripted re-run replays.

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

/// The events of one negotiation (empty when not recording).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Trace {
    /// Offers and proposals, in order.
    pub events: Vec<Event>,
    /// Every move the engine accepted, in order.
    #[serde(skip)]
    pub moves: Vec<Step>,
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

    /// Records a move the engine accepted (`mv` is built only when recording).
    pub fn moved(&mut self, seat: usize, mv: impl FnOnce() -> Move) {
        if self.enabled {
            self.moves.push(Step { seat, mv: mv() });
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
