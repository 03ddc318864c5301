//! The facts of a record's first event, which the checks compare the rest of
//! the record (and the scenario) with.
//!
//! Rule kept: a time limit no session can have is kept as its error, so the
//! replay fails on it rather than ignoring it.

use crate::protocol::{BadTimeLimit, TimeLimit};

/// The facts of a record's first event.
pub(super) struct Creation {
    pub(super) session_id: String,
    pub(super) protocol: String,
    pub(super) deadline_rounds: u64,
    pub(super) negotiators: Vec<String>,
    pub(super) scenario_sha256: String,
    /// The wall-clock time limit it records (or one no session can have).
    pub(super) time_limit: Result<Option<TimeLimit>, BadTimeLimit>,
}
