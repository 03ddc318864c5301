//! The state of one negotiation: who sits where, the clock, the round, the
//! recorder. Protocols mutate it round by round; the runner reads the result.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::error::SimError;
use crate::negotiator::{Negotiator, Now};
use crate::prefs::PartyPrefs;
use crate::space::{OutcomeId, OutcomeSpace};
use crate::trace::Trace;

/// When a negotiation must end: a number of rounds, a wall-clock limit, or both.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Deadline {
    pub steps: Option<usize>,
    pub time_limit: Option<Duration>,
}

impl Deadline {
    pub fn steps(n: usize) -> Self {
        Deadline {
            steps: Some(n),
            time_limit: None,
        }
    }

    pub fn check(&self) -> Result<(), SimError> {
        match (self.steps, self.time_limit) {
            (None, None) => Err(SimError::NoDeadline(
                "give a number of rounds, a time limit, or both".into(),
            )),
            (Some(0), _) => Err(SimError::NoDeadline("0 rounds".into())),
            (_, Some(d)) if d.is_zero() => Err(SimError::NoDeadline("a time limit of 0 s".into())),
            _ => Ok(()),
        }
    }
}

/// The protocol's clock. Relative time in round s of N is (s + 1)/(N + 1)
/// (NegMAS's convention), or the share of the wall-clock limit used if that
/// is larger, capped at 1.
#[derive(Debug, Clone)]
pub struct Clock {
    pub deadline: Deadline,
    started: Instant,
}

impl Clock {
    pub fn start(deadline: Deadline) -> Self {
        Clock {
            deadline,
            started: Instant::now(),
        }
    }

    pub fn time(&self, step: usize) -> f64 {
        let by_steps = self
            .deadline
            .steps
            .map_or(-1.0, |n| (step + 1) as f64 / (n + 1) as f64);
        let by_clock = self.deadline.time_limit.map_or(-1.0, |l| {
            self.started.elapsed().as_secs_f64() / l.as_secs_f64()
        });
        by_steps.max(by_clock).min(1.0)
    }

    /// Whether round `step` may not start.
    pub fn expired(&self, step: usize) -> bool {
        self.deadline.steps.is_some_and(|n| step >= n)
            || self
                .deadline
                .time_limit
                .is_some_and(|l| self.started.elapsed() >= l)
    }

    pub fn now(&self, step: usize) -> Now {
        Now {
            step,
            n_steps: self.deadline.steps,
            time: self.time(step),
        }
    }
}

/// How a negotiation ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum End {
    /// Every party accepted the standing offer.
    Agreement,
    /// The deadline passed (a single-text draft accepted by all still stands).
    Deadline,
    /// A party walked away.
    Ended { seat: usize },
    /// A party made an invalid move, which the protocol refused.
    Invalid { seat: usize, reason: String },
}

/// One negotiation in progress.
pub struct Session {
    pub space: Arc<OutcomeSpace>,
    /// Each seat's preferences (the protocol's copy, for its checks).
    pub prefs: Vec<Arc<PartyPrefs>>,
    pub negotiators: Vec<Box<dyn Negotiator>>,
    pub clock: Clock,
    /// The round being played (rounds started so far, after the last one).
    pub step: usize,
    pub trace: Trace,
}

impl Session {
    pub fn new(
        space: Arc<OutcomeSpace>,
        prefs: Vec<Arc<PartyPrefs>>,
        negotiators: Vec<Box<dyn Negotiator>>,
        deadline: Deadline,
        record: bool,
    ) -> Self {
        Session {
            space,
            prefs,
            negotiators,
            clock: Clock::start(deadline),
            step: 0,
            trace: Trace::new(record),
        }
    }

    pub fn seats(&self) -> usize {
        self.negotiators.len()
    }

    pub fn now(&self) -> Now {
        self.clock.now(self.step)
    }

    /// The protocol's check of an offer by `seat`: inside the outcome space,
    /// and acceptable to the proposer itself (offering is accepting).
    pub fn check_offer(&self, seat: usize, offer: OutcomeId) -> Result<(), String> {
        if !self.space.contains(offer) {
            return Err(format!(
                "offer #{offer} is outside the outcome space ({} outcomes)",
                self.space.len()
            ));
        }
        self.check_acceptable(seat, offer)
            .map_err(|e| format!("offers a package it cannot accept itself: {e}"))
    }

    /// The reservation-value check: nobody may accept a package below its
    /// reservation value or over one of its red lines.
    pub fn check_acceptable(&self, seat: usize, offer: OutcomeId) -> Result<(), String> {
        let p = &self.prefs[seat];
        if p.forbids(offer) {
            return Err(format!("package #{offer} crosses a red line of {}", p.name));
        }
        if let Some(r) = p.reservation {
            let u = p.utility(offer);
            if u < r {
                return Err(format!(
                    "package #{offer} is worth {u:.6} to {}, below its reservation value {r}",
                    p.name
                ));
            }
        }
        Ok(())
    }
}
