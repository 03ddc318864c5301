//! The hash-chained event log as stored: appending an entry, locking a
//! session for the rest of a transaction, loading its entries.
//!
//! Every entry's hash chains the previous entry's; the (session, seq) key
//! makes a lost race for the same seq a conflict rather than a gap. On
//! PostgreSQL an append also moves the session's log head and, for an
//! event subscribers see, notifies the server processes watching it once
//! the transaction commits.

use sqlx::Row;

use super::error::StoreError;
use crate::event::Event;
use crate::record::{RecordEntry, chain_hash};

/// PostgreSQL: appends a log entry (the parameters of [`append`]'s
/// insert), moves the session's log head to it, and, when some process
/// watches the session, notifies `pactum_events` with "<session id> <seq>"
/// on commit.
const APPEND_AND_NOTIFY: &str = "WITH appended AS (\
     INSERT INTO events (session_id, seq, body, prev_hash, hash) VALUES ($1, $2, $3, $4, $5) \
     RETURNING session_id, seq), \
     head AS (UPDATE sessions SET head_seq = $2, head_hash = $5 WHERE id = $1 \
     RETURNING watched_until) \
     SELECT count(pg_notify('pactum_events', a.session_id || ' ' || a.seq::text)) \
     FROM appended a, head h WHERE h.watched_until > now()";

/// Whether live subscribers see a log event; on PostgreSQL, appending it
/// notifies the watching processes.
pub(crate) fn notifies(event: &Event) -> bool {
    matches!(
        event,
        Event::Move { .. }
            | Event::Agreement { .. }
            | Event::Ended { .. }
            | Event::PartialMove { .. }
            | Event::Settled { .. }
            | Event::Vote { .. }
            | Event::Proposal { .. }
            | Event::Disclosure { .. }
    )
}

pub(crate) async fn append(
    tx: &mut sqlx::AnyConnection,
    session_id: &str,
    seq: u64,
    prev_hash: &str,
    event: &Event,
) -> Result<String, StoreError> {
    let body = serde_json::to_value(event)
        .map_err(|e| StoreError::corrupt("an event that does not serialise", e))?;
    let hash = chain_hash(prev_hash, &body);
    // PostgreSQL: the append also moves the session's log head, and an
    // event live subscribers see notifies, on commit, the server processes
    // watching the session (see crate::sessions::live).
    let sql = match (tx.backend_name() == "PostgreSQL", notifies(event)) {
        (true, true) => APPEND_AND_NOTIFY,
        (true, false) => {
            "WITH appended AS (\
             INSERT INTO events (session_id, seq, body, prev_hash, hash) VALUES ($1, $2, $3, $4, $5)) \
             UPDATE sessions SET head_seq = $2, head_hash = $5 WHERE id = $1"
        }
        (false, _) => {
            "INSERT INTO events (session_id, seq, body, prev_hash, hash) VALUES ($1, $2, $3, $4, $5)"
        }
    };
    sqlx::query(sql)
        .bind(session_id)
        .bind(seq as i64)
        .bind(crate::record::canonical_json(&body))
        .bind(prev_hash)
        .bind(&hash)
        .execute(&mut *tx)
        .await?;
    Ok(hash)
}

/// Takes the session's write lock for the rest of the transaction: a write
/// to its row, so a concurrent mover (in this process or another, on either
/// backend) waits until this transaction ends and then sees its events.
/// (The (session, seq) key backs this up: a lost race is a 409, not a gap.)
pub(crate) async fn lock_session(
    tx: &mut sqlx::AnyConnection,
    session_id: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE sessions SET created_at_ms = created_at_ms WHERE id = $1")
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

pub(crate) async fn load_entries(
    conn: &mut sqlx::AnyConnection,
    session_id: &str,
) -> Result<Vec<RecordEntry>, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, body, prev_hash, hash FROM events WHERE session_id = $1 ORDER BY seq",
    )
    .bind(session_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            let body: String = row.get(1);
            Ok(RecordEntry {
                seq: row.get::<i64, _>(0) as u64,
                event: serde_json::from_str(&body)
                    .map_err(|e| StoreError::corrupt("a log entry that does not read back", e))?,
                prev_hash: row.get(2),
                hash: row.get(3),
            })
        })
        .collect()
}
