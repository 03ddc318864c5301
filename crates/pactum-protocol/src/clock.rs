//! Time, as a protocol sees it: deadlines in rounds and in wall-clock time,
//! and relative time.
//!
//! Rules kept here:
//! * a [`Deadline`] allows at least one round: a number of rounds (≥ 1), a
//!   wall-clock limit (> 0), or both, whichever comes first
//!   ([`Deadline::check`]);
//! * relative time in round s of N is (s + 1)/(N + 1) (NegMAS's
//!   convention), or the share of the wall-clock limit used if that is
//!   larger, capped at 1 ([`Clock::time`]);
//! * elapsed time is read only through a [`TimeSource`], and only when the
//!   deadline has a wall-clock limit: with a deadline in rounds alone, a
//!   negotiation is a pure function of its moves.

use std::fmt::Debug;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// When a negotiation must end: a number of rounds, a wall-clock limit, or
/// both (whichever comes first).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Deadline {
    /// Rounds allowed.
    pub steps: Option<usize>,
    /// Wall-clock time allowed.
    pub time_limit: Option<Duration>,
}

/// Why a deadline allows no round at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// Neither rounds nor time given.
    #[error("give a number of rounds, a time limit, or both")]
    Missing,
    /// Zero rounds.
    #[error("0 rounds")]
    ZeroRounds,
    /// A time limit of zero.
    #[error("a time limit of 0 s")]
    ZeroTime,
}

impl Deadline {
    /// A deadline of `n` rounds and no time limit.
    pub fn steps(n: usize) -> Self {
        Deadline {
            steps: Some(n),
            time_limit: None,
        }
    }

    /// Checks that the deadline allows at least one round.
    pub fn check(&self) -> Result<(), DeadlineError> {
        match (self.steps, self.time_limit) {
            (None, None) => Err(DeadlineError::Missing),
            (Some(0), _) => Err(DeadlineError::ZeroRounds),
            (_, Some(d)) if d.is_zero() => Err(DeadlineError::ZeroTime),
            _ => Ok(()),
        }
    }
}

/// Where a clock reads the time elapsed since the negotiation started.
pub trait TimeSource: Debug + Send + Sync {
    /// Time elapsed since the negotiation started.
    fn elapsed(&self) -> Duration;
}

/// The real clock: time since the source was made.
#[derive(Debug, Clone, Copy)]
pub struct WallClock(Instant);

impl WallClock {
    /// A wall clock started now.
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
/// share one reading, so a negotiator, a test harness or a replayer can
/// advance the clock a negotiation reads.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Arc<AtomicU64>);

impl ManualClock {
    /// A manual clock at zero.
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

    /// Sets the clock to `at` (a replay sets each move's recorded time).
    pub fn set(&self, at: Duration) {
        let nanos = u64::try_from(at.as_nanos()).unwrap_or(u64::MAX);
        self.0.store(nanos, Ordering::SeqCst);
    }
}

impl TimeSource for ManualClock {
    fn elapsed(&self) -> Duration {
        Duration::from_nanos(self.0.load(Ordering::SeqCst))
    }
}

/// A negotiation's clock: its deadline and where it reads the time.
#[derive(Debug, Clone)]
pub struct Clock {
    deadline: Deadline,
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

    /// The deadline.
    #[inline]
    pub fn deadline(&self) -> &Deadline {
        &self.deadline
    }

    /// Share of the time limit used, read only when there is one.
    #[inline]
    fn used(&self) -> Option<f64> {
        self.deadline
            .time_limit
            .map(|l| self.source.elapsed().as_secs_f64() / l.as_secs_f64())
    }

    /// Time elapsed since the start, read only when the deadline has a
    /// wall-clock limit (`None` otherwise): what a recorder stamps a move
    /// with.
    #[inline]
    pub fn elapsed(&self) -> Option<Duration> {
        self.deadline.time_limit.map(|_| self.source.elapsed())
    }

    /// Relative time in round `step`, in [0, 1].
    #[inline]
    pub fn time(&self, step: usize) -> f64 {
        let by_steps = self
            .deadline
            .steps
            .map_or(-1.0, |n| (step + 1) as f64 / (n + 1) as f64);
        let by_clock = self.used().unwrap_or(-1.0);
        by_steps.max(by_clock).min(1.0)
    }

    /// Whether round `step` may not start (rounds used up or time out).
    #[inline]
    pub fn expired(&self, step: usize) -> bool {
        self.deadline.steps.is_some_and(|n| step >= n) || self.out_of_time()
    }

    /// Whether the wall-clock limit (if any) has passed.
    #[inline]
    pub fn out_of_time(&self) -> bool {
        self.deadline
            .time_limit
            .is_some_and(|l| self.source.elapsed() >= l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_allows_at_least_one_round() {
        assert_eq!(Deadline::steps(3).check(), Ok(()));
        assert_eq!(Deadline::steps(0).check(), Err(DeadlineError::ZeroRounds));
        let none = Deadline {
            steps: None,
            time_limit: None,
        };
        assert_eq!(none.check(), Err(DeadlineError::Missing));
        let zero = Deadline {
            steps: None,
            time_limit: Some(Duration::ZERO),
        };
        assert_eq!(zero.check(), Err(DeadlineError::ZeroTime));
    }

    #[test]
    fn relative_time_is_negmas_convention_or_the_share_of_time_used() {
        let clock = Clock::start(Deadline::steps(4));
        assert_eq!(clock.time(0), 0.2);
        assert_eq!(clock.time(3), 0.8);
        assert!(!clock.expired(3));
        assert!(clock.expired(4));
        let manual = ManualClock::new();
        let both = Clock::with_source(
            Deadline {
                steps: Some(4),
                time_limit: Some(Duration::from_secs(10)),
            },
            Arc::new(manual.clone()),
        );
        assert_eq!(both.time(0), 0.2);
        manual.advance(Duration::from_secs(5));
        assert_eq!(both.time(0), 0.5);
        assert_eq!(both.elapsed(), Some(Duration::from_secs(5)));
        assert!(!both.out_of_time());
        manual.set(Duration::from_secs(10));
        assert!(both.out_of_time() && both.expired(0));
        assert_eq!(both.time(0), 1.0);
    }

    /// A source that panics when read: a deadline in rounds never reads it.
    #[derive(Debug)]
    struct Unreadable;
    impl TimeSource for Unreadable {
        fn elapsed(&self) -> Duration {
            panic!("read")
        }
    }

    #[test]
    fn a_deadline_in_rounds_never_reads_the_source() {
        let clock = Clock::with_source(Deadline::steps(2), Arc::new(Unreadable));
        assert_eq!(clock.time(1), 2.0 / 3.0);
        assert!(!clock.out_of_time());
        assert_eq!(clock.elapsed(), None);
        assert!(clock.expired(2));
    }
}
