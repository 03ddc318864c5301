//! The one place where the sessions service's errors, the protocol
//! adapters' refusals and the server limits' refusals become HTTP answers:
//! each [`SessionError`], [`MoveError`], [`VoteError`], [`PartialError`]
//! and [`LimitError`] gets its status code (and `Retry-After`) here. The client is told
//! why its request was refused; a server failure (the database, a stored
//! record that does not read back, a stopped task) becomes the generic
//! `internal error (request …)` answer, its cause and sources going to the
//! log under that request id.

use axum::http::StatusCode;

use crate::http::error::{ApiError, no_access};
use crate::limits::LimitError;
use crate::partial::PartialError;
use crate::protocol::MoveError;
use crate::sessions::error::SessionError;
use crate::single_text::VoteError;
use pactum_protocol::Rejection;

impl From<SessionError> for ApiError {
    fn from(e: SessionError) -> Self {
        match e {
            SessionError::NoSession(_) => ApiError::not_found(e.to_string()),
            SessionError::NoAccess => no_access(),
            SessionError::Conflict(message) => ApiError::conflict(message),
            SessionError::Unprocessable(message) => ApiError::unprocessable(message),
            SessionError::Move(e) => e.into(),
            SessionError::Vote(e) => e.into(),
            SessionError::Partial(e) => e.into(),
            SessionError::Database(db) => ApiError::from_database(&db),
            SessionError::Limit(limit) => ApiError::from(&*limit),
            SessionError::Corrupt { .. } | SessionError::Stopped(_) => ApiError::internal_from(&e),
        }
    }
}

impl From<&LimitError> for ApiError {
    fn from(e: &LimitError) -> Self {
        let message = e.to_string();
        match e {
            LimitError::Busy { retry_after } | LimitError::StreamsFull { retry_after } => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message).retry_after(*retry_after)
            }
            LimitError::SessionStreamsFull { retry_after, .. } => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, message).retry_after(*retry_after)
            }
            LimitError::TooManyCreations { wait, .. } => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, message).retry_after(*wait)
            }
            LimitError::Deadline { .. } => ApiError::unprocessable(message),
            LimitError::Failed(_) => ApiError::internal_from(e),
        }
    }
}

impl From<LimitError> for ApiError {
    fn from(e: LimitError) -> Self {
        ApiError::from(&e)
    }
}

impl From<PartialError> for ApiError {
    /// A move beyond one's limits or a malformed proposal is unprocessable
    /// (422); every other refusal conflicts with the session's state (409).
    fn from(e: PartialError) -> Self {
        match e {
            PartialError::BeyondLimits { .. } | PartialError::Malformed(_) => {
                ApiError::unprocessable(e.to_string())
            }
            _ => ApiError::conflict(e.to_string()),
        }
    }
}

impl From<VoteError> for ApiError {
    /// A vote beyond one's limits is unprocessable (422); every other
    /// refusal conflicts with the session's state (409).
    fn from(e: VoteError) -> Self {
        match e {
            VoteError::BeyondLimits(_) => ApiError::unprocessable(e.to_string()),
            _ => ApiError::conflict(e.to_string()),
        }
    }
}

impl From<MoveError> for ApiError {
    /// A move beyond one's limits or off the space is unprocessable (422);
    /// every other refusal conflicts with the session's state (409).
    fn from(e: MoveError) -> Self {
        match &e {
            MoveError::BeyondLimits { .. } | MoveError::Refused(Rejection::OutsideSpace(_)) => {
                ApiError::unprocessable(e.to_string())
            }
            MoveError::Setup(_) => ApiError::internal(e),
            _ => ApiError::conflict(e.to_string()),
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
        // An unknown session answers as a caller without the token is.
        assert_eq!(ApiError::from(SessionError::NoAccess), no_access());
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

    #[test]
    fn each_limit_gets_its_status_and_retry_after() {
        let answer = |e: LimitError| ApiError::from(e);
        let busy = answer(LimitError::Busy { retry_after: 2 });
        assert_eq!(
            (busy.status, busy.retry_after),
            (StatusCode::SERVICE_UNAVAILABLE, Some(2))
        );
        let streams = answer(LimitError::SessionStreamsFull {
            open: 3,
            retry_after: 10,
        });
        assert_eq!(streams.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(streams.message.contains("already has 3 event streams"));
        let creations = answer(LimitError::TooManyCreations {
            per_minute: 2,
            wait: 30,
        });
        assert_eq!(
            (creations.status, creations.retry_after),
            (StatusCode::TOO_MANY_REQUESTS, Some(30))
        );
        let overlong = answer(LimitError::Deadline {
            budget: std::time::Duration::from_secs(5),
        });
        assert_eq!(overlong.status, StatusCode::UNPROCESSABLE_ENTITY);
        let failed = answer(LimitError::Failed(Box::new(std::io::Error::other(
            "secret",
        ))));
        assert_eq!(
            (failed.status, failed.message.as_str()),
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        );
    }
}
