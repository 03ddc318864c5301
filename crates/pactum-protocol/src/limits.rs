//! Each seat's own limits: may seat s accept (or offer) outcome o?
//!
//! The caller knows the seats' preferences; the protocols ask it. Rules
//! kept here: nobody may accept — or offer, since offering is accepting — a
//! package below its reservation value or over one of its red lines, and a
//! refusal says which limit and why ([`Unacceptable`]).
//!
//! A mediator that trades across issues may also ask what a package is
//! worth to each seat ([`Utilities`]): the parties' locked preferences,
//! which the caller holds and the engine consults but never reveals (only
//! its proposals follow from them). A package worth less to a seat than
//! its utility of no agreement is one the seat may not accept.

use serde::Serialize;

/// A seat: a position in the protocol's order, from 0.
pub type Seat = usize;

/// Why a seat may not accept a package.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Unacceptable {
    /// The package crosses one of the party's red lines.
    #[error("package {package} crosses a red line of {party}")]
    RedLine {
        /// The package, as the caller names it.
        package: String,
        /// The party in the seat.
        party: String,
    },
    /// The package is worth less to the party than no agreement.
    #[error(
        "package {package} is worth {utility:.6} to {party}, below its reservation value {reservation}"
    )]
    BelowReservation {
        /// The package, as the caller names it.
        package: String,
        /// The party in the seat.
        party: String,
        /// Its utility of the package.
        utility: f64,
        /// Its reservation value.
        reservation: f64,
    },
}

/// The caller's answer to "may seat `seat` accept `outcome`?".
pub trait Acceptability<O> {
    /// `Ok` when the seat may accept (or offer) the outcome, else why not.
    fn may_accept(&self, seat: Seat, outcome: &O) -> Result<(), Unacceptable>;
}

/// The caller's answer to "what is `outcome` worth to seat `seat`?": the
/// parties' locked preferences, for a mediator that proposes packages
/// better for everyone (the single text's
/// [`Mediator::Packages`](crate::single_text::Mediator::Packages)). Pass it
/// with [`Context::with_utilities`](crate::protocol::Context::with_utilities).
pub trait Utilities<O> {
    /// The seat's utility of the outcome.
    fn utility(&self, seat: Seat, outcome: &O) -> f64;

    /// The seat's utility of no agreement: its reservation value, or its
    /// worst utility where it has none or that is higher. Consistent with
    /// [`Acceptability`]: the seat may not accept a package worth less.
    fn disagreement(&self, seat: Seat) -> f64;
}

/// Every seat may accept everything (no preferences known).
#[derive(Debug, Clone, Copy, Default)]
pub struct AcceptAll;

impl<O> Acceptability<O> for AcceptAll {
    fn may_accept(&self, _seat: Seat, _outcome: &O) -> Result<(), Unacceptable> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_say_which_limit() {
        let r = Unacceptable::BelowReservation {
            package: "#3".into(),
            party: "B".into(),
            utility: 0.25,
            reservation: 0.6,
        };
        assert_eq!(
            r.to_string(),
            "package #3 is worth 0.250000 to B, below its reservation value 0.6"
        );
        let l = Unacceptable::RedLine {
            package: "#1".into(),
            party: "A".into(),
        };
        assert_eq!(l.to_string(), "package #1 crosses a red line of A");
        assert_eq!(AcceptAll.may_accept(0, &1u32), Ok(()));
    }
}
