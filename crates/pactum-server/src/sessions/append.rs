//! Appending one event to an open session's log outside the protocols'
//! moves (a disclosure choice, a mediator's message): under the session's
//! lock, in its own transaction, as the entry after the last.
//!
//! Rules: the session's log is replayed inside the transaction; once the
//! negotiation is over the append is refused (409, with the caller's
//! reason) and nothing is written; the event chains onto the last entry's
//! hash.

use crate::event::Event;
use crate::protocol::State;
use crate::record::RecordEntry;
use crate::sessions::AppState;
use crate::sessions::error::SessionError;
use crate::sessions::replay::replay;
use crate::store::log::{append, load_entries, lock_session};
use crate::store::sessions::Session;

/// What an append wrote, and what the log held before it. It holds the
/// server's write lock (SQLite) until dropped, so that the caller publishes
/// the entry before any later one is written.
pub(crate) struct Appended<'a> {
    /// The new entry's position in the log.
    pub seq: u64,
    /// The entries before it.
    pub entries: Vec<RecordEntry>,
    /// The session's state replayed from those entries.
    pub state: State,
    /// The write lock, held until the caller is done.
    pub guard: Option<tokio::sync::MutexGuard<'a, ()>>,
}

/// Appends `event` to `session`'s log while the negotiation is open; `over`
/// is the reason given when it is not.
pub(crate) async fn append_while_open<'a>(
    app: &'a AppState,
    session: &Session,
    over: &'static str,
    event: &Event,
) -> Result<Appended<'a>, SessionError> {
    let id = &session.id;
    let guard = app.write_guard().await;
    let mut tx = app.pool.begin().await?;
    lock_session(&mut tx, id).await?;
    let entries = load_entries(&mut tx, id).await?;
    let (state, _) = replay(session, &entries)?;
    if state.finished.is_some() {
        return Err(SessionError::conflict(over));
    }
    let last = entries
        .last()
        .ok_or_else(|| SessionError::corrupt("session without log"))?;
    let seq = last.seq + 1;
    append(&mut tx, id, seq, &last.hash, event).await?;
    tx.commit().await?;
    Ok(Appended {
        seq,
        entries,
        state,
        guard,
    })
}
