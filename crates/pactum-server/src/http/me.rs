//! `GET /sessions/{id}/me`: the caller's seat, its own preferences and the
//! public state of the negotiation (who left, the time limit and the time
//! left). Only a negotiator's token; never another party's utilities.

use axum::Json;
use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::auth::authorize_party;
use crate::http::error::{ApiError, ErrorBody};
use crate::offers::package;
use crate::partial::PARTIAL_ROUNDS;
use crate::protocol::ALTERNATING_OFFERS;
use crate::protocol::TimeLimitView;
use crate::sessions::cache::load_session;
use crate::sessions::replay::{replay, status_of};
use crate::sessions::{AppState, now_ms};
use crate::views::{OwnView, PreferenceSummary, Privacy, own_utility, preference_summary};

/// Answer of `GET /sessions/{id}/me`: the caller's seat, its own preferences
/// and the public state of the negotiation.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub party: String,
    pub seat: usize,
    /// "alternating_offers", "single_text" or "partial_rounds".
    pub protocol: String,
    /// Single text: the mediator ("draft_and_vote", "veto",
    /// "hill_climbing" or "packages"); absent for other protocols.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mediator: Option<String>,
    pub negotiators: Vec<String>,
    pub preferences: PreferenceSummary,
    /// "open", "agreement" or "ended".
    pub status: &'static str,
    pub round: u64,
    pub deadline_rounds: u64,
    /// The wall-clock time limit, if the session has one, and the time
    /// left at this request.
    pub time_limit: Option<TimeLimitView>,
    /// Whose turn it is (while open and within the time limit).
    pub turn: Option<String>,
    /// Alternating offers among three or more: the negotiators who left
    /// (turn order); the others go on, and an agreement binds only those
    /// who stayed.
    pub left: Vec<String>,
    /// The standing offer with the caller's utility of it.
    pub standing_offer: Option<OwnView>,
    /// Partial rounds: settled issues, this round's proposals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial: Option<crate::http::partial::PartialView>,
    /// Whether the caller may still replace its preferences
    /// (`PUT /sessions/{id}/me/preferences`): until they are locked (by its
    /// first move or `POST /sessions/{id}/preferences/lock`), while the
    /// negotiation is open, and not in a bot's seat.
    pub preferences_editable: bool,
    /// Whether the caller's preferences are locked.
    pub preferences_locked: bool,
    /// Negotiators whose preferences are not locked yet (turn order): the
    /// mediator's suggestions wait for them.
    pub waiting_for_locks: Vec<String>,
    /// The session's privacy level: what the mediator's suggestions may
    /// rest on ("full", "pareto" or "off").
    pub privacy: Privacy,
}

#[utoipa::path(get, path = "/sessions/{id}/me", params(("id" = String, Path)), responses(
    (status = 200, body = MeResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("party_token" = [])))]
pub(crate) async fn me(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<MeResponse>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    let entries = crate::sessions::records::read_log(&app, &id).await?;
    let (state, _) = replay(&session, &entries)?;
    let sc = &session.scenario;
    let partial = if session.protocol == PARTIAL_ROUNDS {
        let p = crate::sessions::replay::replay_partial(&session, &entries)?;
        Some(crate::http::partial::view(sc, &p, seat.seat))
    } else {
        None
    };
    let unlocked =
        crate::preferences::unlocked(&session.scenario, |s| session.is_bot_seat(s), &entries)
            .map_err(ApiError::internal)?;
    let preferences_locked = !unlocked.contains(&seat.name);
    let preferences_editable = state.finished.is_none() && !preferences_locked;
    let time_limit = state.time_limit.map(|l| TimeLimitView::of(&l, now_ms()));
    let out_of_time = time_limit.as_ref().is_some_and(|t| t.passed);
    Ok(Json(MeResponse {
        preferences_editable,
        preferences_locked,
        waiting_for_locks: unlocked,
        privacy: session.privacy,
        protocol: session.protocol.clone(),
        mediator: crate::sessions::replay::recorded_mediator(&session, &entries)?,
        preferences: preference_summary(sc, seat.party),
        status: status_of(&state),
        round: partial.as_ref().map_or(state.round(), |p| p.round),
        deadline_rounds: state.deadline_rounds,
        turn: (state.finished.is_none() && !out_of_time && session.protocol == ALTERNATING_OFFERS)
            .then(|| state.negotiators[state.turn()].clone()),
        left: state.left_names(),
        time_limit,
        standing_offer: state.standing.as_ref().map(|(_, o)| OwnView {
            offer: package(sc, o),
            my_utility: own_utility(sc, seat.party, o),
        }),
        negotiators: state.negotiators,
        party: seat.name,
        seat: seat.seat,
        partial,
    }))
}

// ---------------------------------------------------------------- moves
