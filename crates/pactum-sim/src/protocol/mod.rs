//! Negotiation protocols: the rules of who moves when, what a valid move is,
//! and when it is over.
//!
//! A protocol plays one round at a time on a [`Session`]; the clock, the
//! deadline and the reservation-value check belong to the protocol and the
//! session, never to the negotiators, so a badly behaved negotiator cannot
//! bend the rules.

use crate::session::{End, Session};
use crate::space::OutcomeId;

pub mod partial;
pub mod sao;
pub mod single_text;

/// The rules of a negotiation.
pub trait Protocol {
    fn name(&self) -> &'static str;

    /// Plays round `session.step`; `Some` when the negotiation is over.
    fn round(&mut self, session: &mut Session) -> Option<End>;

    /// The package that stands when the negotiation is over, if any.
    fn agreement(&self) -> Option<OutcomeId>;
}
