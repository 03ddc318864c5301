//! The bot driver: the server's own negotiators (pactum-sim strategies)
//! move through the same service as people, for as long as it is a bot's
//! turn.
//!
//! Each bot move is decided against the state replayed under the session's
//! lock, so it is checked and committed exactly as a person's would be.

use crate::protocol::{SeatLimits, State};
use crate::sessions::AppState;
use crate::sessions::error::SessionError;
use crate::sessions::moves::{Committed, Decision, commit_move};
use crate::sessions::replay::PastMove;
use crate::store::sessions::Session;

/// Plays the bots' moves for as long as it is a bot's turn. Returns them,
/// committed, in order.
pub(crate) async fn play_bots(
    app: &AppState,
    session: &Session,
) -> Result<Vec<Committed>, SessionError> {
    let bots: Vec<Option<String>> = session
        .seats
        .iter()
        .filter(|s| s.role == "negotiator")
        .map(|s| s.strategy.clone())
        .collect();
    if bots.iter().all(Option::is_none) {
        return Ok(Vec::new());
    }
    let prepared = {
        let (tables, id, sc) = (
            app.bots.clone(),
            session.id.clone(),
            session.scenario.clone(),
        );
        tokio::task::spawn_blocking(move || tables.get(&id, &sc))
            .await
            .map_err(SessionError::unreadable)?
            .map_err(SessionError::unreadable)?
    };
    let mut played = Vec::new();
    loop {
        let decide = |state: &State, moves: &[PastMove]| -> Result<Decision, SessionError> {
            if state.finished.is_some() {
                return Ok(None);
            }
            let seat = state.turn();
            let Some(strategy) = bots.get(seat).cloned().flatten() else {
                return Ok(None);
            };
            let history: Vec<crate::bots::SeenMove> = moves
                .iter()
                .map(|m| crate::bots::SeenMove {
                    seat: m.seat,
                    round: m.round,
                    kind: m.kind,
                    offer: m.offer.clone(),
                })
                .collect();
            let (seat, kind, offer) = crate::bots::next_move(
                &prepared,
                &strategy,
                &session.id,
                state,
                &history,
                &crate::bots::clock(session.deadline_rounds),
                &SeatLimits::new(&session.scenario),
            )
            .map_err(SessionError::unreadable)?;
            Ok(Some((seat, kind, offer)))
        };
        let Some(c) = commit_move(app, session, None, decide).await? else {
            break;
        };
        played.push(c);
    }
    Ok(played)
}
