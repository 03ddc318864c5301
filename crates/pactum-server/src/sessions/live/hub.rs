//! This process's watched sessions: one broadcast channel per session with
//! subscribers here, and on PostgreSQL the session's relay task. A feed
//! nobody watches any more is dropped; on SQLite a committed event is sent
//! to the channel right away, on PostgreSQL only the relay sends.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use pactum_core::Outcome;
use pactum_core::Scenario;
use sqlx::AnyPool;
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::limits::Limits;
use crate::sessions::error::SessionError;
use crate::sessions::published::Published;
use crate::store::{Backend, Db};
use crate::views::SuggestionContext;

/// PostgreSQL: work for a session's relay task, done in the order queued
/// (the order of the notifications).
pub(super) enum Job {
    /// A subscriber arrived: mark the session watched and, the first time,
    /// start relaying after the log's head. Answered once done.
    Watch(oneshot::Sender<Result<(), SessionError>>),
    /// Relay the committed log entries up to `seq` (all of them if `None`).
    Relay(Option<u64>),
    /// Renew the watch mark, then relay every committed entry.
    Renew,
    /// Relay up to entry `seq`, then the suggestions after round `round`.
    Suggest { seq: u64, round: u64 },
}

/// PostgreSQL: what the listener, renewal and relay tasks need.
pub(super) struct Relay {
    pub(super) pool: AnyPool,
    pub(super) url: String,
    pub(super) started: AtomicBool,
    /// Whether the listener is connected and listening.
    pub(super) listening: tokio::sync::watch::Sender<bool>,
}

/// SQLite: the suggestions to compute and stream after a round.
pub(super) struct SuggestJob {
    pub(super) round: u64,
    pub(super) scenario: Scenario,
    pub(super) standing: Option<Outcome>,
    pub(super) parties: Vec<usize>,
    pub(super) context: SuggestionContext,
}

/// Events buffered per session; a subscriber further behind catches up
/// from the log.
const CHANNEL_CAPACITY: usize = 256;

/// One watched session of this process: its channel and, on PostgreSQL,
/// the queue of the task relaying its log to it.
pub(crate) struct Feed {
    pub(super) tx: broadcast::Sender<Arc<Published>>,
    /// PostgreSQL: the session's relay task (see `relay::relay_session`),
    /// which ends once the feed is dropped.
    pub(super) jobs: Option<mpsc::UnboundedSender<Job>>,
}

impl Feed {
    pub(super) fn queue(&self, job: Job) {
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(job);
        }
    }
}

/// The watched sessions of this process.
pub(crate) struct Hub {
    pub(super) feeds: Mutex<HashMap<String, Arc<Feed>>>,
    /// PostgreSQL: events reach the channels by notification (see the
    /// module documentation); `None` on SQLite.
    pub(super) relay: Option<Relay>,
    /// Whether each session streams suggestions (fixed at its creation).
    pub(super) auto_suggest: Mutex<HashMap<String, bool>>,
    /// Becomes true when the server shuts down: every stream ends.
    pub(super) closing: Arc<tokio::sync::watch::Sender<bool>>,
    /// The server's limits: suggestions are computed within its analysis
    /// budget, and streams open only while there is room.
    pub(super) limits: Arc<Limits>,
    /// SQLite: the queues of the tasks computing sessions' automatic
    /// suggestions, one task per session working through its rounds in
    /// order (while it has any queued).
    pub(super) suggesters: Mutex<HashMap<String, mpsc::UnboundedSender<SuggestJob>>>,
}

impl Hub {
    /// The hub of a server on `db`, within `limits`.
    pub(crate) fn new(db: &Db, limits: Arc<Limits>) -> Self {
        Hub {
            feeds: Default::default(),
            relay: (db.backend == Backend::Postgres).then(|| Relay {
                pool: db.pool.clone(),
                url: db.pool.connect_options().database_url.to_string(),
                started: AtomicBool::new(false),
                listening: tokio::sync::watch::Sender::new(false),
            }),
            auto_suggest: Default::default(),
            closing: db.closing.clone(),
            limits,
            suggesters: Default::default(),
        }
    }

    /// A receiver of the server's shutdown: it turns true when every
    /// stream is to end.
    pub(crate) fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Whether events reach this process by PostgreSQL notifications.
    pub(crate) fn relays(&self) -> bool {
        self.relay.is_some()
    }

    /// A receiver of the session's events and the session's feed; a new
    /// feed gets its channel and, on PostgreSQL, a job queue whose
    /// receiving end `start_relay` hands to the session's relay task.
    pub(super) fn subscribe(
        &self,
        session_id: &str,
        start_relay: impl FnOnce(
            &Relay,
            broadcast::Sender<Arc<Published>>,
            mpsc::UnboundedReceiver<Job>,
        ),
    ) -> (broadcast::Receiver<Arc<Published>>, Arc<Feed>) {
        let mut map = self.feeds.lock().unwrap();
        let feed = map
            .entry(session_id.to_string())
            .or_insert_with(|| {
                let tx = broadcast::channel(CHANNEL_CAPACITY).0;
                let jobs = self.relay.as_ref().map(|relay| {
                    let (jobs, queue) = mpsc::unbounded_channel();
                    start_relay(relay, tx.clone(), queue);
                    jobs
                });
                Arc::new(Feed { tx, jobs })
            })
            .clone();
        (feed.tx.subscribe(), feed)
    }

    /// The session's feed while anyone in this process watches it (a feed
    /// nobody watches any more is dropped).
    pub(super) fn feed(&self, session_id: &str) -> Option<Arc<Feed>> {
        let mut map = self.feeds.lock().unwrap();
        let feed = map.get(session_id)?;
        if feed.tx.receiver_count() == 0 {
            map.remove(session_id);
            return None;
        }
        Some(feed.clone())
    }

    /// The feeds of the sessions someone in this process watches.
    pub(super) fn watched(&self) -> Vec<Arc<Feed>> {
        let mut map = self.feeds.lock().unwrap();
        map.retain(|_, f| f.tx.receiver_count() > 0);
        map.values().cloned().collect()
    }

    /// Whether anyone in this process watches the session.
    pub(crate) fn has_subscribers(&self, session_id: &str) -> bool {
        let map = self.feeds.lock().unwrap();
        map.get(session_id)
            .is_some_and(|f| f.tx.receiver_count() > 0)
    }

    /// Sends committed events to the session's subscribers, if any. On
    /// PostgreSQL this does nothing: committed events reach every
    /// process's subscribers, this one's included, through notifications.
    pub(crate) fn publish(&self, session_id: &str, events: Vec<Published>) {
        if self.relay.is_some() {
            return;
        }
        self.send(session_id, events);
    }

    pub(super) fn send(&self, session_id: &str, events: Vec<Published>) {
        let mut map = self.feeds.lock().unwrap();
        let Some(feed) = map.get(session_id) else {
            return;
        };
        if feed.tx.receiver_count() == 0 {
            map.remove(session_id);
            return;
        }
        for e in events {
            let _ = feed.tx.send(Arc::new(e));
        }
    }
}
