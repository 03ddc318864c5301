//! A session's protocol state, rebuilt by replaying its committed log
//! through the protocol's state machine.
//!
//! Replay is strict: a stored move the state machine refuses, or an entry
//! that does not parse, is an internal error (the log was written only by
//! moves the same machine accepted), never silently skipped.

use crate::api::Session;
use crate::error::ApiError;
use crate::event::Event;
use crate::offers::package_pairs;
use crate::partial::PartialState;
use crate::record::RecordEntry;
use crate::singletext::TextState;

/// Replays a single-text session's votes.
pub(crate) fn replay_text(
    session: &Session,
    entries: &[RecordEntry],
) -> Result<TextState, ApiError> {
    let sc = &session.scenario;
    let names = sc.negotiator_names();
    let mut state = TextState::new(sc, names.clone(), session.deadline_rounds);
    for entry in entries {
        let event: Event =
            serde_json::from_value(entry.event.clone()).map_err(ApiError::internal)?;
        if let Event::Vote {
            party,
            proposal,
            accept,
            ..
        } = event
        {
            let seat = names
                .iter()
                .position(|n| *n == party)
                .ok_or_else(|| ApiError::internal("vote by an unknown party"))?;
            state
                .vote(sc, seat, accept, Some(proposal))
                .map_err(|e| ApiError::internal(format!("stored log does not replay: {e}")))?;
        }
    }
    Ok(state)
}

/// Replays a partial-rounds session's moves.
pub(crate) fn replay_partial(
    session: &Session,
    entries: &[RecordEntry],
) -> Result<PartialState, ApiError> {
    let sc = &session.scenario;
    let names = sc.negotiator_names();
    let mut state = PartialState::new(sc.issues.len(), names.clone(), session.deadline_rounds);
    for entry in entries {
        let event: Event =
            serde_json::from_value(entry.event.clone()).map_err(ApiError::internal)?;
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
                .ok_or_else(|| ApiError::internal("move by an unknown party"))?;
            let offer = offer
                .map(|p| package_pairs(sc, &p))
                .transpose()
                .map_err(ApiError::internal)?;
            state
                .apply(sc, seat, kind, offer, proposal, entry.seq)
                .map_err(|e| ApiError::internal(format!("stored log does not replay: {e}")))?;
        }
    }
    Ok(state)
}
