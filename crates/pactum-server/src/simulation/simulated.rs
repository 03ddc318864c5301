//! A simulated negotiation as the export takes it, and the clock its events
//! carry.
//!
//! Rules: the record's clock starts at [`SIMULATED_AT_MS`] (0), the
//! creation's time. With a deadline in rounds only, a simulation has no
//! wall clock: every event's `at_ms` is 0 and the same seed gives the same
//! bytes. Under a wall-clock limit (whole seconds, as sessions have it),
//! each move's `at_ms` is the time its trace stamped it with, in whole
//! milliseconds rounded down (so before the limit, as it was), and the
//! expiry's the time the limit was found passed (rounded down, still at or
//! after a limit of whole seconds). The scenario text is the one hashed
//! into the record, and the scenario and outcome space are that text
//! loaded.

use std::time::Duration;

use pactum_core::Scenario;
use pactum_sim::SimSpace;
use pactum_sim::runner::{NegotiationResult, ProtocolKind};

use crate::mediators::TextMediator;

/// The `at_ms` of every event of a simulated record (a simulation has no
/// wall clock; order is the record's sequence).
pub const SIMULATED_AT_MS: i64 = 0;

impl Simulation<'_> {
    /// The record time of a time stamp (see the module doc).
    pub(super) fn at_ms(at: Duration) -> i64 {
        SIMULATED_AT_MS.saturating_add(i64::try_from(at.as_millis()).unwrap_or(i64::MAX))
    }

    /// The `at_ms` of move `index`: its stamp under a time limit, else 0.
    pub(super) fn move_at_ms(&self, index: usize) -> i64 {
        self.result
            .trace
            .times
            .moves
            .get(index)
            .map_or(SIMULATED_AT_MS, |&at| Self::at_ms(at))
    }

    /// The `at_ms` of the expiry, if the time limit ended the negotiation.
    pub(super) fn expired_at_ms(&self) -> Option<i64> {
        self.result.trace.times.expired.map(Self::at_ms)
    }

    /// The single text's mediator with the seed it drew from.
    pub fn text_mediator(&self) -> Option<TextMediator> {
        match self.protocol {
            ProtocolKind::SingleText(m) => Some(TextMediator::new(
                m,
                pactum_protocol::derive_seed(self.seed, 0),
            )),
            _ => None,
        }
    }
}

/// A simulated negotiation to write as a record.
pub struct Simulation<'a> {
    /// The session id the record names.
    pub session_id: &'a str,
    /// The scenario's native TOML text (hashed into the record and carried
    /// by the export).
    pub scenario_text: &'a str,
    /// The scenario the simulation ran on (that text, loaded).
    pub scenario: &'a Scenario,
    /// The simulator's outcome space of the scenario.
    pub space: &'a SimSpace,
    /// The protocol played.
    pub protocol: ProtocolKind,
    /// The deadline, in rounds.
    pub deadline_rounds: u64,
    /// The wall-clock time limit in seconds, if the simulation had one
    /// (its trace then stamps every move with its time).
    pub deadline_seconds: Option<u64>,
    /// The negotiation's seed (the single text's veto and hill-climbing
    /// mediators drew from it, mixed as the simulator's runner mixes it).
    pub seed: u64,
    /// The result, with its trace recorded.
    pub result: &'a NegotiationResult,
}
