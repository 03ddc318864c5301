//! A session's protocol state, rebuilt by replaying its committed log
//! through the protocol's state machine.
//!
//! A session's wall-clock time limit comes from its `Created` entry, and a
//! recorded expiry is replayed at its recorded time (the engine's clock
//! then reads that time), so the replay reaches the state the live session
//! had.
//!
//! Replay is strict: a stored move the state machine refuses, or an entry
//! that does not parse, is an internal error (the log was written only by
//! moves the same machine accepted), never silently skipped.

use crate::event::Event;
use crate::offers::package_pairs;
use crate::offers::to_outcome;
use crate::partial::PartialState;
use crate::protocol::{ALTERNATING_OFFERS, MoveKind, RecordedEnd, State, TimeLimit};
use crate::record::RecordEntry;
use crate::sessions::error::SessionError;
use crate::single_text::TextState;
use crate::store::sessions::Session;
use pactum_core::Outcome;

/// A recorded expiry the time limit does not imply at its recorded time.
fn expiry_before_the_limit() -> SessionError {
    SessionError::corrupt("stored log does not replay: an expiry before the time limit")
}

/// Replays a single-text session's votes (and, for the packages mediator,
/// the locks its first proposal waits for, on the session's scenario with
/// the locked preferences).
pub(crate) fn replay_text(
    session: &Session,
    entries: &[RecordEntry],
) -> Result<TextState, SessionError> {
    let sc = &session.scenario;
    let names = sc.negotiator_names();
    let mut state = TextState::new(sc, names.clone(), session.deadline_rounds);
    let corrupt = |e: String| SessionError::corrupt(format!("stored log does not replay: {e}"));
    for entry in entries {
        let event: Event =
            serde_json::from_value(entry.event.clone()).map_err(SessionError::unreadable)?;
        match event {
            Event::Created { .. } => {
                state = TextState::of_created(sc, names.clone(), &event).map_err(corrupt)?;
            }
            Event::Expired { at_ms, .. } if state.expire(at_ms).is_none() => {
                return Err(expiry_before_the_limit());
            }
            Event::PreferencesLocked { party, .. } => {
                state.locked_by(sc, &party).map_err(corrupt)?;
            }
            Event::Vote {
                party,
                proposal,
                accept,
                ..
            } => {
                let seat = names
                    .iter()
                    .position(|n| *n == party)
                    .ok_or_else(|| SessionError::corrupt("vote by an unknown party"))?;
                state
                    .vote(sc, seat, accept, Some(proposal))
                    .map_err(|e| corrupt(e.to_string()))?;
            }
            _ => {}
        }
    }
    Ok(state)
}

/// A single-text session's mediator as its creation records it
/// ("draft_and_vote" when it names none); `None` for other protocols.
pub(crate) fn recorded_mediator(
    session: &Session,
    entries: &[RecordEntry],
) -> Result<Option<String>, SessionError> {
    if session.protocol != crate::single_text::SINGLE_TEXT {
        return Ok(None);
    }
    let first = entries
        .first()
        .ok_or_else(|| SessionError::corrupt("session without log"))?;
    match serde_json::from_value(first.event.clone()).map_err(SessionError::unreadable)? {
        Event::Created { mediator, .. } => {
            Ok(Some(mediator.unwrap_or_else(|| {
                crate::mediators::DEFAULT_MEDIATOR.to_string()
            })))
        }
        _ => Err(SessionError::corrupt(
            "the log does not start with the session's creation",
        )),
    }
}

/// Replays a partial-rounds session's moves.
pub(crate) fn replay_partial(
    session: &Session,
    entries: &[RecordEntry],
) -> Result<PartialState, SessionError> {
    let sc = &session.scenario;
    let names = sc.negotiator_names();
    let mut state = PartialState::new(sc.issues().len(), names.clone(), session.deadline_rounds);
    for entry in entries {
        let event: Event =
            serde_json::from_value(entry.event.clone()).map_err(SessionError::unreadable)?;
        match &event {
            Event::Created { .. } => {
                let limit = TimeLimit::of_created(&event).map_err(SessionError::unreadable)?;
                state = state.with_time_limit(limit);
            }
            Event::Expired { at_ms, .. } if state.expire(sc, *at_ms).is_none() => {
                return Err(expiry_before_the_limit());
            }
            _ => {}
        }
        if let Event::PartialMove {
            party,
            kind,
            offer,
            proposal,
            ..
        } = event
        {
            let seat = names
                .iter()
                .position(|n| *n == party)
                .ok_or_else(|| SessionError::corrupt("move by an unknown party"))?;
            let offer = offer
                .map(|p| package_pairs(sc, &p))
                .transpose()
                .map_err(SessionError::unreadable)?;
            state
                .apply(sc, seat, kind, offer, proposal, entry.seq)
                .map_err(|e| SessionError::corrupt(format!("stored log does not replay: {e}")))?;
        }
    }
    Ok(state)
}

/// A move as replayed from the log.
#[derive(Clone)]
pub(crate) struct PastMove {
    pub(crate) seq: u64,
    pub(crate) round: u64,
    pub(crate) party: String,
    pub(crate) seat: usize,
    pub(crate) kind: MoveKind,
    pub(crate) offer: Option<Outcome>,
}

/// Replays the log into the protocol state (and the list of moves).
pub(crate) fn replay(
    session: &Session,
    entries: &[RecordEntry],
) -> Result<(State, Vec<PastMove>), SessionError> {
    let names = session.scenario.negotiator_names();
    let mut state = State::new(names.clone(), session.deadline_rounds);
    let mut moves = Vec::new();
    for entry in entries {
        let event: Event =
            serde_json::from_value(entry.event.clone()).map_err(SessionError::unreadable)?;
        // Protocols other than alternating offers finish without moves.
        match &event {
            Event::Created { .. } => {
                let limit = TimeLimit::of_created(&event).map_err(SessionError::unreadable)?;
                state = state.with_time_limit(limit);
            }
            Event::Expired { at_ms, .. }
                if session.protocol == ALTERNATING_OFFERS && state.expire(*at_ms).is_none() =>
            {
                return Err(expiry_before_the_limit());
            }
            Event::Agreement { offer, .. } if state.finished.is_none() => {
                state.finished = Some(RecordedEnd::Agreement(
                    to_outcome(&session.scenario, offer).map_err(SessionError::unreadable)?,
                ));
            }
            Event::Ended { reason, .. } if state.finished.is_none() => {
                state.finished = Some(RecordedEnd::Ended(reason.clone()));
            }
            _ => {}
        }
        if let Event::Move {
            party,
            kind,
            offer,
            round,
            ..
        } = event
        {
            let seat = names
                .iter()
                .position(|n| *n == party)
                .ok_or_else(|| SessionError::corrupt("move by an unknown party"))?;
            let outcome = match &offer {
                Some(p) => {
                    Some(to_outcome(&session.scenario, p).map_err(SessionError::unreadable)?)
                }
                None => None,
            };
            state
                .apply(seat, kind, outcome.clone())
                .map_err(|e| SessionError::corrupt(format!("stored log does not replay: {e}")))?;
            moves.push(PastMove {
                seq: entry.seq,
                round,
                party,
                seat,
                kind,
                offer: outcome,
            });
        }
    }
    Ok((state, moves))
}

pub(crate) fn status_of(state: &State) -> &'static str {
    match state.finished {
        None => "open",
        Some(RecordedEnd::Agreement(_)) => "agreement",
        Some(RecordedEnd::Ended(_)) => "ended",
    }
}

// ---------------------------------------------------------------- me
