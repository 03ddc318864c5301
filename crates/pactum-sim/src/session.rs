//! The state of one negotiation: who sits where, the clock, the round, the
//! recorder. Protocols mutate it round by round; the runner reads the result.

use std::fmt::Debug;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
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

/// Where a clock reads the time elapsed since the negotiation started.
///
/// Only deadlines with a wall-clock limit ever read it: with a deadline in
/// rounds alone, a negotiation is a pure function of the scenario, the
/// strategies and the seed, whatever the source.
pub trait TimeSource: Debug + Send + Sync {
    fn elapsed(&self) -> Duration;
}

/// The real clock: time since the source was made.
#[derive(Debug, Clone, Copy)]
pub struct WallClock(Instant);

impl WallClock {
    pub fn start() -> Self {
        WallClock(Instant::now())
    }
}

impl TimeSource for WallClock {
    fn elapsed(&self) -> Duration {
        self.0.elapsed()
    }
}

/// A clock that moves only when told to (for tests and replays): clones
/// share one reading, so a negotiator or test harness can advance the clock
/// a session reads.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Arc<AtomicU64>);

impl ManualClock {
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let nanos = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        let _ = self
            .0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| {
                Some(t.saturating_add(nanos))
            });
    }
}

impl TimeSource for ManualClock {
    fn elapsed(&self) -> Duration {
        Duration::from_nanos(self.0.load(Ordering::SeqCst))
    }
}

/// The protocol's clock. Relative time in round s of N is (s + 1)/(N + 1)
/// (NegMAS's convention), or the share of the wall-clock limit used if that
/// is larger, capped at 1.
#[derive(Debug, Clone)]
pub struct Clock {
    pub deadline: Deadline,
    source: Arc<dyn TimeSource>,
}

impl Clock {
    /// A clock on the real time, started now.
    pub fn start(deadline: Deadline) -> Self {
        Self::with_source(deadline, Arc::new(WallClock::start()))
    }

    /// A clock reading elapsed time from `source`.
    pub fn with_source(deadline: Deadline, source: Arc<dyn TimeSource>) -> Self {
        Clock { deadline, source }
    }

    /// Time elapsed, read only when the deadline has a time limit.
    fn used(&self) -> Option<f64> {
        self.deadline
            .time_limit
            .map(|l| self.source.elapsed().as_secs_f64() / l.as_secs_f64())
    }

    pub fn time(&self, step: usize) -> f64 {
        let by_steps = self
            .deadline
            .steps
            .map_or(-1.0, |n| (step + 1) as f64 / (n + 1) as f64);
        let by_clock = self.used().unwrap_or(-1.0);
        by_steps.max(by_clock).min(1.0)
    }

    /// Whether round `step` may not start.
    pub fn expired(&self, step: usize) -> bool {
        self.deadline.steps.is_some_and(|n| step >= n) || self.out_of_time()
    }

    /// Whether the wall-clock limit (if any) has passed.
    pub fn out_of_time(&self) -> bool {
        self.deadline
            .time_limit
            .is_some_and(|l| self.source.elapsed() >= l)
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
        Self::with_clock(space, prefs, negotiators, Clock::start(deadline), record)
    }

    /// A session on the given clock (e.g. a [`ManualClock`] in tests).
    pub fn with_clock(
        space: Arc<OutcomeSpace>,
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
