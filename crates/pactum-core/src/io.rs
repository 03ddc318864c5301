//! What a loader hands back: the scenario plus anything it had to tell the
//! user about (ignored legacy blocks, normalisations), so nothing is dropped
//! silently.

use crate::model::Scenario;

/// A parsed scenario and the warnings produced while reading it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    pub warnings: Vec<String>,
}
