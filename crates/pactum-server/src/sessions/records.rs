//! Reading and writing a session's records for the handlers: its log as
//! committed, a new session's rows and first entries, disclosure choices,
//! private preferences and the agreement's certificate. Every write takes
//! the session's lock and checks the state replayed from the log in the
//! same transaction; a refused write stores nothing.

use pactum_core::Scenario;

use crate::certificate::{Certificate, compute_with};
use crate::certified::disclosed_by;
use crate::event::Event;
use crate::offers::package;
use crate::preferences::{PreferencesOpening, PreferencesRequest, commitment, is_locked};
use crate::protocol::RecordedEnd;
use crate::record::{GENESIS_HASH, RecordEntry};
use crate::sessions::append::{Appended, append_while_open};
use crate::sessions::error::SessionError;
use crate::sessions::published::{Logged, Published, published as published_entry};
use crate::sessions::replay::{replay, replay_text};
use crate::sessions::{AppState, now_ms};
use crate::single_text::{SINGLE_TEXT, text_events};
use crate::store::log::{append, load_entries, lock_session};
use crate::store::sessions::Session;

/// The session's log as committed.
pub(crate) async fn read_log(app: &AppState, id: &str) -> Result<Vec<RecordEntry>, SessionError> {
    let mut conn = app.pool.acquire().await?;
    Ok(load_entries(&mut conn, id).await?)
}

/// The events of a log's entries.
pub(crate) fn events_of(entries: &[RecordEntry]) -> Result<Vec<Event>, SessionError> {
    entries
        .iter()
        .map(|e| serde_json::from_value(e.event.clone()).map_err(SessionError::unreadable))
        .collect()
}

/// A new session, as checked by the handler: its rows and the first
/// entries of its log are stored in one transaction.
pub(crate) struct NewSession<'a> {
    pub(crate) id: &'a str,
    pub(crate) scenario_toml: &'a str,
    pub(crate) protocol: &'a str,
    pub(crate) deadline_rounds: u64,
    pub(crate) admin_token_hash: String,
    pub(crate) privacy: &'a str,
    /// Every seat in order: party, role, token hash, a bot's strategy.
    pub(crate) seats: Vec<(&'a str, &'a str, String, Option<String>)>,
    /// The log's first entries (`created`, then a single text's first
    /// proposal).
    pub(crate) events: Vec<Event>,
}

/// Stores a new session (see [`NewSession`]).
pub(crate) async fn create(app: &AppState, new: NewSession<'_>) -> Result<(), SessionError> {
    let _guard = app.write_guard().await;
    let mut tx = app.pool.begin().await?;
    crate::store::sessions::insert_session(
        &mut tx,
        new.id,
        new.scenario_toml,
        new.protocol,
        new.deadline_rounds,
        &new.admin_token_hash,
        now_ms(),
        new.privacy,
    )
    .await?;
    for (seat, (party, role, token_hash, strategy)) in new.seats.iter().enumerate() {
        crate::store::sessions::insert_seat(
            &mut tx,
            new.id,
            seat,
            party,
            token_hash,
            role,
            strategy.as_deref(),
        )
        .await?;
    }
    let mut prev = GENESIS_HASH.to_string();
    for (seq, event) in new.events.iter().enumerate() {
        prev = append(&mut tx, new.id, seq as u64, &prev, event).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The scenario text the session was created with.
pub(crate) async fn scenario_text(app: &AppState, id: &str) -> Result<String, SessionError> {
    Ok(crate::store::sessions::scenario_text(&app.pool, id).await?)
}

/// Records negotiator `party`'s disclosure choice and publishes it;
/// returns whether every negotiator now discloses. A 409 once the
/// negotiation is over.
pub(crate) async fn disclose(
    app: &AppState,
    session: &Session,
    party: &str,
    disclose: bool,
) -> Result<bool, SessionError> {
    let event = Event::Disclosure {
        party: party.to_string(),
        disclose,
        at_ms: now_ms(),
    };
    let over = "the negotiation is over: disclosure choices are final";
    let Appended {
        seq,
        entries,
        state,
        guard,
    } = append_while_open(app, session, over, &event).await?;
    let mut events = events_of(&entries)?;
    app.hub.publish(
        &session.id,
        vec![Published::Logged(Logged::Disclosure {
            seq,
            party: party.to_string(),
            disclose,
        })],
    );
    drop(guard);
    events.push(event);
    let disclosed = disclosed_by(events);
    Ok(state.negotiators.iter().all(|n| disclosed.contains(n)))
}

/// The session's certificate, appending it to the log if it is not there
/// yet (it normally is: it is issued right after the agreement).
pub(crate) async fn ensure_certificate(
    app: &AppState,
    session: &Session,
) -> Result<Certificate, SessionError> {
    let id = &session.id;
    let entries = read_log(app, id).await?;
    let events = events_of(&entries)?;
    if let Some(Event::Certificate(c)) = events.last() {
        return Ok(c.clone());
    }
    let (state, _) = replay(session, &entries)?;
    let Some(RecordedEnd::Agreement(outcome)) = &state.finished else {
        return Err(SessionError::conflict("there is no agreement to certify"));
    };
    let round = events
        .iter()
        .rev()
        .find_map(|e| match e {
            Event::Agreement { round, .. } => Some(*round),
            _ => None,
        })
        .ok_or_else(|| SessionError::corrupt("agreement without event"))?;
    let agreement = package(&session.scenario, outcome);
    let disclosed = disclosed_by(events);
    let scenario = session.scenario.clone();
    let cert = app
        .limits
        .analyse(move |options| compute_with(&scenario, &agreement, round, &disclosed, options))
        .await?
        .map_err(|e| SessionError::Unprocessable(e.to_string()))?;

    let _guard = app.write_guard().await;
    let mut tx = app.pool.begin().await?;
    lock_session(&mut tx, id).await?;
    let entries = load_entries(&mut tx, id).await?;
    let last = entries
        .last()
        .ok_or_else(|| SessionError::corrupt("session without log"))?;
    if let Ok(Event::Certificate(c)) = serde_json::from_value::<Event>(last.event.clone()) {
        return Ok(c); // another request issued it meanwhile
    }
    append(
        &mut tx,
        id,
        last.seq + 1,
        &last.hash,
        &Event::Certificate(cert.clone()),
    )
    .await?;
    tx.commit().await?;
    Ok(cert)
}

/// A finished session's log, with its certificate if it ended in an
/// agreement; a 409 while it is open.
pub(crate) async fn finished_log(
    app: &AppState,
    session: &Session,
) -> Result<Vec<RecordEntry>, SessionError> {
    let entries = read_log(app, &session.id).await?;
    let (state, _) = replay(session, &entries)?;
    match &state.finished {
        None => Err(SessionError::conflict(
            "the negotiation is still open: export it once it is finished",
        )),
        Some(RecordedEnd::Agreement(_)) => {
            ensure_certificate(app, session).await?;
            read_log(app, &session.id).await
        }
        Some(RecordedEnd::Ended(_)) => Ok(entries),
    }
}

/// What a preferences edit stored: its seq and commitment, and the salt.
pub(crate) struct PreferencesStored {
    pub(crate) seq: u64,
    pub(crate) commitment: String,
    pub(crate) salt: String,
}

/// Replaces negotiator `party`'s preferences by `prefs` (already checked
/// against the scenario): the record gets the commitment, the store the
/// preferences and salt. A 409 once they are locked or the negotiation is
/// over.
pub(crate) async fn replace_preferences(
    app: &AppState,
    session: &Session,
    party: &str,
    prefs: &PreferencesRequest,
) -> Result<PreferencesStored, SessionError> {
    let id = &session.id;
    let salt = hex::encode(rand::random::<[u8; 16]>());
    let commit = commitment(&salt, prefs);
    let stored = serde_json::to_string(prefs).map_err(SessionError::unreadable)?;
    let guard = app.write_guard().await;
    let mut tx = app.pool.begin().await?;
    lock_session(&mut tx, id).await?;
    let entries = load_entries(&mut tx, id).await?;
    let (state, _) = replay(session, &entries)?;
    if state.finished.is_some() {
        return Err(SessionError::conflict("the negotiation is over"));
    }
    if is_locked(&entries, party).map_err(SessionError::unreadable)? {
        return Err(SessionError::conflict(
            "your preferences are locked (by your first move or your own lock): they can no longer change",
        ));
    }
    let last = entries
        .last()
        .ok_or_else(|| SessionError::corrupt("session without log"))?;
    let seq = last.seq + 1;
    let ev = Event::Preferences {
        party: party.to_string(),
        commitment: commit.clone(),
        at_ms: now_ms(),
    };
    append(&mut tx, id, seq, &last.hash, &ev).await?;
    crate::store::preferences::insert(&mut tx, id, seq, party, &stored, &salt).await?;
    tx.commit().await?;
    app.sessions.preferences_changed(id);
    drop(guard);
    Ok(PreferencesStored {
        seq,
        commitment: commit,
        salt,
    })
}

/// Locks negotiator `party`'s preferences (seat `seat`); locking twice, or
/// a bot's seat (locked from the start), changes nothing. Returns the log
/// as it then stands. A 409 once the negotiation is over.
pub(crate) async fn lock_preferences(
    app: &AppState,
    session: &Session,
    seat: usize,
    party: &str,
) -> Result<Vec<RecordEntry>, SessionError> {
    let id = &session.id;
    let guard = app.write_guard().await;
    let mut tx = app.pool.begin().await?;
    lock_session(&mut tx, id).await?;
    let mut entries = load_entries(&mut tx, id).await?;
    let (state, _) = replay(session, &entries)?;
    if state.finished.is_some() {
        return Err(SessionError::conflict("the negotiation is over"));
    }
    if !session.is_bot_seat(seat)
        && !is_locked(&entries, party).map_err(SessionError::unreadable)?
    {
        let last = entries
            .last()
            .ok_or_else(|| SessionError::corrupt("session without log"))?;
        let seq = last.seq + 1;
        let ev = Event::PreferencesLocked {
            party: party.to_string(),
            at_ms: now_ms(),
        };
        let hash = append(&mut tx, id, seq, &last.hash, &ev).await?;
        entries.push(RecordEntry {
            seq,
            event: serde_json::to_value(&ev).map_err(SessionError::unreadable)?,
            prev_hash: last.hash.clone(),
            hash,
        });
        let started = start_packages(&mut tx, session, &mut entries, party).await?;
        tx.commit().await?;
        drop(guard);
        if let Some((published, agreed)) = started {
            app.hub.publish(id, published);
            if agreed {
                let _ = ensure_certificate(app, session).await;
            }
        }
        return Ok(entries);
    }
    drop(guard);
    Ok(entries)
}

/// A single text with the packages mediator, once `party`'s lock (the last
/// of `entries`) completes the locks it waits for: starts it on the locked
/// preferences (read again inside the transaction) and appends its first
/// proposal, or why it stops and the end. Returns what subscribers hear of
/// it, and whether an agreement was reached (never, at the start).
async fn start_packages(
    tx: &mut sqlx::AnyConnection,
    session: &Session,
    entries: &mut Vec<RecordEntry>,
    party: &str,
) -> Result<Option<(Vec<Published>, bool)>, SessionError> {
    if session.protocol != SINGLE_TEXT {
        return Ok(None);
    }
    let id = &session.id;
    let before = replay_text(session, &entries[..entries.len() - 1])?;
    if !before.waiting() {
        return Ok(None);
    }
    let stored = crate::store::preferences::latest(&mut *tx, id).await?;
    let locked = apply_stored(session.scenario.clone(), stored)?;
    let mut state = before;
    let started = state
        .locked_by(&locked, party)
        .map_err(|e| SessionError::corrupt(format!("the packages mediator cannot start: {e}")))?;
    if !started {
        return Ok(None);
    }
    let mut published = Vec::new();
    let mut agreed = false;
    for ev in text_events(&session.scenario, &state, 0) {
        let last = entries
            .last()
            .ok_or_else(|| SessionError::corrupt("session without log"))?;
        let seq = last.seq + 1;
        let prev_hash = last.hash.clone();
        let hash = append(&mut *tx, id, seq, &prev_hash, &ev).await?;
        agreed |= matches!(ev, Event::Agreement { .. });
        published.extend(published_entry(&session.scenario, seq, ev.clone()));
        entries.push(RecordEntry {
            seq,
            event: serde_json::to_value(&ev).map_err(SessionError::unreadable)?,
            prev_hash,
            hash,
        });
    }
    Ok(Some((published, agreed)))
}

/// Every edit of `party`'s preferences with the salt that opens its
/// commitment, in record order.
pub(crate) async fn preference_openings(
    app: &AppState,
    id: &str,
    party: &str,
) -> Result<Vec<PreferencesOpening>, SessionError> {
    crate::store::preferences::openings(&app.pool, id, party)
        .await?
        .into_iter()
        .map(|(seq, body, salt)| {
            let preferences: PreferencesRequest =
                serde_json::from_str(&body).map_err(SessionError::unreadable)?;
            Ok(PreferencesOpening {
                seq,
                commitment: commitment(&salt, &preferences),
                salt,
                preferences,
            })
        })
        .collect()
}

/// `scenario` with each party's latest stored private preferences.
pub(crate) async fn with_stored_preferences(
    pool: &sqlx::AnyPool,
    id: &str,
    scenario: Scenario,
) -> Result<Scenario, SessionError> {
    let stored = crate::store::preferences::latest(pool, id).await?;
    apply_stored(scenario, stored)
}

/// `scenario` with the stored edits `stored` ((party, body), in record
/// order) applied.
fn apply_stored(
    mut scenario: Scenario,
    stored: Vec<(String, String)>,
) -> Result<Scenario, SessionError> {
    for (name, body) in stored {
        let prefs: PreferencesRequest =
            serde_json::from_str(&body).map_err(SessionError::unreadable)?;
        let party = scenario
            .party_index(&name)
            .ok_or_else(|| SessionError::corrupt("preferences of an unknown party"))?;
        scenario = crate::preferences::apply(&scenario, party, &prefs)
            .map_err(SessionError::unreadable)?;
    }
    Ok(scenario)
}
