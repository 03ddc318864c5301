//! The report of a verification: each named check with its status, and what
//! a record is verified with besides itself.
//!
//! Rules kept: a check is passed, failed or not checked, never passed by being
//! skipped; a report is verified only when no check failed and no check the
//! caller asked for (by giving a scenario, preferences or a public key) went
//! unchecked ([`Check::is_problem`]).

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use crate::preferences::PreferencesExport;

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The check ran and found what it should.
    Passed,
    /// The check ran and found something wrong; its detail says what.
    Failed,
    /// The check could not run; its detail says why and what would let it.
    NotChecked,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Passed => "passed",
            Status::Failed => "FAILED",
            Status::NotChecked => "not checked",
        })
    }
}

/// One check of a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// "hash chain", "session id", "signature", "scenario hash",
    /// "protocol replay", "preferences commitments" or "certificate".
    pub check: String,
    /// Whether it passed, failed or could not run.
    pub status: Status,
    /// What was found, why it failed, or why it could not run and what
    /// would let it run.
    pub detail: String,
    /// Whether the caller asked for it (gave a scenario, preferences or a
    /// public key): a requested check left unchecked fails the report.
    pub requested: bool,
}

impl Check {
    pub(super) fn new(check: &str, status: Status, detail: impl Into<String>) -> Check {
        Check {
            check: check.into(),
            status,
            detail: detail.into(),
            requested: false,
        }
    }

    pub(super) fn requested(mut self, requested: bool) -> Check {
        self.requested = requested;
        self
    }

    /// Whether this check stands in the way of the record's verification.
    pub fn is_problem(&self) -> bool {
        self.status == Status::Failed || (self.status == Status::NotChecked && self.requested)
    }
}

/// Everything `pactum verify` found about one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// The session the record says it is of.
    pub session_id: String,
    /// Number of events in the record.
    pub events: usize,
    /// Hash of the record's last event.
    pub head: Option<String>,
    /// True when no check failed and no requested check went unchecked.
    pub verified: bool,
    /// Every check, in the order they ran.
    pub checks: Vec<Check>,
}

impl VerifyReport {
    /// The check called `name`.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.check == name)
    }

    /// Each failed or requested-but-unchecked check, as `name: detail`.
    pub fn problems(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| c.is_problem())
            .map(|c| format!("{}: {}", c.check, c.detail))
            .collect()
    }
}

/// Where the scenario checked against the record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScenarioSource {
    /// Given by the caller (`--scenario`).
    Given,
    /// Carried by the export being verified.
    Export,
}

/// What a record is verified with, besides itself.
#[derive(Default)]
pub struct Inputs<'a> {
    /// The scenario's text and where it comes from.
    pub scenario: Option<(&'a str, ScenarioSource)>,
    /// Parties' exports of their own preferences with their salts.
    pub preferences: &'a [PreferencesExport],
    /// The server's public key, to check the record's signature.
    pub public_key: Option<&'a VerifyingKey>,
}
