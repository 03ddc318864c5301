//! Simulations as records, and records as simulations.
//!
//! [`export_simulation`] writes a simulated negotiation (its trace's moves)
//! as the export a live session gives (`GET /sessions/{id}/export`): the
//! same hash-chained events, built by the same rules the live server and
//! `pactum verify` apply — each move through the server's protocol state,
//! each derived event (proposal, settlement, agreement, end) from the same
//! functions the live path uses, the certificate computed as the server
//! issues it. So the export verifies (chain, scenario hash, protocol replay,
//! certificate). Rules kept here:
//!
//! * with a deadline in rounds only a simulation has no wall clock: every
//!   `at_ms` is [`SIMULATED_AT_MS`] (0), so the same seed gives the same
//!   bytes; under a wall-clock limit (whole seconds) each move carries the
//!   time its trace stamped it with and the expiry the time it was found,
//!   so the record re-runs on its clock;
//! * only what a record can hold is exported: a deadline in rounds and
//!   perhaps seconds, the single text with any mediator, and a negotiation
//!   that did not end on a move the engine refused;
//! * nobody disclosed preferences in a simulation, so the certificate
//!   carries the aggregates only.
//!
//! [`script_of`] reads a record's moves back as the simulator's steps (seat
//! by negotiator name, packages as outcome ids of the simulator's space),
//! with the result the record states, so that `pactum_sim::script::replay`
//! can re-run it.
//!
//! The module's parts, each importing only those listed after it:
//! `export` writes the export (the creation, the certificate), `moves`
//! turns each protocol's moves into events, `chain` builds the hash chain,
//! `simulated` holds the simulation taken and its clock; `script` reads a
//! record back; `error` holds why either is refused.

mod chain;
mod error;
mod export;
mod moves;
mod script;
mod simulated;
#[cfg(test)]
mod tests;

pub use error::SimulationError;
pub use export::export_simulation;
pub use script::{RecordedRun, script_of};
pub use simulated::{SIMULATED_AT_MS, Simulation};
