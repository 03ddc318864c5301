//! Words with moves: `POST /sessions/{id}/messages` (the mediator's words
//! without a move: the scenario's mediator party's token or the convener's
//! admin token; 403 for a negotiator's or an observer's) and `GET
//! /sessions/{id}/messages` (every message of the record — the mediator's
//! and those sent with moves and votes — for every token of the session).
//!
//! Messages are plain text, checked before anything is stored (422 naming
//! the field: at most 500 characters, no control character but a line
//! break); they are returned as given, and every page shows them as text.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::auth::{Caller, authorize};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::json_body;
use crate::mediation::mediator_of;
use crate::sessions::AppState;
use crate::sessions::cache::load_session;
use crate::sessions::records::read_log;
use crate::sessions::words::{messages, post_message};
use crate::words::required_message;

/// Body of `POST /sessions/{id}/messages`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MessageRequest {
    /// The words, shown to every party of the session: plain text, at most
    /// 500 characters, no control character but a line break.
    pub message: String,
}

/// Answer of `POST /sessions/{id}/messages`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct MessagePosted {
    /// Sequence number of the message in the session's record.
    pub seq: u64,
    /// The name it is recorded under: the scenario's mediator party, or
    /// "mediator" (the admin token where the scenario names no mediator),
    /// or "convener" (the admin token where it names one).
    pub party: String,
}

/// One message of the record.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct MessageView {
    /// Sequence number of the entry that carries it.
    pub seq: u64,
    /// Who said it.
    pub party: String,
    /// "offer", "accept", "reject", "end" or "leave" (with a move), "vote"
    /// (with a vote on the single text; how it voted is not shown) or
    /// "message" (the mediator's, without a move).
    pub kind: String,
    /// The round of the move (the proposal, for a vote).
    pub round: Option<u64>,
    /// The words, as sent (plain text: show it as text).
    pub message: String,
    /// When, in milliseconds since the epoch.
    pub at_ms: i64,
}

/// Answer of `GET /sessions/{id}/messages`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct MessagesView {
    /// Every message, in record order.
    pub messages: Vec<MessageView>,
}

#[utoipa::path(post, path = "/sessions/{id}/messages", params(("id" = String, Path)),
    request_body = MessageRequest, responses(
    (status = 200, body = MessagePosted), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("mediator_token" = []), ("admin_token" = [])))]
pub(crate) async fn post_words(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<MessageRequest>, JsonRejection>,
) -> Result<Json<MessagePosted>, ApiError> {
    let session = load_session(&app, &id).await?;
    let named = mediator_of(&session.scenario);
    let party = match authorize(&session, &headers)? {
        Caller::Admin if named.is_some() => "convener".to_string(),
        Caller::Admin => "mediator".to_string(),
        Caller::Viewer { role } if role == "mediator" => {
            named.ok_or_else(|| ApiError::internal("mediator token without mediator"))?
        }
        _ => {
            return Err(ApiError::forbidden(
                "only the mediator (the scenario's mediator party, or the admin token) posts messages without a move; a negotiator sends words with its moves",
            ));
        }
    };
    let req = json_body(body)?;
    let message = required_message("message", &req.message)
        .map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let seq = post_message(&app, &session, &party, message).await?;
    Ok(Json(MessagePosted { seq, party }))
}

#[utoipa::path(get, path = "/sessions/{id}/messages", params(("id" = String, Path)), responses(
    (status = 200, body = MessagesView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("party_token" = []), ("viewer_token" = []), ("admin_token" = [])))]
pub(crate) async fn get_words(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<MessagesView>, ApiError> {
    let session = load_session(&app, &id).await?;
    authorize(&session, &headers)?;
    let entries = read_log(&app, &id).await?;
    let messages = messages(&entries)?
        .into_iter()
        .map(|s| MessageView {
            seq: s.seq,
            party: s.party,
            kind: s.kind,
            round: s.round,
            message: s.message,
            at_ms: s.at_ms,
        })
        .collect();
    Ok(Json(MessagesView { messages }))
}
