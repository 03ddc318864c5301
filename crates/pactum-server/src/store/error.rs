//! The store's typed error: what went wrong reading or writing a session's
//! rows and log, in the store's own words. The sessions service turns it
//! into its own error; nothing here knows HTTP.
//!
//! Rules: an unknown session is its own variant, so that the layers above
//! can answer it exactly as they answer a caller without the session's
//! token (ids cannot be probed); a stored row or entry that does not read
//! back keeps its cause as a source, for the log.

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    /// No session has this id.
    #[error("no session {0:?}")]
    NoSession(String),
    /// The database failed (or another writer took the same seq).
    #[error("database")]
    Database(#[from] sqlx::Error),
    /// A stored row or log entry is not what the server wrote.
    #[error("{what}")]
    Corrupt {
        /// What does not read back.
        what: &'static str,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl StoreError {
    /// A stored `what` that does not read back, because of `source`.
    pub(crate) fn corrupt(
        what: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        StoreError::Corrupt {
            what,
            source: Box::new(source),
        }
    }
}
