//! What one server grants its callers, so that no request, and no crowd of
//! them, can take it down.
//!
//! Rules enforced here (each limit is a field of [`ServerLimits`], set by
//! `pactum serve` flags; `docs/budgets.md` lists the defaults):
//!
//! - **Heavy analysis** (suggestions, certificates, the mediator's utility
//!   space) runs on the blocking pool, at most
//!   [`ServerLimits::analysis_workers`] at a time, each within
//!   [`ServerLimits::analysis_deadline`] counted from the request. A request
//!   that cannot start one in time is answered 503 with `Retry-After`; one
//!   whose analysis runs past the deadline 422. Either way, and when the
//!   client goes away, the analysis is told to stop (its cancellation flag
//!   is set), and its worker slot is freed only once it has.
//! - **Scenarios** are checked at session creation against the analysis
//!   budget: a session whose suggestions or certificate could not be
//!   computed within it is refused with 422, before anything is stored.
//! - **Event streams**: at most [`ServerLimits::max_subscribers`] open
//!   streams, and [`ServerLimits::max_subscribers_per_session`] per session;
//!   beyond that 429 (per session) or 503 (overall), with `Retry-After`.
//! - **Session creation** is rate-limited per client address (a token
//!   bucket refilled at [`ServerLimits::sessions_per_minute`], holding as
//!   many): beyond it 429 with `Retry-After`. Requests that reach the router
//!   without a peer address (in-process calls) are not limited.
//! - The HTTP layer (connection caps, the header-read timeout) is enforced
//!   by [`crate::serve_with`] with the fields of the same struct.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pactum_core::Scenario;
use pactum_core::analysis::{AnalysisOptions, Budget, check_budget};
use tokio::sync::Semaphore;

/// The limits of one server. [`ServerLimits::default`] is what `pactum
/// serve` uses without flags.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerLimits {
    /// Connections served at once. Beyond it, up to
    /// [`ServerLimits::overflow_connections`] more are accepted and answer
    /// only `GET /health` (anything else gets 503 with `Retry-After`);
    /// beyond those, new connections get a 503 and are closed at once.
    pub max_connections: usize,
    /// Connections accepted beyond [`ServerLimits::max_connections`] to
    /// answer `/health` (and a 503 to anything else).
    pub overflow_connections: usize,
    /// Time a connection has to send a request's headers (also how long an
    /// idle kept-alive connection stays open, and how long a request's body
    /// may then take).
    pub header_read_timeout: Duration,
    /// Event streams open at once, all sessions together.
    pub max_subscribers: usize,
    /// Event streams open at once on one session.
    pub max_subscribers_per_session: usize,
    /// Sessions one client address may create per minute (and at once, in
    /// a burst); 0 for no limit.
    pub sessions_per_minute: u32,
    /// Heavy analyses computed at once.
    pub analysis_workers: usize,
    /// Time a heavy analysis may take, from the request (waiting for a
    /// worker included).
    pub analysis_deadline: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            max_connections: 512,
            overflow_connections: 64,
            header_read_timeout: Duration::from_secs(10),
            max_subscribers: 256,
            max_subscribers_per_session: 32,
            sessions_per_minute: 30,
            analysis_workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            analysis_deadline: Duration::from_secs(20),
        }
    }
}

/// Seconds a refused caller is told to wait before retrying when nothing
/// better is known.
/// Longest deadline a session may have.
pub const MAX_DEADLINE_ROUNDS: u64 = 10_000;

const RETRY_AFTER_SECS: u64 = 1;

/// The limits as the handlers enforce them: the counters and pools behind
/// [`ServerLimits`].
pub(crate) struct Limits {
    pub(crate) config: ServerLimits,
    analyses: Arc<Semaphore>,
    subscribers: Arc<Mutex<Subscribers>>,
    creations: Mutex<HashMap<IpAddr, Bucket>>,
}

impl Limits {
    pub(crate) fn new(config: ServerLimits) -> Self {
        Limits {
            analyses: Arc::new(Semaphore::new(config.analysis_workers.max(1))),
            subscribers: Default::default(),
            creations: Default::default(),
            config,
        }
    }

    /// Runs `work`, a heavy analysis, on the blocking pool under the
    /// analysis budget: it is handed the options to analyse with (their
    /// deadline and cancellation flag set). See the module documentation
    /// for the answers when a worker or the time runs out. Dropping the
    /// returned future (the client went away) cancels the analysis.
    pub(crate) async fn analyse<T: Send + 'static>(
        &self,
        work: impl FnOnce(&AnalysisOptions) -> T + Send + 'static,
    ) -> Result<T, LimitError> {
        let budget = self.config.analysis_deadline;
        let deadline = tokio::time::Instant::now() + budget;
        let permit = tokio::time::timeout_at(deadline, self.analyses.clone().acquire_owned())
            .await
            .map_err(|_| LimitError::Busy {
                retry_after: RETRY_AFTER_SECS,
            })?
            .map_err(|e| LimitError::Failed(Box::new(e)))?;
        let cancel = Arc::new(AtomicBool::new(false));
        let _stop_when_dropped = CancelOnDrop(cancel.clone());
        let options = analysis_options(deadline.into_std(), cancel.clone());
        let task = tokio::task::spawn_blocking(move || {
            // The worker slot is held until the work itself returns.
            let _permit = permit;
            work(&options)
        });
        match tokio::time::timeout_at(deadline, task).await {
            Ok(done) => done.map_err(|e| LimitError::Failed(Box::new(e))),
            Err(_) => Err(LimitError::Deadline { budget }),
        }
    }

    /// A new event stream on `session_id`, if there is room for it: the
    /// guard keeps its place until dropped.
    pub(crate) fn subscribe(&self, session_id: &str) -> Result<SubscriberGuard, LimitError> {
        let mut subs = self.subscribers.lock().unwrap();
        if subs.total >= self.config.max_subscribers {
            return Err(LimitError::StreamsFull {
                retry_after: RETRY_AFTER_SECS * 5,
            });
        }
        let here = subs.by_session.entry(session_id.to_string()).or_default();
        if *here >= self.config.max_subscribers_per_session {
            return Err(LimitError::SessionStreamsFull {
                open: self.config.max_subscribers_per_session,
                retry_after: RETRY_AFTER_SECS * 5,
            });
        }
        *here += 1;
        subs.total += 1;
        Ok(SubscriberGuard {
            subscribers: self.subscribers.clone(),
            session_id: session_id.to_string(),
        })
    }

    /// Takes one session creation from `client`'s allowance, or says how
    /// long it must wait (429 with `Retry-After`).
    pub(crate) fn allow_creation(&self, client: Option<IpAddr>) -> Result<(), LimitError> {
        let per_minute = self.config.sessions_per_minute;
        let Some(client) = client.filter(|_| per_minute > 0) else {
            return Ok(());
        };
        let now = Instant::now();
        let capacity = f64::from(per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self.creations.lock().unwrap();
        if buckets.len() >= MAX_BUCKETS {
            // Full buckets are the same as none.
            buckets.retain(|_, b| b.level(now, per_second, capacity) < capacity);
            if buckets.len() >= MAX_BUCKETS {
                buckets.clear();
            }
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        bucket.tokens = bucket.level(now, per_second, capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(());
        }
        let wait = ((1.0 - bucket.tokens) / per_second).ceil().max(1.0) as u64;
        Err(LimitError::TooManyCreations { per_minute, wait })
    }
}

/// Client addresses whose session creations are tracked at once; beyond
/// it, the idle ones are forgotten.
const MAX_BUCKETS: usize = 100_000;

/// A client address's allowance of session creations.
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    /// Tokens at `now`, refilled since the last use.
    fn level(&self, now: Instant, per_second: f64, capacity: f64) -> f64 {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        (self.tokens + elapsed * per_second).min(capacity)
    }
}

/// Open event streams, overall and by session.
#[derive(Default)]
struct Subscribers {
    total: usize,
    by_session: HashMap<String, usize>,
}

/// One open event stream's place; freed when dropped.
pub(crate) struct SubscriberGuard {
    subscribers: Arc<Mutex<Subscribers>>,
    session_id: String,
}

impl Drop for SubscriberGuard {
    fn drop(&mut self) {
        let mut subs = self.subscribers.lock().unwrap();
        subs.total = subs.total.saturating_sub(1);
        if let Some(n) = subs.by_session.get_mut(&self.session_id) {
            *n -= 1;
            if *n == 0 {
                subs.by_session.remove(&self.session_id);
            }
        }
    }
}

/// Sets an analysis's cancellation flag when its request is dropped
/// (answered, timed out, or its client gone).
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Why the server's limits refused (or could not run) some work; the
/// HTTP layer gives each its status (`http::status`), with `Retry-After`
/// where waiting helps.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LimitError {
    /// Every analysis worker stayed busy until the request's deadline.
    #[error("the server is busy with other analyses; retry later")]
    Busy {
        /// Seconds to wait before retrying.
        retry_after: u64,
    },
    /// The analysis ran past the server's time limit.
    #[error(
        "the analysis did not finish within the server's limit of {} s: the scenario is too large for it",
        budget.as_secs_f64()
    )]
    Deadline {
        /// The limit.
        budget: Duration,
    },
    /// The server has as many event streams open as it serves.
    #[error("the server has as many event streams open as it serves; retry later")]
    StreamsFull {
        /// Seconds to wait before retrying.
        retry_after: u64,
    },
    /// The session has as many event streams open as one session may.
    #[error("this session already has {open} event streams open; close one or retry later")]
    SessionStreamsFull {
        /// The most a session may have.
        open: usize,
        /// Seconds to wait before retrying.
        retry_after: u64,
    },
    /// The address created sessions faster than allowed.
    #[error(
        "too many sessions created from this address: at most {per_minute} a minute; retry in {wait} s"
    )]
    TooManyCreations {
        /// The allowance.
        per_minute: u32,
        /// Seconds until the next creation is allowed.
        wait: u64,
    },
    /// The worker pool failed (a closed pool, a task that panicked).
    #[error("an analysis worker failed")]
    Failed(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The options heavy analyses run with: the core's default budget, with
/// the request's deadline and cancellation flag.
fn analysis_options(deadline: Instant, cancel: Arc<AtomicBool>) -> AnalysisOptions {
    AnalysisOptions::with_budget(Budget {
        deadline: Some(deadline),
        cancel: Some(cancel),
        ..Budget::default()
    })
}

/// Whether the analyses a session needs (suggestions, its certificate) can
/// be done within the analysis budget, as far as the core's pre-check can
/// tell from the scenario without doing them: the message says why not.
pub(crate) fn check_analysable(scenario: &Scenario) -> Result<(), NotAnalysable> {
    check_budget(scenario, &AnalysisOptions::default()).map_err(NotAnalysable)
}

/// A scenario whose analyses do not fit the server's budget.
#[derive(Debug, thiserror::Error)]
#[error(
    "the server cannot analyse this scenario (for suggestions and the agreement certificate): {0}"
)]
pub(crate) struct NotAnalysable(#[source] pactum_core::analysis::AnalysisError);

impl NotAnalysable {
    /// Whether the only obstacle is the number of outcomes a non-additive
    /// utility would make the analysis enumerate: negotiating on such a
    /// space searches it instead.
    pub(crate) fn is_searchable(&self) -> bool {
        matches!(
            self.0,
            pactum_core::analysis::AnalysisError::TooLarge { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(workers: usize, deadline_ms: u64) -> Limits {
        Limits::new(ServerLimits {
            analysis_workers: workers,
            analysis_deadline: Duration::from_millis(deadline_ms),
            ..ServerLimits::default()
        })
    }

    /// Work that ignores its cancellation flag keeps its worker until it
    /// returns: meanwhile another analysis gets 503 with `Retry-After` at
    /// its deadline, and the first 422 at its own.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_busy_pool_answers_503_and_an_overlong_analysis_422() {
        let limits = Arc::new(limits(1, 300));
        let stubborn = tokio::spawn({
            let limits = limits.clone();
            async move {
                limits
                    .analyse(|_| std::thread::sleep(Duration::from_millis(1200)))
                    .await
            }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        let started = Instant::now();
        let waiting = limits.analyse(|_| ()).await.unwrap_err();
        assert!(
            matches!(waiting, LimitError::Busy { retry_after } if retry_after == RETRY_AFTER_SECS),
            "{waiting:?}"
        );
        assert!(started.elapsed() < Duration::from_millis(800));
        let overlong = stubborn.await.unwrap().unwrap_err();
        assert!(matches!(overlong, LimitError::Deadline { .. }));
        assert!(
            overlong.to_string().contains("did not finish"),
            "{overlong:?}"
        );
        // Once the work returned, the worker is free again.
        tokio::time::sleep(Duration::from_millis(1200)).await;
        assert_eq!(limits.analyse(|_| 7).await.unwrap(), 7);
    }

    /// The work sees the deadline and the flag, and the flag is set once
    /// its request is dropped.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn dropping_the_request_sets_the_cancellation_flag() {
        let limits = Arc::new(limits(1, 60_000));
        let (seen, flag) = std::sync::mpsc::channel();
        let request = tokio::spawn(async move {
            limits
                .analyse(move |options| {
                    let cancel = options.budget.cancel.clone().unwrap();
                    assert!(options.budget.deadline.is_some());
                    seen.send(cancel.clone()).unwrap();
                    while !cancel.load(Ordering::Relaxed) {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                })
                .await
        });
        let cancel = tokio::task::spawn_blocking(move || flag.recv().unwrap())
            .await
            .unwrap();
        assert!(!cancel.load(Ordering::Relaxed));
        request.abort();
        let _ = request.await;
        assert!(cancel.load(Ordering::Relaxed));
    }

    #[test]
    fn creations_are_limited_per_address() {
        let limits = Limits::new(ServerLimits {
            sessions_per_minute: 2,
            ..ServerLimits::default()
        });
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(limits.allow_creation(Some(a)).is_ok());
        assert!(limits.allow_creation(Some(a)).is_ok());
        let refused = limits.allow_creation(Some(a)).unwrap_err();
        // One token comes back every 30 s.
        assert!(
            matches!(
                refused,
                LimitError::TooManyCreations {
                    wait: 29..=30,
                    per_minute: 2
                }
            ),
            "{refused:?}"
        );
        assert!(limits.allow_creation(Some(b)).is_ok());
        assert!(limits.allow_creation(None).is_ok());
    }
}
