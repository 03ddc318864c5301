//! Offline verification of a session's record or export (`pactum verify`).
//!
//! Verification is a list of named checks, each passed, failed or not
//! checked (with the reason and what would let it run); nothing is passed by
//! being skipped. The checks:
//!
//! - **hash chain**: every event chains from the one before, from the
//!   genesis hash, and hashes to its recorded hash
//!   ([`crate::record::verify_record`]).
//! - **session id**: the record's `session_id` is the one its first event —
//!   hashed into the chain — names.
//! - **signature**: the server's Ed25519 signature of the record's head
//!   ([`crate::signing`]), checked against a public key given to the
//!   verifier; a signature checked only against the key the record itself
//!   carries proves nothing, so it is reported as not checked.
//! - **scenario hash**: the scenario (given, or carried by an export) has
//!   the SHA-256 recorded in the first event.
//! - **protocol replay**: the moves are replayed through the server's own
//!   protocol rules ([`crate::protocol::State::apply`],
//!   [`crate::single_text::TextState::vote`],
//!   [`crate::partial::PartialState::apply`]): every move legal in turn,
//!   every event the server derives (agreement, end, proposal, settlement, partial
//!   agreement) exactly the one the moves imply, nothing else. A session
//!   with a wall-clock time limit has no move recorded after it, and its
//!   recorded expiry is replayed at its recorded time (the engine's clock
//!   then reads that time), which must end the negotiation then.
//! - **preferences commitments**: each party's exported preferences with
//!   their salts open the commitments recorded for them.
//! - **certificate**: the agreement certificate closes the record, certifies
//!   the recorded agreement and equals the one recomputed from the scenario
//!   (with the opened preferences of every party that edited its own).
//!
//! A report is verified when no check failed and no check the caller asked
//! for (a scenario, preferences or a public key given) went unchecked.
//!
//! The module holds the report's types ([`report`]), the reading of the files
//! verified ([`files`]), the run of every check in order ([`checks`]) and one
//! file per check family.

mod certificate;
mod checks;
mod creation;
mod files;
mod preferences;
mod replay;
mod report;
mod scenario;
mod signature;
#[cfg(test)]
mod tests;

pub use files::{VerifyFileError, VerifyOptions, verify_file};
pub use report::{Check, Status, VerifyReport};
// Running the checks on a record in memory: only the simulation's tests do.
#[cfg(test)]
pub use checks::verify;
#[cfg(test)]
pub use report::{Inputs, ScenarioSource};
