//! One negotiation in progress as the simulator holds it: who sits where,
//! the clock, the recorder — and each seat's limits, which the protocol
//! engine consults (a negotiator never checks its own moves).
//!
//! Rules kept here: nobody may accept (or offer) a package below its
//! reservation value or over one of its red lines ([`Limits`]); a
//! negotiator is shown relative time in the round it acts in ([`now`]).

use std::sync::Arc;

use serde::Serialize;

use crate::negotiator::{Negotiator, Now};
use crate::prefs::PartyPrefs;
use crate::space::{OutcomeId, SimSpace};
use crate::trace::Trace;
use pactum_protocol::{Acceptability, Seat, Unacceptable};
pub use pactum_protocol::{Clock, Deadline, ManualClock, TimeSource, WallClock};

/// How a negotiation ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum End {
    /// Every remaining party accepted `outcome`.
    Agreement {
        /// The agreed package (also the result's `agreement`).
        #[serde(skip)]
        outcome: OutcomeId,
    },
    /// The deadline passed (a single-text draft accepted by all still stands).
    Deadline,
    /// A party walked away.
    Ended {
        /// Who.
        seat: usize,
    },
    /// Parties left until fewer than two remained.
    Deserted,
    /// A party made an invalid move, which the protocol refused.
    Invalid {
        /// Who.
        seat: usize,
        /// Why the move was refused.
        reason: String,
    },
}

/// What a negotiator is shown in round `step`.
#[inline]
pub fn now(clock: &Clock, step: usize) -> Now {
    Now {
        step,
        n_steps: clock.deadline().steps,
        time: clock.time(step),
    }
}

/// The seats' limits, from their preferences: the engine asks them whether
/// a seat may accept (or offer) a package.
#[derive(Debug, Clone, Copy)]
pub struct Limits<'a>(pub &'a [Arc<PartyPrefs>]);

impl Acceptability<OutcomeId> for Limits<'_> {
    #[inline]
    fn may_accept(&self, seat: Seat, outcome: &OutcomeId) -> Result<(), Unacceptable> {
        let p = &self.0[seat];
        if p.forbids(*outcome) {
            return Err(Unacceptable::RedLine {
                package: format!("#{outcome}"),
                party: p.name.clone(),
            });
        }
        match p.reservation {
            Some(r) if p.utility(*outcome) < r => Err(Unacceptable::BelowReservation {
                package: format!("#{outcome}"),
                party: p.name.clone(),
                utility: p.utility(*outcome),
                reservation: r,
            }),
            _ => Ok(()),
        }
    }
}

/// One negotiation in progress.
pub struct Session {
    /// The outcome space.
    pub space: Arc<SimSpace>,
    /// Each seat's preferences (the protocol's copy, for its checks).
    pub prefs: Vec<Arc<PartyPrefs>>,
    /// The negotiators, in seat order.
    pub negotiators: Vec<Box<dyn Negotiator>>,
    /// The clock.
    pub clock: Clock,
    /// The recorder.
    pub trace: Trace,
}

impl Session {
    /// A session on the real clock, started now.
    pub fn new(
        space: Arc<SimSpace>,
        prefs: Vec<Arc<PartyPrefs>>,
        negotiators: Vec<Box<dyn Negotiator>>,
        deadline: Deadline,
        record: bool,
    ) -> Self {
        Self::with_clock(space, prefs, negotiators, Clock::start(deadline), record)
    }

    /// A session on the given clock (e.g. a [`ManualClock`] in tests).
    pub fn with_clock(
        space: Arc<SimSpace>,
        prefs: Vec<Arc<PartyPrefs>>,
        negotiators: Vec<Box<dyn Negotiator>>,
        clock: Clock,
        record: bool,
    ) -> Self {
        Session {
            space,
            prefs,
            negotiators,
            clock,
            trace: Trace::new(record),
        }
    }

    /// The time to stamp a move with in the trace: read only when
    /// recording under a wall-clock limit. Read before the expiry check
    /// that lets the move be asked for, it is before the limit.
    pub fn stamp(&self) -> Option<std::time::Duration> {
        if self.trace.enabled {
            self.clock.elapsed()
        } else {
            None
        }
    }

    /// Number of seats.
    pub fn seats(&self) -> usize {
        self.negotiators.len()
    }
}
