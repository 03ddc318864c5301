//! `GET /sessions/{id}/record` (the admin's) and `GET /signing-key`.
//!
//! The record is shown whole up to a point, so that what is shown verifies:
//! votes on the single text's open proposal stay secret until it closes.

use axum::Json;
use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::auth::authorize_admin;
use crate::http::error::{ApiError, ErrorBody};
use crate::record::Record;
use crate::sessions::AppState;
use crate::sessions::cache::load_session;

#[utoipa::path(get, path = "/sessions/{id}/record", params(("id" = String, Path)), responses(
    (status = 200, body = Record), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("admin_token" = [])))]
pub(crate) async fn record(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Record>, ApiError> {
    let session = load_session(&app, &id).await?;
    authorize_admin(&session, &headers)?;
    let mut events = crate::sessions::records::read_log(&app, &id).await?;
    // Votes on the single text's open proposal stay secret until it closes.
    events.truncate(crate::views::before_open_votes(&events).map_err(ApiError::internal)?);
    Ok(Json(app.signed(Record {
        session_id: id,
        events,
        signature: None,
    })))
}

/// Answer of `GET /signing-key`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct SigningKeyView {
    /// Always "ed25519".
    pub algorithm: String,
    /// The public key (hex, 32 bytes) that checks the signatures of the
    /// records this server serves (`pactum verify --public-key`).
    pub public_key: String,
}

#[utoipa::path(get, path = "/signing-key", responses(
    (status = 200, body = SigningKeyView), (status = 404, body = ErrorBody)))]
pub(crate) async fn signing_key(
    AxumState(app): AxumState<AppState>,
) -> Result<Json<SigningKeyView>, ApiError> {
    let key = app.signing_key.as_ref().ok_or_else(|| {
        ApiError::not_found("this server signs no records (start it with --signing-key)")
    })?;
    Ok(Json(SigningKeyView {
        algorithm: crate::signing::ED25519.into(),
        public_key: hex::encode(key.verifying_key().to_bytes()),
    }))
}
