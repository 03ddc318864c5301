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
//!
//! Negotiators that talk (the `llm` strategy) attach a [`Note`] to a move:
//! its message, what the message leaked, or that a fallback strategy made
//! the move. Notes are kept with the move they go with ([`MoveNote`]) when
//! recording; every seat's count of messages sent and flagged is kept
//! always ([`Words`]), for tournaments. A negotiation of classic
//! strategies has no notes and no counts.

use std::time::Duration;

use serde::Serialize;

use pactum_protocol::{partial_rounds, sao};

use crate::negotiator::{Note, Response};
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

/// Where a note's move shows in the events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The move is the offer of `events[event]`.
    Offer {
        /// The event's index.
        event: usize,
    },
    /// The move is an answer (accept, reject, end, leave) to the offer of
    /// `events[event]`.
    Response {
        /// The event's index.
        event: usize,
    },
    /// The move shows in no event (ending before any offer).
    Alone,
}

/// A note with the move it goes with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveNote {
    /// The move's index in [`Trace::moves`].
    pub index: usize,
    /// The seat that moved.
    pub seat: usize,
    /// The round, from 0.
    pub step: usize,
    /// Where the move shows in the events.
    pub place: Place,
    /// The note.
    pub note: Note,
}

/// One seat's messages: how many it sent, how many were flagged as
/// leaking its private preferences.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Words {
    /// Messages sent.
    pub sent: u64,
    /// Messages flagged.
    pub flagged: u64,
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
    /// Notes on moves, in move order (kept when recording).
    #[serde(skip)]
    pub notes: Vec<MoveNote>,
    /// Messages per seat (kept always; empty when nobody talked).
    #[serde(skip)]
    pub words: Vec<Words>,
}

impl Trace {
    /// A recorder; `enabled: false` keeps nothing.
    pub fn new(enabled: bool) -> Self {
        Trace {
            events: Vec::new(),
            moves: Vec::new(),
            times: MoveTimes::default(),
            enabled,
            notes: Vec::new(),
            words: Vec::new(),
        }
    }

    /// Records `note` on the move `seat` just made in round `step` (the
    /// last move recorded), shown at `place`; counts its message whether
    /// recording or not.
    pub fn note(&mut self, seat: usize, step: usize, place: Place, note: Note) {
        if note.message.is_some() {
            if self.words.len() <= seat {
                self.words.resize(seat + 1, Words::default());
            }
            self.words[seat].sent += 1;
            self.words[seat].flagged += u64::from(!note.leaks.is_empty());
        }
        if self.enabled
            && let Some(index) = self.moves.len().checked_sub(1)
        {
            self.notes.push(MoveNote {
                index,
                seat,
                step,
                place,
                note,
            });
        }
    }

    /// The note on move `index`, if any.
    pub fn note_of(&self, index: usize) -> Option<&Note> {
        self.notes
            .iter()
            .find(|n| n.index == index)
            .map(|n| &n.note)
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
