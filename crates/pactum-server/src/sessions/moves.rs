//! An alternating-offers move: staged in a transaction (session lock, the
//! state from the cache or a replay, the protocol's check, the append of
//! the move and of the agreement or end it brings), then installed once
//! committed (the cached state replaced, the subscribers told).
//!
//! A rejected move writes nothing and leaves the transaction usable; a
//! failed write spoils it. A move that finds the session's wall-clock time
//! limit passed is refused (409, [`TIME_LIMIT_PASSED`]), but the expiry and
//! the end it brings are appended and committed all the same: the first
//! request after the limit writes them, whatever becomes of its move. The cached state is used only while the log
//! still ends where it did when the state was cached.

use std::collections::HashMap;
use std::sync::Arc;

use pactum_core::Outcome;
use pactum_core::analysis::Package;
use sqlx::Row;

use crate::event::Event;
use crate::offers::package;
use crate::protocol::{MoveKind, RecordedEnd, SeatLimits, State};
use crate::sessions::cache::keep_fixed_preferences;
use crate::sessions::error::SessionError;
use crate::sessions::published::{Logged, Published};
use crate::sessions::records as mediation;
use crate::sessions::replay::{PastMove, replay, status_of};
use crate::sessions::{AppState, MAX_CACHED, now_ms};
use crate::store::log::{append, load_entries};
use crate::store::sessions::Session;

/// A session's state as replayed from its log up to `last_seq`.
pub(crate) struct CachedState {
    pub(crate) last_seq: u64,
    pub(crate) last_hash: String,
    pub(crate) state: State,
    pub(crate) moves: Vec<PastMove>,
}

/// What `decide` returns: the seat that moves, the move and its outcome.
pub(crate) type Decision = Option<(usize, MoveKind, Option<Outcome>)>;

/// A committed move.
pub(crate) struct Committed {
    pub(crate) seq: u64,
    pub(crate) round: u64,
    pub(crate) party: String,
    pub(crate) kind: MoveKind,
    pub(crate) offer: Option<Package>,
    pub(crate) status: String,
    pub(crate) agreement: Option<Package>,
    pub(crate) reason: Option<String>,
}

/// A move appended inside a transaction that has not committed yet: what
/// to install, publish and answer once it has.
pub(crate) struct Staged {
    pub(crate) session_id: String,
    pub(crate) fresh: Arc<CachedState>,
    pub(crate) published: Vec<Published>,
    /// The answer once committed: the move; none (a bot had nothing to
    /// play); or the refusal of a move that found the time limit passed
    /// (the expiry is committed all the same).
    pub(crate) answer: Result<Option<Committed>, SessionError>,
}

/// Why [`stage_move`] failed: a rejected move wrote nothing and leaves the
/// transaction usable; a failed write spoils the whole transaction.
pub(crate) enum StageError {
    Rejected(SessionError),
    Failed(SessionError),
}

/// Appends one move in a transaction of its own: `decide` sees the state
/// replayed under the session lock and picks the move (or none). The move is
/// checked against the protocol; an agreement or an end is appended with
/// it. Returns the move once committed.
pub(crate) async fn commit_move(
    app: &AppState,
    session: &Session,
    message: Option<String>,
    decide: impl FnOnce(&State, &[PastMove]) -> Result<Decision, SessionError>,
) -> Result<Option<Committed>, SessionError> {
    let guard = app.write_guard().await;
    let mut tx = app.pool.begin().await?;
    let staged = match stage_move(app, &mut tx, session, &HashMap::new(), message, decide).await {
        Ok(Some(staged)) => staged,
        Ok(None) => return Ok(None),
        Err(StageError::Rejected(e) | StageError::Failed(e)) => return Err(e),
    };
    tx.commit().await?;
    let answer = install(app, staged);
    drop(guard);
    let committed = answer?;
    if committed.as_ref().is_some_and(|c| c.agreement.is_some()) {
        // Issue the certificate now so that it closes the record; should
        // this fail, GET /certificate issues it later.
        let _ = mediation::ensure_certificate(app, session).await;
    }
    Ok(committed)
}

/// The part of a move inside its transaction: takes the session lock,
/// finds the state (in `pending`, the states of moves staged earlier in the
/// same transaction, in the cache or by replaying the log), lets `decide`
/// pick the move, checks it and appends it (with an agreement or an end).
pub(crate) async fn stage_move(
    app: &AppState,
    tx: &mut sqlx::AnyConnection,
    session: &Session,
    pending: &HashMap<String, Arc<CachedState>>,
    message: Option<String>,
    decide: impl FnOnce(&State, &[PastMove]) -> Result<Decision, SessionError>,
) -> Result<Option<Staged>, StageError> {
    use StageError::{Failed, Rejected};
    let id = &session.id;
    let sc = &session.scenario;
    // The session lock and the log head in one statement. SQLite: the
    // write takes the database's write lock before the statement reads, so
    // the head is the latest. PostgreSQL: the head kept in the session's
    // row (every append moves it); once a locking read has waited for the
    // row, it returns the row as the transaction it waited for left it.
    let lock_and_head = if app.write_lock.is_some() {
        "UPDATE sessions SET created_at_ms = created_at_ms WHERE id = $1 RETURNING \
         (SELECT seq FROM events WHERE session_id = $1 ORDER BY seq DESC LIMIT 1), \
         (SELECT hash FROM events WHERE session_id = $1 ORDER BY seq DESC LIMIT 1)"
    } else {
        "SELECT head_seq, head_hash FROM sessions WHERE id = $1 FOR NO KEY UPDATE"
    };
    let row = sqlx::query(lock_and_head)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| Failed(e.into()))?
        .ok_or_else(|| Rejected(SessionError::NoSession(id.clone())))?;
    let (last_seq, last_hash) = match (
        row.try_get::<Option<i64>, _>(0)
            .map_err(|e| Failed(e.into()))?,
        row.try_get::<Option<String>, _>(1)
            .map_err(|e| Failed(e.into()))?,
    ) {
        (Some(seq), Some(hash)) => (seq as u64, hash),
        _ => return Err(Rejected(SessionError::corrupt("session without log"))),
    };
    // The cached state, if the log still ends where it did; else a replay.
    let cached = match pending.get(id) {
        Some(c) => Some(c.clone()),
        None => app.states.lock().unwrap().get(id).cloned(),
    };
    let cached = match cached {
        Some(c) if c.last_seq == last_seq && c.last_hash == last_hash => c,
        _ => {
            let entries = load_entries(tx, id).await.map_err(|e| Rejected(e.into()))?;
            let (state, moves) = replay(session, &entries).map_err(Rejected)?;
            Arc::new(CachedState {
                last_seq,
                last_hash,
                state,
                moves,
            })
        }
    };
    let mut state = cached.state.clone();
    // A time limit passed is recorded first, whatever becomes of the move.
    let round = state.round();
    let expired = state.expire(now_ms());
    let decision = decide(&state, &cached.moves).map_err(Rejected)?;
    if let Some(finish) = expired {
        return stage_expiry(
            tx,
            session,
            cached,
            state,
            round,
            &finish,
            decision.is_some(),
        )
        .await
        .map(Some)
        .map_err(Failed);
    }
    let Some((seat, kind, outcome)) = decision else {
        return Ok(None);
    };
    let finish = state
        .apply_within(seat, kind, outcome.clone(), &SeatLimits::new(sc))
        .map_err(|e| Rejected(e.into()))?;
    let mut seq = cached.last_seq + 1;
    let mut prev = cached.last_hash.clone();
    let party = state.negotiators[seat].clone();
    let offer = outcome.as_ref().map(|o| package(sc, o));
    let mv = Event::Move {
        party: party.clone(),
        kind,
        offer: offer.clone(),
        round,
        at_ms: now_ms(),
        message: message.clone(),
    };
    prev = append(tx, id, seq, &prev, &mv)
        .await
        .map_err(|e| Failed(e.into()))?;
    let move_seq = seq;
    let (mut agreement, mut reason) = (None, None);
    let mut published = vec![Published::Logged(Logged::Move {
        seq: move_seq,
        round,
        party: party.clone(),
        kind,
        offer: outcome.clone(),
        message,
    })];
    match &finish {
        Some(f @ RecordedEnd::Agreement(o)) => {
            seq += 1;
            published.push(Published::Logged(Logged::Agreement {
                seq,
                round,
                offer: o.clone(),
            }));
            let ev = crate::protocol::finish_event(sc, f, round);
            prev = append(tx, id, seq, &prev, &ev)
                .await
                .map_err(|e| Failed(e.into()))?;
            agreement = Some(package(sc, o));
        }
        Some(f @ RecordedEnd::Ended(r)) => {
            seq += 1;
            let ev = crate::protocol::finish_event(sc, f, round);
            prev = append(tx, id, seq, &prev, &ev)
                .await
                .map_err(|e| Failed(e.into()))?;
            published.push(Published::Logged(Logged::Ended {
                seq,
                round,
                reason: r.clone(),
            }));
            reason = Some(r.clone());
        }
        None => {}
    }
    let mut moves = cached.moves.clone();
    moves.push(PastMove {
        seq: move_seq,
        round,
        party: party.clone(),
        seat,
        kind,
        offer: outcome,
    });
    let status = status_of(&state).to_string();
    Ok(Some(Staged {
        session_id: id.clone(),
        fresh: Arc::new(CachedState {
            last_seq: seq,
            last_hash: prev,
            state,
            moves,
        }),
        published,
        answer: Ok(Some(Committed {
            seq: move_seq,
            round,
            party,
            kind,
            offer,
            status,
            agreement,
            reason,
        })),
    }))
}

/// The refusal of a move that arrives after the session's time limit.
pub(crate) const TIME_LIMIT_PASSED: &str = "the negotiation is over: its time limit passed";

/// Appends the expiry of a session whose time limit has passed (`state`
/// already ended by it, in `round`) and the end it brings; a move that
/// found it so (`refused`) is answered with a conflict once this commits.
async fn stage_expiry(
    tx: &mut sqlx::AnyConnection,
    session: &Session,
    cached: Arc<CachedState>,
    state: State,
    round: u64,
    finish: &RecordedEnd,
    refused: bool,
) -> Result<Staged, SessionError> {
    let id = &session.id;
    let expiry = Event::Expired {
        round,
        at_ms: now_ms(),
    };
    let mut seq = cached.last_seq + 1;
    let mut prev = append(tx, id, seq, &cached.last_hash, &expiry).await?;
    seq += 1;
    let end = crate::protocol::finish_event(&session.scenario, finish, round);
    prev = append(tx, id, seq, &prev, &end).await?;
    let published = vec![match finish {
        RecordedEnd::Agreement(o) => Published::Logged(Logged::Agreement {
            seq,
            round,
            offer: o.clone(),
        }),
        RecordedEnd::Ended(r) => Published::Logged(Logged::Ended {
            seq,
            round,
            reason: r.clone(),
        }),
    }];
    Ok(Staged {
        session_id: id.clone(),
        fresh: Arc::new(CachedState {
            last_seq: seq,
            last_hash: prev,
            state,
            moves: cached.moves.clone(),
        }),
        published,
        answer: if refused {
            Err(SessionError::conflict(TIME_LIMIT_PASSED))
        } else {
            Ok(None)
        },
    })
}

/// After the commit of a staged move: caches the session's new state,
/// publishes the move to watchers and returns the answer to it.
pub(crate) fn install(app: &AppState, staged: Staged) -> Result<Option<Committed>, SessionError> {
    let Staged {
        session_id,
        fresh,
        published,
        answer,
    } = staged;
    // PostgreSQL, until the preferences are kept: has everyone moved now?
    // (Checked first, so that SQLite's moves never scan their history.)
    let everyone_moved = !app.sessions.knows_fixed(&session_id) && {
        let mut seats: Vec<usize> = fresh.moves.iter().map(|m| m.seat).collect();
        seats.sort_unstable();
        seats.dedup();
        seats.len() == fresh.state.negotiators.len()
    };
    {
        let mut states = app.states.lock().unwrap();
        if states.len() >= MAX_CACHED {
            states.clear();
        }
        states.insert(session_id.clone(), fresh);
    }
    if everyone_moved {
        tokio::spawn(keep_fixed_preferences(app.clone(), session_id.clone()));
    }
    app.hub.publish(&session_id, published);
    answer
}
