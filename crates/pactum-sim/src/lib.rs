//! Pactum's simulator: automated negotiators playing the protocols of
//! [`pactum_protocol`], and tournaments of them.
//!
//! * [`prefs`] turns a scenario into per-party utility tables, once;
//! * the rules are the engine's ([`pactum_protocol`]): the runner
//!   ([`runner`]) asks the negotiators for moves, feeds them to the engine
//!   and scores the result; [`session`] holds one negotiation in progress
//!   and each seat's limits; [`phases`] plays phased sessions;
//! * [`negotiator`] holds the strategies, one file each;
//! * [`trace`] records what happened; [`tournament`] runs many negotiations
//!   in parallel, in shards, resumably, reporting progress to an observer;
//! * [`document`] is the document of one negotiation (`negotiate --json`).
//!
//! The simulator never draws or prints: progress goes to a callback, errors
//! are typed ([`SimError`]).

#![warn(missing_docs)]

pub mod document;
mod drive;
mod error;
pub mod league;
pub mod metrics;
pub mod negotiator;
pub mod phases;
pub mod prefs;
pub mod runner;
pub mod script;
pub mod session;
mod space;
#[cfg(test)]
mod test_support;
pub mod tournament;
pub mod trace;

pub use error::{ModelError, SimError};
pub use prefs::{PartyPrefs, Prepared};
pub use runner::{Config, Mediator, NegotiationResult, ProtocolKind, negotiate, negotiate_on};
pub use session::{Deadline, End, ManualClock, TimeSource, WallClock};
pub use space::{MAX_OUTCOMES, OutcomeId, OutcomeSpace, SimSpace};
