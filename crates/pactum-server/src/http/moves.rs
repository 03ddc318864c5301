//! `POST /sessions/{id}/moves`: a negotiator's move in an alternating-offers
//! or partial-rounds session.
//!
//! The request is read and checked completely (the offer against the
//! scenario, the fields each kind of move carries) before the sessions
//! service is asked to apply it; the answer comes after the commit, with the
//! moves the server's bots played right after it.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;
use pactum_core::analysis::Package;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::auth::authorize_party;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::json_body;
use crate::offers::parse_offer;
use crate::partial::PARTIAL_ROUNDS;
use crate::protocol::{MoveKind, RecordedEnd};
use crate::sessions::AppState;
use crate::sessions::bots::play_bots;
use crate::sessions::cache::load_session;
use crate::sessions::moves::commit_move;
use crate::single_text::SINGLE_TEXT;
use crate::words::check_message;

/// Body of `POST /sessions/{id}/moves`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    /// `offer`, `accept`, `reject`, `end`, or (alternating offers among
    /// three or more) `leave`. An offer or acceptance of a package below
    /// the mover's reservation value or across its red lines is refused
    /// (422).
    pub kind: MoveKind,
    /// Issue → value; required for offers, absent otherwise. In a
    /// partial-rounds session, some of the open issues.
    #[schema(value_type = Option<Object>)]
    pub offer: Option<serde_json::Map<String, serde_json::Value>>,
    /// Partial rounds: the proposal an acceptance accepts (its id).
    #[serde(default)]
    pub proposal: Option<u64>,
    /// Words sent with the move, shown to every party of the session and
    /// to the mediator, and kept in the record — with an offer, its
    /// rationale ("our red line on territory"). Plain text, at most 500
    /// characters, no control character but a line break (else 422).
    #[serde(default)]
    pub message: Option<String>,
}

/// Answer to an accepted move (sent after it is committed).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MoveResponse {
    /// Sequence number of the move in the session's record.
    pub seq: u64,
    pub round: u64,
    /// "open", "agreement" or "ended".
    pub status: String,
    #[schema(value_type = Option<Object>)]
    pub agreement: Option<Package>,
    pub reason: Option<String>,
    /// Moves the server played for bots right after this one, in order.
    #[serde(default)]
    pub bot_moves: Vec<BotMove>,
    /// Partial rounds: the session after the move.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<crate::http::partial::PartialView>,
}

#[utoipa::path(post, path = "/sessions/{id}/moves", params(("id" = String, Path)), request_body = MoveRequest, responses(
    (status = 200, body = MoveResponse), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
    (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("party_token" = [])))]
pub(crate) async fn post_move(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<MoveRequest>, JsonRejection>,
) -> Result<Json<MoveResponse>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    let req = json_body(body)?;
    let message = check_message("message", req.message.as_deref())
        .map_err(|e| ApiError::unprocessable(e.to_string()))?;
    if session.protocol == SINGLE_TEXT {
        return Err(ApiError::conflict(
            "this session is a single negotiating text: vote on the mediator's proposals (POST /sessions/{id}/votes)",
        ));
    }
    if session.protocol == PARTIAL_ROUNDS {
        let sc = &session.scenario;
        let pairs =
            crate::http::partial::read_move(sc, req.kind, req.offer.as_ref(), req.proposal)?;
        let moved = crate::sessions::partial::make_move(
            &app,
            &session,
            &seat,
            req.kind,
            pairs,
            req.proposal,
            message,
        )
        .await?;
        return Ok(Json(MoveResponse {
            seq: moved.seq,
            round: moved.round,
            status: match &moved.state.finished {
                None => "open",
                Some(RecordedEnd::Agreement(_)) => "agreement",
                Some(RecordedEnd::Ended(_)) => "ended",
            }
            .into(),
            agreement: moved.agreement,
            reason: moved.reason,
            bot_moves: Vec::new(),
            partial: Some(crate::http::partial::view(sc, &moved.state, seat.seat)),
        }));
    }
    if req.proposal.is_some() {
        return Err(ApiError::unprocessable(
            "\"proposal\" is for partial-rounds sessions",
        ));
    }
    let sc = &session.scenario;
    let outcome = match (req.kind, &req.offer) {
        (MoveKind::Offer, Some(offer)) => {
            Some(parse_offer(sc, offer).map_err(|e| ApiError::unprocessable(e.to_string()))?)
        }
        (MoveKind::Offer, None) => {
            return Err(ApiError::unprocessable(
                "an offer needs an \"offer\" package",
            ));
        }
        (_, Some(_)) => return Err(ApiError::unprocessable("only offers carry a package")),
        (_, None) => None,
    };

    if session
        .seats
        .get(seat.seat)
        .is_some_and(|s| s.strategy.is_some())
    {
        return Err(ApiError::forbidden(
            "a bot plays this seat: its token is view-only",
        ));
    }
    let (kind, seat_no) = (req.kind, seat.seat);
    let (session, committed) = if app.write_lock.is_some() {
        app.commit_queued(session, seat_no, kind, outcome, message)
            .await?
    } else {
        let committed = commit_move(&app, &session, message, |_, _| {
            Ok(Some((seat_no, kind, outcome)))
        })
        .await?;
        (session, committed)
    };
    let committed = committed.ok_or_else(|| ApiError::internal("move not committed"))?;
    let bot_moves = play_bots(&app, &session)
        .await?
        .into_iter()
        .map(|c| BotMove {
            seq: c.seq,
            round: c.round,
            party: c.party,
            kind: c.kind,
            offer: c.offer,
            status: c.status,
        })
        .collect();
    // Suggestions for a round the move completed are computed after the
    // answer, and streamed.
    crate::sessions::live::auto_suggest_after_moves(&app, &session, committed.round).await;
    Ok(Json(MoveResponse {
        seq: committed.seq,
        round: committed.round,
        status: committed.status,
        agreement: committed.agreement,
        reason: committed.reason,
        bot_moves,
        partial: None,
    }))
}

/// A move the server played for a bot.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BotMove {
    pub seq: u64,
    pub round: u64,
    pub party: String,
    pub kind: MoveKind,
    #[schema(value_type = Option<Object>)]
    pub offer: Option<Package>,
    /// "open", "agreement" or "ended" after this move.
    pub status: String,
}

// ---------------------------------------------------------------- offers
