//! Pactum's simulator: negotiation protocols, automated negotiators and
//! tournaments.
//!
//! * [`prefs`] turns a scenario into per-party utility tables, once;
//! * [`protocol`] holds the rules (stacked alternating offers, single text,
//!   multi-round sessions with partial agreements), [`session`] the state of
//!   one negotiation and its clock, [`runner`] plays a protocol to the end;
//! * [`negotiator`] holds the strategies, one file each;
//! * [`trace`] records what happened; [`tournament`] runs many negotiations
//!   in parallel, in shards, resumably.

pub mod error;
pub mod metrics;
pub mod negotiator;
pub mod prefs;
pub mod protocol;
pub mod runner;
pub mod session;
pub mod space;
pub mod tournament;
pub mod trace;

pub use error::SimError;
pub use prefs::{PartyPrefs, Prepared};
pub use runner::{Config, NegotiationResult, ProtocolKind, negotiate, negotiate_on};
pub use session::{Deadline, End, ManualClock, TimeSource, WallClock};
pub use space::OutcomeId;
