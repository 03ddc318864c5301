//! `PUT /sessions/{id}/me/preferences` (a negotiator replaces its own
//! preferences — weights, value tables, reservation value, red lines —
//! until they lock), `POST /sessions/{id}/preferences/lock`
//! and `GET /sessions/{id}/preferences/export` (the openings of the
//! caller's own commitments). The preferences are checked as a native
//! scenario file checks them (a 422 names the field) before the service
//! stores anything; a bot's seat is view-only (403).

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::auth::authorize_party;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::json_body;
use crate::preferences::{
    PreferencesExport, PreferencesRequest, apply, unlocked, with_red_lines_kept,
};
use crate::sessions::AppState;
use crate::sessions::cache::load_session;
use crate::sessions::records;

/// Answer of `PUT /sessions/{id}/me/preferences`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct PreferencesUpdated {
    /// Sequence number of the commitment in the record.
    pub seq: u64,
    /// The commitment recorded: hex `sha256(salt || canonical JSON)`.
    pub commitment: String,
    /// The salt (hex), shown only to the party.
    pub salt: String,
}

#[utoipa::path(put, path = "/sessions/{id}/me/preferences", params(("id" = String, Path)),
    request_body = PreferencesRequest, responses(
    (status = 200, body = PreferencesUpdated), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("party_token" = [])))]
pub(crate) async fn put_preferences(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<PreferencesRequest>, JsonRejection>,
) -> Result<Json<PreferencesUpdated>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    if session.is_bot_seat(seat.seat) {
        return Err(ApiError::forbidden(
            "a bot plays this seat: its token is view-only",
        ));
    }
    let prefs = with_red_lines_kept(&session.scenario, seat.party, &json_body(body)?);
    apply(&session.scenario, seat.party, &prefs)
        .map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let stored = records::replace_preferences(&app, &session, &seat.name, &prefs).await?;
    Ok(Json(PreferencesUpdated {
        seq: stored.seq,
        commitment: stored.commitment,
        salt: stored.salt,
    }))
}

#[utoipa::path(get, path = "/sessions/{id}/preferences/export", params(("id" = String, Path)),
    responses(
    (status = 200, body = PreferencesExport), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody)),
    security(("party_token" = [])))]
pub(crate) async fn export_preferences(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<PreferencesExport>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    let openings = records::preference_openings(&app, &id, &seat.name).await?;
    Ok(Json(PreferencesExport {
        session_id: id,
        party: seat.name,
        openings,
    }))
}

/// Answer of `POST /sessions/{id}/preferences/lock`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct LockState {
    pub party: String,
    /// Always `true`: the caller's preferences are locked.
    pub locked: bool,
    /// Negotiators whose preferences are not locked yet (turn order);
    /// suggestions wait for them.
    pub waiting_for: Vec<String>,
}

#[utoipa::path(post, path = "/sessions/{id}/preferences/lock", params(("id" = String, Path)),
    responses(
    (status = 200, body = LockState), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 409, body = ErrorBody)),
    security(("party_token" = [])))]
pub(crate) async fn lock_preferences(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<LockState>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    let entries = records::lock_preferences(&app, &session, seat.seat, &seat.name).await?;
    Ok(Json(LockState {
        waiting_for: unlocked(&session.scenario, |s| session.is_bot_seat(s), &entries)
            .map_err(ApiError::internal)?,
        party: seat.name,
        locked: true,
    }))
}
