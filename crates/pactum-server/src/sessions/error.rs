//! The sessions service's typed error: why loading a session, applying a
//! move or reading a record failed, in the service's own words. The HTTP
//! layer maps it to a status code in one place (`http::status`); whatever
//! is the server's own failure (the database, a stored record that does
//! not read back, a stopped task) keeps its cause as a source, for the log,
//! never for the client.
//!
//! Rules: the error is cheap to clone (sources are shared), because a batch
//! of moves that fails as a whole answers every move of it with the same
//! error; it never holds a token or preferences.

use std::sync::Arc;

use crate::limits::LimitError;
use crate::partial::PartialError;
use crate::protocol::MoveError;
use crate::single_text::VoteError;
use crate::store::error::StoreError;

/// A shared cause.
type Cause = Arc<dyn std::error::Error + Send + Sync>;

/// Why a sessions service call failed.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum SessionError {
    /// No session has this id.
    #[error("no session {0:?}")]
    NoSession(String),
    /// No session has this id, answered as a known session answers a
    /// caller without its token (so that ids cannot be probed).
    #[error("no access")]
    NoAccess,
    /// The request does not fit the session's state (the negotiation is
    /// over, the time limit passed, preferences locked, nothing to
    /// certify, …).
    #[error("{0}")]
    Conflict(String),
    /// The request cannot be applied as given (a package that is not an
    /// outcome of the scenario, …).
    #[error("{0}")]
    Unprocessable(String),
    /// The protocol refused the move.
    #[error(transparent)]
    Move(#[from] MoveError),
    /// The single-text protocol refused the vote.
    #[error(transparent)]
    Vote(#[from] VoteError),
    /// The partial-rounds protocol refused the move.
    #[error(transparent)]
    Partial(#[from] PartialError),
    /// The database failed, or another writer took the same turn.
    #[error("database")]
    Database(#[source] Arc<sqlx::Error>),
    /// A stored session or log entry is not what the server wrote: it does
    /// not read back or does not replay.
    #[error("{what}")]
    Corrupt {
        /// What does not hold.
        what: String,
        /// The underlying error, if any.
        #[source]
        source: Option<Cause>,
    },
    /// A task the service hands work to has stopped.
    #[error("{0} has stopped")]
    Stopped(&'static str),
    /// The server's limits refused (or could not run) the work.
    #[error(transparent)]
    Limit(Arc<LimitError>),
}

impl SessionError {
    /// A request that does not fit the session's state.
    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        SessionError::Conflict(message.into())
    }

    /// A stored record that does not read back or replay, with no further
    /// cause.
    pub(crate) fn corrupt(what: impl Into<String>) -> Self {
        SessionError::Corrupt {
            what: what.into(),
            source: None,
        }
    }

    /// A stored record that does not read back, because of `source`.
    pub(crate) fn unreadable(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        SessionError::Corrupt {
            what: "a stored record does not read back".to_string(),
            source: Some(Arc::new(source)),
        }
    }
}

impl From<StoreError> for SessionError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NoSession(_) => SessionError::NoAccess,
            StoreError::Database(db) => SessionError::Database(Arc::new(db)),
            StoreError::Corrupt { what, source } => SessionError::Corrupt {
                what: what.to_string(),
                source: Some(Arc::from(source)),
            },
        }
    }
}

impl From<sqlx::Error> for SessionError {
    fn from(e: sqlx::Error) -> Self {
        SessionError::Database(Arc::new(e))
    }
}

impl From<LimitError> for SessionError {
    fn from(e: LimitError) -> Self {
        SessionError::Limit(Arc::new(e))
    }
}
