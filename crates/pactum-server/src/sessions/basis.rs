//! What the mediator's suggestions rest on, as a session's log stands:
//! the log replayed under the session's protocol, whatever it is, into a
//! [`SuggestionBasis`] (the scenario, in free-form rounds with its settled
//! issues fixed; the package they improve on; the rounds completed; who
//! has not locked its preferences yet).

use crate::partial::PARTIAL_ROUNDS;
use crate::protocol::RecordedEnd;
use crate::record::RecordEntry;
use crate::sessions::error::SessionError;
use crate::sessions::replay::{replay, replay_partial, replay_text};
use crate::single_text::SINGLE_TEXT;
use crate::store::sessions::Session;
use crate::views::{SuggestionBasis, SuggestionContext, fix_settled_issues};

/// Replays the session's log for [`SuggestionBasis`].
pub(crate) fn suggestion_basis(
    session: &Session,
    entries: &[RecordEntry],
) -> Result<SuggestionBasis, SessionError> {
    let mut scenario = session.scenario.clone();
    let (rounds, standing, finished) = match session.protocol.as_str() {
        SINGLE_TEXT => {
            let state = replay_text(session, entries)?;
            (state.proposal, state.draft, state.finished.is_some())
        }
        PARTIAL_ROUNDS => {
            let state = replay_partial(session, entries)?;
            match &state.finished {
                // After settling: packages everyone weakly prefers to the
                // agreement, over the whole space.
                Some(RecordedEnd::Agreement(agreed)) => (state.round, Some(agreed.clone()), true),
                finished => {
                    fix_settled_issues(&mut scenario, &state.settled);
                    (state.round, None, finished.is_some())
                }
            }
        }
        _ => {
            let (state, _) = replay(session, entries)?;
            let (rounds, finished) = (state.round(), state.finished.is_some());
            (rounds, state.standing.map(|(_, o)| o), finished)
        }
    };
    let context = SuggestionContext::of(
        &session.scenario,
        &session.protocol,
        session.privacy,
        finished,
    );
    let unlocked =
        crate::preferences::unlocked(&session.scenario, |s| session.is_bot_seat(s), entries)
            .map_err(SessionError::unreadable)?;
    Ok(SuggestionBasis {
        scenario,
        standing,
        last_round: rounds.checked_sub(1),
        finished,
        context,
        unlocked,
    })
}
