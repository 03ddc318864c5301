//! The HTTP layer: routes, authorisation, request and response views and
//! the OpenAPI document, one module per resource. Handlers read and check a
//! request completely, then call the `sessions` service; none queries the
//! store itself (but `health`, whose `SELECT 1` is the check).

pub(crate) mod auth;
pub(crate) mod certificate;
pub(crate) mod create;
pub(crate) mod disclosure;
pub(crate) mod error;
pub(crate) mod events;
pub(crate) mod health;
pub(crate) mod me;
pub(crate) mod mediator;
pub(crate) mod moves;
pub(crate) mod offers;
pub(crate) mod openapi;
pub(crate) mod partial;
pub(crate) mod preferences;
pub(crate) mod record;
pub(crate) mod router;
pub(crate) mod single_text;
pub(crate) mod status;
pub(crate) mod suggestions;
pub(crate) mod traces;
pub(crate) mod words;

use axum::Json;
use axum::extract::rejection::JsonRejection;

use crate::http::error::ApiError;

/// A JSON request body, or the 4xx its rejection calls for.
pub(crate) fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(t)| t)
        .map_err(|r| ApiError::new(r.status(), r.body_text()))
}
