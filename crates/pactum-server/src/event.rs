//! The entries of a session's event log: what the hash-chained record
//! holds, one event per entry, in the form every later reader (replay, the
//! mediator view, `pactum verify`) parses back.
//!
//! The form is fixed by the records already written: fields are added only
//! with defaults, so an older record still parses.

use pactum_core::analysis::Package;
use serde::{Deserialize, Serialize};

use crate::certificate::Certificate;

/// An entry of the event log (the `event` of a record entry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Created {
        session_id: String,
        protocol: String,
        deadline_rounds: u64,
        /// Negotiators in turn order.
        negotiators: Vec<String>,
        /// SHA-256 of the scenario text the session was created from
        /// (empty in a record that predates it: nothing to check against).
        #[serde(default)]
        scenario_sha256: String,
        at_ms: i64,
        /// Whether the server streams suggestions after each round (see
        /// `crate::sessions::live::auto_suggest`); omitted when off.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        auto_suggest: bool,
        /// The wall-clock time limit in seconds from `at_ms`, if the
        /// session has one (see `crate::protocol::TimeLimit`); omitted
        /// when it has none, as in every record that predates it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deadline_seconds: Option<u64>,
        /// Single text: the mediator (`crate::mediators`: "veto",
        /// "hill_climbing" or "packages"); omitted for draft-and-vote, the
        /// default, as in every record that predates the choice.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mediator: Option<String>,
        /// Single text: the seed the veto or hill-climbing mediator draws
        /// from; omitted for the mediators that draw nothing.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mediator_seed: Option<u64>,
    },
    Move {
        party: String,
        kind: MoveKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        offer: Option<Package>,
        round: u64,
        at_ms: i64,
        /// Words the mover sent with the move (see `crate::words`); omitted
        /// when none, as in every record that predates them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    Agreement {
        offer: Package,
        round: u64,
    },
    Ended {
        reason: String,
        round: u64,
    },
    /// The session's wall-clock time limit had passed when a request found
    /// it so at `at_ms` (the time the server read then); the end follows
    /// (`Ended` with "time limit reached", or the agreement a single text
    /// had reached). Replaying the record at these times reaches the same
    /// state.
    Expired {
        round: u64,
        at_ms: i64,
    },
    /// A negotiator's choice to disclose its preferences to the mediator
    /// (`true`) or to withdraw that (`false`); off until first chosen.
    Disclosure {
        party: String,
        disclose: bool,
        at_ms: i64,
    },
    /// The agreement certificate, appended right after the agreement.
    Certificate(Certificate),
    /// A negotiator replaced its own preferences; only a salted commitment
    /// to them is recorded (see `crate::preferences`).
    Preferences {
        party: String,
        commitment: String,
        at_ms: i64,
    },
    /// A negotiator locked its preferences explicitly (`POST
    /// /sessions/{id}/preferences/lock`; a first move locks them too): they
    /// can no longer change, and once every negotiator's are locked the
    /// mediator's suggestions may be computed from them.
    PreferencesLocked {
        party: String,
        at_ms: i64,
    },
    /// Single text: the mediator's proposal number `proposal`: the issues it
    /// `change`s in the current `draft` (one issue for draft-and-vote; the
    /// draft is empty, and the change the whole package, before there is a
    /// draft; see `crate::single_text`).
    Proposal {
        proposal: u64,
        draft: Package,
        change: Package,
    },
    /// Partial rounds: a negotiator's move (see `crate::partial`); an offer
    /// carries some of the issues, an acceptance the proposal it accepts.
    PartialMove {
        party: String,
        kind: MoveKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        offer: Option<Package>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        proposal: Option<u64>,
        round: u64,
        at_ms: i64,
        /// Words the mover sent with the move (see `crate::words`); omitted
        /// when none, as in every record that predates them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// Partial rounds: every negotiator accepted proposal `proposal`; its
    /// issues are settled.
    Settled {
        proposal: u64,
        issues: Package,
        round: u64,
    },
    /// Partial rounds: the issues settled when the negotiation ended without
    /// full agreement (followed by `Ended`).
    PartialAgreement {
        settled: Package,
        round: u64,
    },
    /// Single text: a negotiator's vote on proposal `proposal`.
    Vote {
        party: String,
        proposal: u64,
        accept: bool,
        at_ms: i64,
        /// Words the mover sent with the move (see `crate::words`); omitted
        /// when none, as in every record that predates them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// Single text, packages mediator: it has nothing left to propose after
    /// proposal `proposal`, and says why (`reason`: "frontier", "vetoed" or
    /// "no_acceptable_package"; `exhaustive` when every package was
    /// examined); the agreement or end follows.
    Stopped {
        proposal: u64,
        reason: String,
        exhaustive: bool,
    },
    /// Words without a move: the mediator's (the scenario's mediator party,
    /// or "mediator" for the convener's admin token), shown to every party.
    Message {
        party: String,
        message: String,
        at_ms: i64,
    },
}

/// What a negotiator does on its turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoveKind {
    Offer,
    Accept,
    Reject,
    End,
    /// Alternating offers among three or more: leave; the others go on.
    Leave,
}
