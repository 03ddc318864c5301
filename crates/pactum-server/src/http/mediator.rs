//! `GET /sessions/{id}/mediator`: the session's moves (packages only) for
//! mediators, observers and the admin, never for negotiators (403); the
//! utility space only for the session's mediator once every negotiator
//! discloses.

use axum::Json;
use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;
use pactum_core::IssueKind;
use pactum_core::analysis::Package;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::certified::disclosed_by;
use crate::event::Event;
use crate::http::auth::{Caller, authorize};
use crate::http::disclosure::is_session_mediator;
use crate::http::error::{ApiError, ErrorBody};
use crate::mediation::{Point, UtilitySpace, mediator_of, utility_space};
use crate::offers::package;
use crate::partial::PARTIAL_ROUNDS;
use crate::sessions::AppState;
use crate::sessions::cache::load_session;
use crate::sessions::records::{events_of, read_log};
use crate::sessions::replay::{replay, status_of};
use crate::single_text::SINGLE_TEXT;

/// One offer of the trace: who offered what, no utilities.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct TraceOffer {
    pub seq: u64,
    pub round: u64,
    pub party: String,
    #[schema(value_type = Object)]
    pub offer: Package,
}

/// One move of the trace (alternating offers): who did what, no utilities.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct TraceMove {
    pub seq: u64,
    pub round: u64,
    pub party: String,
    pub kind: crate::protocol::MoveKind,
    /// The offered package (offers only).
    #[schema(value_type = Option<Object>)]
    pub offer: Option<Package>,
}

/// Answer of `GET /sessions/{id}/mediator`: the session's moves (packages
/// only) for mediators, observers and the admin.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct MediatorView {
    /// "alternating_offers", "single_text" or "partial_rounds".
    pub protocol: String,
    pub status: String,
    pub round: u64,
    pub deadline_rounds: u64,
    /// Whose turn it is (alternating offers, while open).
    pub turn: Option<String>,
    pub negotiators: Vec<String>,
    /// Alternating offers: the negotiators who left (turn order).
    pub left: Vec<String>,
    /// The wall-clock time limit, if any, and the time left.
    pub time_limit: Option<crate::protocol::TimeLimitView>,
    /// The scenario's issues in order.
    pub issues: Vec<String>,
    /// The options of each issue in the scenario's order, parallel to
    /// `issues` (empty for numeric issues, whose values order themselves).
    pub issue_options: Vec<Vec<String>>,
    /// The session's mediator, who gets the utility space: the scenario's
    /// mediator party, or `null` when the convener mediates.
    pub mediator: Option<String>,
    /// Negotiators who currently disclose their preferences.
    pub disclosed: Vec<String>,
    /// How many moves the negotiators made, as the convener's record shows
    /// them: offers, acceptances, rejections and ends; proposals,
    /// acceptances and closings (partial rounds); votes on decided
    /// proposals (single text: votes on the proposal being voted on count
    /// once it closes).
    pub move_count: u64,
    /// Alternating offers: every move in order (offers, acceptances,
    /// rejections, the end). Empty under the other protocols.
    #[serde(default)]
    pub moves: Vec<TraceMove>,
    /// Alternating offers: every offer. Empty under the other protocols,
    /// whose moves are in `partial` and `single_text`.
    pub offers: Vec<TraceOffer>,
    /// Partial rounds: the proposals round by round, the settled issues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<crate::http::traces::PartialTrace>,
    /// Single text: the proposals with their votes, the standing draft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub single_text: Option<crate::http::traces::TextTrace>,
    /// Present only for a mediator's token once every negotiator discloses.
    pub utility_space: Option<UtilitySpace>,
    /// The session's privacy level: what the negotiators' suggestions may
    /// rest on ("full", "pareto" or "off").
    pub privacy: crate::views::Privacy,
    /// Negotiators whose preferences are not locked yet (suggestions wait
    /// for them).
    pub waiting_for_locks: Vec<String>,
}

#[utoipa::path(get, path = "/sessions/{id}/mediator", params(("id" = String, Path)), responses(
    (status = 200, body = MediatorView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, description = "The analysis does not fit the server's budget or deadline", body = ErrorBody),
    (status = 503, description = "Busy with other analyses (Retry-After)", body = ErrorBody)),
    security(("viewer_token" = []), ("admin_token" = [])))]
pub(crate) async fn mediator_view(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<MediatorView>, ApiError> {
    let session = load_session(&app, &id).await?;
    let caller = authorize(&session, &headers)?;
    if let Caller::Negotiator(_) = caller {
        return Err(ApiError::forbidden(
            "the mediator view is for mediators, observers and the admin; negotiators use /offers",
        ));
    }
    let is_mediator = is_session_mediator(&session.scenario, &caller);
    let entries = read_log(&app, &id).await?;
    let (state, moves) = replay(&session, &entries)?;
    let events = events_of(&entries)?;
    // Counted as the convener's record shows them: votes on a single
    // text's proposal still being voted on count once it closes.
    let shown = crate::views::before_open_votes(&entries).map_err(ApiError::internal)?;
    let move_count = events[..shown]
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::Move { .. } | Event::PartialMove { .. } | Event::Vote { .. }
            )
        })
        .count() as u64;
    let disclosed = disclosed_by(events);
    let all = state.negotiators.iter().all(|n| disclosed.contains(n));
    let sc = &session.scenario;
    let mut view = MediatorView {
        protocol: session.protocol.clone(),
        status: status_of(&state).to_string(),
        round: state.round(),
        deadline_rounds: session.deadline_rounds,
        turn: None,
        negotiators: state.negotiators.clone(),
        left: state.left_names(),
        time_limit: state
            .time_limit
            .map(|l| crate::protocol::TimeLimitView::of(&l, crate::sessions::now_ms())),
        issues: sc.issues().iter().map(|i| i.name.clone()).collect(),
        issue_options: sc
            .issues()
            .iter()
            .map(|i| match &i.kind {
                IssueKind::Discrete { options } => options.clone(),
                _ => Vec::new(),
            })
            .collect(),
        mediator: mediator_of(sc),
        disclosed,
        move_count,
        moves: Vec::new(),
        offers: Vec::new(),
        partial: None,
        single_text: None,
        utility_space: None,
        privacy: session.privacy,
        waiting_for_locks: crate::preferences::unlocked(sc, |s| session.is_bot_seat(s), &entries)
            .map_err(ApiError::internal)?,
    };
    // The packages whose utilities the utility space would show.
    let (points, standing): (Vec<Point>, Option<Point>) = match session.protocol.as_str() {
        PARTIAL_ROUNDS => {
            let (trace, partial, proposals) =
                crate::http::traces::partial_trace(&session, &entries)?;
            view.round = partial.round.min(session.deadline_rounds.saturating_sub(1));
            view.partial = Some(trace);
            (
                proposals.into_iter().map(Point::Partial).collect(),
                Some(Point::Partial(partial.settled_pairs())),
            )
        }
        SINGLE_TEXT => {
            let (trace, text, drafts) = crate::http::traces::text_trace(&session, &entries)?;
            view.round = text.proposal.min(session.deadline_rounds.saturating_sub(1));
            view.single_text = Some(trace);
            (
                drafts.into_iter().map(Point::Outcome).collect(),
                text.draft.map(Point::Outcome),
            )
        }
        _ => {
            let out_of_time = view.time_limit.as_ref().is_some_and(|t| t.passed);
            view.turn = (state.finished.is_none() && !out_of_time)
                .then(|| state.negotiators[state.turn()].clone());
            let mut points = Vec::new();
            for m in moves {
                view.moves.push(TraceMove {
                    seq: m.seq,
                    round: m.round,
                    party: m.party.clone(),
                    kind: m.kind,
                    offer: m.offer.as_ref().map(|o| package(sc, o)),
                });
                if let Some(o) = m.offer {
                    view.offers.push(TraceOffer {
                        seq: m.seq,
                        round: m.round,
                        party: m.party,
                        offer: package(sc, &o),
                    });
                    points.push(Point::Outcome(o));
                }
            }
            (points, None)
        }
    };
    if is_mediator && all {
        let scenario = session.scenario;
        let space = app
            .limits
            .analyse(move |options| utility_space(&scenario, &points, standing, options))
            .await?
            .map_err(|e| ApiError::unprocessable(e.to_string()))?;
        view.utility_space = Some(space);
    }
    Ok(Json(view))
}
