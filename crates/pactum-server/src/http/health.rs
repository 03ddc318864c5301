//! `GET /health`: 200 when the server can reach its database, 503 when it
//! cannot (for load balancers and monitors).

use axum::Json;
use axum::extract::State as AxumState;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::error::{ApiError, ErrorBody};
use crate::sessions::AppState;

/// Answer of `GET /health`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct Health {
    /// "ok".
    pub status: String,
    /// "SQLite" or "PostgreSQL".
    pub database: String,
}

/// For load balancers and monitors: 200 when the server can reach its
/// database, 503 when it cannot.
#[utoipa::path(get, path = "/health", responses(
    (status = 200, body = Health), (status = 503, body = ErrorBody)))]
pub(crate) async fn health(AxumState(app): AxumState<AppState>) -> Result<Json<Health>, ApiError> {
    // Why is for the log: the database's text may name files or hosts.
    let unavailable = |e: String| {
        tracing::warn!("health: the database cannot be reached: {e}");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the database cannot be reached",
        )
    };
    let mut conn = app
        .pool
        .acquire()
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    sqlx::query("SELECT 1")
        .execute(&mut *conn)
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    Ok(Json(Health {
        status: "ok".into(),
        database: conn.backend_name().into(),
    }))
}
