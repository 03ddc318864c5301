//! The one error type of the HTTP API: a status code and a message, sent as
//! `{"error": "..."}` so clients always get a machine-readable reason; a
//! refusal for load (429, 503) says when to retry in `Retry-After`.
//!
//! A server failure (database, I/O, a task that died, a log that does not
//! replay) never shows its cause to the client: the cause is logged with a
//! request id, and the client gets "internal error" with that id, which an
//! operator can look up in the log.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An HTTP error answer: its status, the message the client sees and, for
/// a server failure, the cause that only the log sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What the client is told.
    pub message: String,
    /// A server failure's cause, logged and never sent.
    cause: Option<String>,
    /// Seconds after which a refused request may be retried (sent as
    /// `Retry-After`).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            cause: None,
            retry_after: None,
        }
    }
    /// The same error, telling the client to retry after `secs` seconds.
    pub(crate) fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }
    pub(crate) fn unprocessable(m: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, m)
    }
    pub(crate) fn conflict(m: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, m)
    }
    pub(crate) fn unauthorized(m: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, m)
    }
    pub(crate) fn forbidden(m: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, m)
    }
    pub(crate) fn not_found(m: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, m)
    }
    /// A server failure: the client is told only that it happened (with a
    /// request id); `cause` (with its sources) goes to the log.
    pub(crate) fn internal(cause: impl std::fmt::Display) -> Self {
        let mut e = Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
        e.cause = Some(cause.to_string());
        e
    }
    /// A server failure caused by `error`, logged with its chain of sources.
    pub(crate) fn internal_from(error: &(dyn std::error::Error + 'static)) -> Self {
        let mut cause = error.to_string();
        let mut source = error.source();
        while let Some(s) = source {
            cause.push_str(": ");
            cause.push_str(&s.to_string());
            source = s.source();
        }
        Self::internal(cause)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::from_database(&e)
    }
}

impl ApiError {
    /// The answer to a database error: a lost race for a turn is a
    /// conflict, an exhausted pool a 503 to retry, anything else a server
    /// failure.
    pub(crate) fn from_database(e: &sqlx::Error) -> Self {
        if let sqlx::Error::Database(d) = e {
            // Another writer took the same (session, seq): the caller lost a
            // race for the turn and may retry against the new state.
            if d.is_unique_violation() {
                return ApiError::conflict("a concurrent move took this turn; reload and retry");
            }
        }
        if matches!(e, sqlx::Error::PoolTimedOut) {
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is busy; retry later",
            )
            .retry_after(1);
        }
        ApiError::internal_from(e)
    }
}

/// The body of every error response.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody {
    /// Why the request failed (for a server failure, only that it did and
    /// the request id under which the log has the cause).
    pub error: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // The server's own failures are worth an operator's attention; the
        // client's mistakes are answered, not logged.
        let message = match &self.cause {
            Some(cause) => {
                let request = hex::encode(rand::random::<[u8; 8]>());
                tracing::error!(status = self.status.as_u16(), request, "{cause}");
                format!("{} (request {request})", self.message)
            }
            None => {
                if self.status.is_server_error() {
                    tracing::error!(status = self.status.as_u16(), "{}", self.message);
                }
                self.message
            }
        };
        let mut response = (self.status, Json(ErrorBody { error: message })).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}

/// The one answer to a request without a token of the session it names:
/// a missing, malformed or wrong token, or an unknown session id, all get
/// it word for word, so nobody can tell which session ids exist.
pub(crate) const NO_ACCESS: &str =
    "missing or invalid token: send Authorization: Bearer <token> with a token of this session";

/// [`NO_ACCESS`] as a 401.
pub(crate) fn no_access() -> ApiError {
    ApiError::unauthorized(NO_ACCESS)
}
