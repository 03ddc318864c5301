//! The one place where the sessions service's errors become HTTP answers:
//! each [`SessionError`] gets its status code here. The client is told
//! why its request was refused; a server failure (the database, a stored
//! record that does not read back, a stopped task) becomes the generic
//! `internal error (request …)` answer, its cause and sources going to the
//! log under that request id.

use crate::error::ApiError;
use crate::sessions::error::SessionError;

impl From<SessionError> for ApiError {
    fn from(e: SessionError) -> Self {
        match e {
            SessionError::NoSession(_) => ApiError::not_found(e.to_string()),
            SessionError::Conflict(message) => ApiError::conflict(message),
            SessionError::Unprocessable(message) => ApiError::unprocessable(message),
            SessionError::Move(e) => e.into(),
            SessionError::Vote(e) => e.into(),
            SessionError::Partial(e) => e.into(),
            SessionError::Database(db) => ApiError::from_database(&db),
            SessionError::Lower(answer) => answer,
            SessionError::Corrupt { .. } | SessionError::Stopped(_) => ApiError::internal_from(&e),
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;

    #[test]
    fn each_error_gets_its_status_and_failures_hide_their_cause() {
        let status = |e: SessionError| ApiError::from(e).status;
        assert_eq!(
            status(SessionError::NoSession("s".into())),
            StatusCode::NOT_FOUND
        );
        assert_eq!(status(SessionError::conflict("over")), StatusCode::CONFLICT);
        assert_eq!(
            status(SessionError::Unprocessable("no such value".into())),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            status(sqlx::Error::PoolTimedOut.into()),
            StatusCode::SERVICE_UNAVAILABLE
        );
        let failure = ApiError::from(SessionError::unreadable(std::io::Error::other(
            "secret detail",
        )));
        assert_eq!(failure.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(failure.message, "internal error");
        let stopped = ApiError::from(SessionError::Stopped("the database writer"));
        assert_eq!(stopped.message, "internal error");
    }
}
