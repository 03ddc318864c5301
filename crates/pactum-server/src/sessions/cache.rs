//! The session cache: parsed sessions by id, and when their stored
//! preferences may be taken from memory.
//!
//! A session's scenario and seats never change once created; its
//! negotiators' preferences may, until each one's are locked. SQLite (one
//! process) caches sessions with their preferences and forgets one whose
//! preferences change; PostgreSQL (several processes) reads them afresh on
//! every load until every negotiator has moved, after which they are final.

use std::collections::HashMap;

use sqlx::AnyPool;

use crate::sessions::error::SessionError;
use crate::sessions::{AppState, MAX_CACHED};
use crate::store::sessions::{Session, read_session};

/// Parsed sessions by id. A session's scenario and seats never change; its
/// negotiators' stored preferences may, until their first moves.
pub(crate) struct SessionCache {
    pub(crate) sessions: std::sync::Mutex<HashMap<String, Session>>,
    /// SQLite (one server process): cached sessions carry their stored
    /// preferences, and a change of preferences forgets its session.
    /// PostgreSQL: another process may store preferences, so they are read
    /// afresh on every load.
    pub(crate) with_preferences: bool,
    /// Bumped by every change of preferences, so that a load that read the
    /// old preferences does not cache them after the change.
    pub(crate) changes: std::sync::atomic::AtomicU64,
    /// PostgreSQL: sessions whose preferences can no longer change, with
    /// them. A negotiator's preferences change only before its first move
    /// (checked under the session's lock), so once every negotiator has a
    /// committed move they are final; they are read once more after that
    /// (never taken from a load that may predate the last change) and kept.
    pub(crate) fixed: std::sync::Mutex<HashMap<String, Session>>,
}

impl SessionCache {
    pub(crate) fn new(with_preferences: bool) -> Self {
        SessionCache {
            sessions: Default::default(),
            with_preferences,
            changes: Default::default(),
            fixed: Default::default(),
        }
    }

    /// After a party's preferences changed (and committed).
    pub(crate) fn preferences_changed(&self, id: &str) {
        let mut sessions = self.sessions.lock().unwrap();
        self.changes
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        sessions.remove(id);
        self.fixed.lock().unwrap().remove(id);
    }

    /// PostgreSQL: whether a session's preferences are known to be final
    /// and kept (SQLite keeps every session's anyway).
    pub(crate) fn knows_fixed(&self, id: &str) -> bool {
        self.with_preferences || self.fixed.lock().unwrap().contains_key(id)
    }
}

/// PostgreSQL: once every negotiator of a session has moved, reads its
/// stored preferences (final from then on) and keeps the session with
/// them, so that later loads need not read them again.
pub(crate) async fn keep_fixed_preferences(app: AppState, id: String) {
    let Ok(session) = read_session(&app.pool, &id).await else {
        return;
    };
    let Ok(session) = with_stored_preferences(&app.pool, session).await else {
        return;
    };
    let mut fixed = app.sessions.fixed.lock().unwrap();
    if fixed.len() >= MAX_CACHED {
        fixed.clear();
    }
    fixed.insert(id, session);
}

/// Where sessions are loaded from: the handlers' state (with its cache) or
/// a bare pool.
pub(crate) trait SessionSource {
    fn pool(&self) -> &AnyPool;
    fn session_cache(&self) -> Option<&SessionCache>;
}

impl SessionSource for AppState {
    fn pool(&self) -> &AnyPool {
        &self.pool
    }
    fn session_cache(&self) -> Option<&SessionCache> {
        Some(&self.sessions)
    }
}

impl SessionSource for AnyPool {
    fn pool(&self) -> &AnyPool {
        self
    }
    fn session_cache(&self) -> Option<&SessionCache> {
        None
    }
}

/// The session `id`, parsed once per process and then kept in memory (a
/// session's scenario and seats never change), with the preferences its
/// negotiators edited applied afresh on every call (another server process
/// may have stored them).
/// (`load_session(&pool, id)` reads it afresh.)
pub(crate) async fn load_session(
    src: &impl SessionSource,
    id: &str,
) -> Result<Session, SessionError> {
    use std::sync::atomic::Ordering::SeqCst;
    let pool = src.pool();
    let Some(cache) = src.session_cache() else {
        let session = read_session(pool, id).await?;
        return with_stored_preferences(pool, session).await;
    };
    if let Some(session) = cache.fixed.lock().unwrap().get(id) {
        return Ok(session.clone());
    }
    let cached = cache.sessions.lock().unwrap().get(id).cloned();
    if let Some(session) = cached {
        return if cache.with_preferences {
            Ok(session)
        } else {
            with_stored_preferences(pool, session).await
        };
    }
    let changes = cache.changes.load(SeqCst);
    let mut session = read_session(pool, id).await?;
    if cache.with_preferences {
        session = with_stored_preferences(pool, session).await?;
    }
    {
        let mut sessions = cache.sessions.lock().unwrap();
        if cache.changes.load(SeqCst) == changes {
            if sessions.len() >= MAX_CACHED {
                sessions.clear();
            }
            sessions.insert(id.to_string(), session.clone());
        }
    }
    if cache.with_preferences {
        Ok(session)
    } else {
        with_stored_preferences(pool, session).await
    }
}

pub(crate) async fn with_stored_preferences(
    pool: &AnyPool,
    mut session: Session,
) -> Result<Session, SessionError> {
    session.scenario =
        crate::sessions::records::with_stored_preferences(pool, &session.id, session.scenario)
            .await?;
    Ok(session)
}
