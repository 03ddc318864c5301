//! A simulated negotiation as the export takes it, and the clock its events
//! carry.
//!
//! Rules: a simulation has no wall clock, so every event's `at_ms` is
//! [`SIMULATED_AT_MS`] (0) and the same seed gives the same bytes; the
//! scenario text is the one hashed into the record, and the scenario and
//! outcome space are that text loaded.

use pactum_core::Scenario;
use pactum_sim::OutcomeSpace;
use pactum_sim::runner::{NegotiationResult, ProtocolKind};

use crate::mediators::TextMediator;

/// The `at_ms` of every event of a simulated record (a simulation has no
/// wall clock; order is the record's sequence).
pub const SIMULATED_AT_MS: i64 = 0;

impl Simulation<'_> {
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
    pub space: &'a OutcomeSpace,
    /// The protocol played.
    pub protocol: ProtocolKind,
    /// The deadline, in rounds.
    pub deadline_rounds: u64,
    /// The negotiation's seed (the single text's veto and hill-climbing
    /// mediators drew from it, mixed as the simulator's runner mixes it).
    pub seed: u64,
    /// The result, with its trace recorded.
    pub result: &'a NegotiationResult,
}
