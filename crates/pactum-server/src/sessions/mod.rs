//! The sessions service: load a session, apply a move through its
//! protocol's state machine, commit it to the store and publish it to the
//! subscribers. The HTTP layer calls it for people; the bot driver calls it
//! for the server's own negotiators, the same way.
//!
//! A move is checked against the state replayed from the log inside the
//! transaction that appends it (under the session's lock) and acknowledged
//! only after that transaction commits; subscribers hear of it only then.

use std::collections::HashMap;
use std::sync::Arc;

use sqlx::AnyPool;
use tokio::sync::Mutex;

pub(crate) mod append;
pub(crate) mod basis;
pub(crate) mod batcher;
pub(crate) mod bots;
pub(crate) mod cache;
pub(crate) mod error;
pub(crate) mod live;
pub(crate) mod moves;
pub(crate) mod partial;
pub(crate) mod published;
pub(crate) mod records;
pub(crate) mod replay;
pub(crate) mod single_text;
pub(crate) mod words;

use crate::record::Record;
use crate::sessions::batcher::MoveJob;
use crate::sessions::cache::SessionCache;
use crate::sessions::moves::CachedState;
use crate::store::{Backend, Db};

/// Cached sessions or states beyond which the caches start afresh.
pub(crate) const MAX_CACHED: usize = 10_000;

/// Shared state of the handlers.
#[derive(Clone)]
pub(crate) struct AppState {
    pub pool: AnyPool,
    /// SQLite has one writer at a time: writers of this process queue here
    /// rather than in SQLite's busy handler. (PostgreSQL writers lock the
    /// session row instead, which also serialises other server processes.)
    pub(crate) write_lock: Option<Arc<Mutex<()>>>,
    /// Preference tables of the sessions with bots.
    pub(crate) bots: Arc<crate::bots::BotTables>,
    /// The language model of the `llm` bots (if any) and their turns being
    /// decided.
    pub(crate) llm: Arc<crate::sessions::bots::LlmBots>,
    /// Live-update channels of the sessions being watched.
    pub(crate) hub: Arc<crate::sessions::live::Hub>,
    /// Parsed sessions (immutable once created), by id.
    pub(crate) sessions: Arc<SessionCache>,
    /// The protocol state replayed from each session's log, keyed by id and
    /// valid for the log ending in the given (seq, hash).
    pub(crate) states: Arc<std::sync::Mutex<HashMap<String, Arc<CachedState>>>>,
    /// SQLite: the queue of the task that commits the parties' moves in
    /// batches (started by the first move).
    pub(crate) writer: Arc<std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<MoveJob>>>,
    /// SQLite files: keeps the database's checkpointer running.
    pub(crate) _checkpoints: Option<Arc<()>>,
    /// Signs the heads of the records served (see `crate::signing`).
    pub(crate) signing_key: Option<Arc<ed25519_dalek::SigningKey>>,
    /// What the server grants its callers (see `crate::limits`).
    pub(crate) limits: Arc<crate::limits::Limits>,
}

impl AppState {
    /// The service over an already migrated database, within `limits`.
    pub(crate) fn new(db: Db, limits: crate::limits::ServerLimits) -> Self {
        let limits = Arc::new(crate::limits::Limits::new(limits));
        let hub = Arc::new(crate::sessions::live::Hub::new(&db, limits.clone()));
        AppState {
            pool: db.pool,
            write_lock: (db.backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(()))),
            bots: Default::default(),
            llm: Arc::new(crate::sessions::bots::LlmBots::new(db.language_model)),
            hub,
            sessions: Arc::new(SessionCache::new(db.backend == Backend::Sqlite)),
            states: Default::default(),
            writer: Default::default(),
            _checkpoints: db.checkpoints,
            signing_key: db.signing_key,
            limits,
        }
    }

    /// SQLite: waits for this process's turn to write.
    pub(crate) async fn write_guard(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.write_lock {
            Some(lock) => Some(lock.lock().await),
            None => None,
        }
    }
}

impl AppState {
    /// `record` with the server's signature of its head, if the server has
    /// a signing key.
    pub(crate) fn signed(&self, mut record: Record) -> Record {
        if let (Some(key), Some(head)) = (&self.signing_key, record.events.last()) {
            record.signature = Some(crate::signing::sign_head(
                key,
                &record.session_id,
                head.seq,
                &head.hash,
            ));
        }
        record
    }
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

// ---------------------------------------------------------------- sessions

/// A party acting through its token.
pub(crate) struct Seat {
    pub(crate) seat: usize,
    /// Index of the party in the scenario.
    pub(crate) party: usize,
    pub(crate) name: String,
}
