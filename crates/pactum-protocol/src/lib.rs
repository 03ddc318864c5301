//! Pactum's negotiation protocols, each written once as a state machine:
//! the rules that the simulator, the live server and the replay of a
//! record all follow.
//!
//! * [`sao`]: stacked alternating offers, bilateral and multilateral, with
//!   leaving;
//! * [`single_text`]: the mediated single negotiating text, with the veto,
//!   hill-climbing, draft-and-vote and packages mediators;
//! * [`partial_rounds`]: free-form rounds with partial agreements;
//! * [`phases`]: the bookkeeping of phased sessions (which issues a phase
//!   of alternating offers settled).
//!
//! Invariants every protocol keeps (see [`protocol`]):
//! * **rules only**: no I/O, no storage, no strategy; the engine knows
//!   seats (numbers from 0) and outcomes (through the [`Space`] trait), not
//!   parties or utilities — whether a seat may accept a package is asked
//!   of the caller ([`Acceptability`]), and so is, for the mediator that
//!   trades across issues, what a package is worth to a seat
//!   ([`Utilities`]);
//! * **one door**: a move changes the state only through
//!   [`Protocol::apply`], which returns the [`Events`] it caused or a typed
//!   [`Rejection`] (never a panic) and leaves the state unchanged when it
//!   refuses;
//! * **time comes in**: a protocol never reads a clock; the caller checks
//!   the wall-clock deadline with [`Protocol::expire`] before each move,
//!   through a [`TimeSource`]; deadlines in rounds are the protocol's own;
//! * **replayable**: events are serialisable, and feeding a record's moves
//!   back ([`replay`]) reaches the same state;
//! * **seeded**: a mediator's draws come from a seed ([`derive_seed`]), so
//!   the same seed gives the same negotiation.

#![warn(missing_docs)]

pub mod clock;
pub mod end;
pub mod limits;
pub mod partial_rounds;
pub mod phases;
pub mod protocol;
pub mod rejection;
pub mod sao;
pub mod seed;
pub mod single_text;
pub mod space;

pub use clock::{Clock, Deadline, DeadlineError, ManualClock, TimeSource, WallClock};
pub use end::{Agreement, End, Events};
pub use limits::{AcceptAll, Acceptability, Seat, Unacceptable, Utilities};
pub use protocol::{Context, Input, Protocol, replay};
pub use rejection::{Rejection, SetupError};
pub use seed::derive_seed;
pub use space::{OutcomeId, OutcomeSpace, OutsideSpace, Packages, Space};
