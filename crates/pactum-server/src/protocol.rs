//! The negotiation protocol, kept apart from HTTP and storage so it can be
//! replayed from the event log and tested on its own.
//!
//! Stacked alternating offers: negotiators move in scenario order; the first
//! move must be an offer; on its turn a negotiator offers (replacing the
//! standing offer), accepts the standing offer, rejects it (clearing the
//! acceptances gathered so far) or ends the negotiation. An agreement is
//! reached when every negotiator but the offerer has accepted the standing
//! offer. After `deadline_rounds` rounds (one move per negotiator each) without
//! agreement the negotiation ends.

use pactum_core::{Outcome, Scenario};

use crate::event::Event;
use crate::offers::package;

/// The only protocol of this version.
pub const ALTERNATING_OFFERS: &str = "alternating_offers";

pub use crate::event::MoveKind;

/// How a negotiation finished.
#[derive(Debug, Clone, PartialEq)]
pub enum Finish {
    Agreement(Outcome),
    Ended(String),
}

/// Why a move was refused (nothing is stored for it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    #[error("the negotiation is over")]
    Finished,
    #[error("out of turn: it is {0}'s turn")]
    OutOfTurn(String),
    #[error("the first move must be an offer")]
    FirstMoveNotOffer,
    #[error("you made the standing offer; you cannot {0} it")]
    OwnOffer(&'static str),
}

/// The state of a session, rebuilt by replaying its moves.
#[derive(Debug, Clone)]
pub struct State {
    pub negotiators: Vec<String>,
    pub deadline_rounds: u64,
    pub moves: u64,
    /// The standing offer and the seat that made it.
    pub standing: Option<(usize, Outcome)>,
    pub accepted: Vec<bool>,
    pub finished: Option<Finish>,
}

impl State {
    pub fn new(negotiators: Vec<String>, deadline_rounds: u64) -> Self {
        let n = negotiators.len();
        State {
            negotiators,
            deadline_rounds,
            moves: 0,
            standing: None,
            accepted: vec![false; n],
            finished: None,
        }
    }

    /// The current round (0-based).
    pub fn round(&self) -> u64 {
        self.moves / self.negotiators.len() as u64
    }

    /// The seat whose turn it is.
    pub fn turn(&self) -> usize {
        (self.moves % self.negotiators.len() as u64) as usize
    }

    /// Applies a move by `seat`; `offer` must be `Some` exactly for offers
    /// (and already validated against the scenario). Returns how the
    /// negotiation finished, if this move finished it.
    pub fn apply(
        &mut self,
        seat: usize,
        kind: MoveKind,
        offer: Option<Outcome>,
    ) -> Result<Option<Finish>, MoveError> {
        if self.finished.is_some() {
            return Err(MoveError::Finished);
        }
        if seat != self.turn() {
            return Err(MoveError::OutOfTurn(self.negotiators[self.turn()].clone()));
        }
        if self.standing.is_none() && kind != MoveKind::Offer && kind != MoveKind::End {
            return Err(MoveError::FirstMoveNotOffer);
        }
        let mut finish = None;
        match kind {
            MoveKind::Offer => {
                self.standing = Some((seat, offer.expect("offers carry a package")));
                self.accepted.iter_mut().for_each(|a| *a = false);
            }
            MoveKind::Accept | MoveKind::Reject => {
                let (offerer, outcome) = self.standing.clone().expect("checked above");
                if offerer == seat {
                    return Err(MoveError::OwnOffer(if kind == MoveKind::Accept {
                        "accept"
                    } else {
                        "reject"
                    }));
                }
                if kind == MoveKind::Accept {
                    self.accepted[seat] = true;
                    let all = (0..self.negotiators.len()).all(|s| s == offerer || self.accepted[s]);
                    if all {
                        finish = Some(Finish::Agreement(outcome));
                    }
                } else {
                    self.accepted.iter_mut().for_each(|a| *a = false);
                }
            }
            MoveKind::End => {
                finish = Some(Finish::Ended(format!(
                    "ended by {}",
                    self.negotiators[seat]
                )));
            }
        }
        self.moves += 1;
        if finish.is_none() && self.moves >= self.deadline_rounds * self.negotiators.len() as u64 {
            finish = Some(Finish::Ended("deadline reached".into()));
        }
        self.finished = finish.clone();
        Ok(finish)
    }
}

/// The event the server appends when a negotiation finishes so in `round`
/// (the live path and offline replay build it here alike).
pub fn finish_event(scenario: &Scenario, finish: &Finish, round: u64) -> Event {
    match finish {
        Finish::Agreement(o) => Event::Agreement {
            offer: package(scenario, o),
            round,
        },
        Finish::Ended(reason) => Event::Ended {
            reason: reason.clone(),
            round,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three() -> State {
        State::new(vec!["A".into(), "B".into(), "C".into()], 2)
    }

    #[test]
    fn agreement_needs_every_other_negotiator() {
        let mut s = three();
        assert_eq!(
            s.apply(0, MoveKind::Accept, None),
            Err(MoveError::FirstMoveNotOffer)
        );
        assert_eq!(
            s.apply(1, MoveKind::Offer, Some(vec![0])),
            Err(MoveError::OutOfTurn("A".into()))
        );
        assert_eq!(s.apply(0, MoveKind::Offer, Some(vec![1])), Ok(None));
        assert_eq!(s.apply(1, MoveKind::Accept, None), Ok(None));
        assert_eq!(
            s.apply(2, MoveKind::Accept, None),
            Ok(Some(Finish::Agreement(vec![1])))
        );
        assert_eq!(
            s.apply(0, MoveKind::Offer, Some(vec![0])),
            Err(MoveError::Finished)
        );
    }

    #[test]
    fn reject_clears_acceptances_and_deadline_ends() {
        let mut s = three();
        s.apply(0, MoveKind::Offer, Some(vec![1])).unwrap();
        s.apply(1, MoveKind::Accept, None).unwrap();
        s.apply(2, MoveKind::Reject, None).unwrap();
        assert_eq!(
            s.apply(0, MoveKind::Accept, None),
            Err(MoveError::OwnOffer("accept"))
        );
        s.apply(0, MoveKind::Offer, Some(vec![2])).unwrap();
        s.apply(1, MoveKind::Accept, None).unwrap();
        assert_eq!(
            s.apply(2, MoveKind::Reject, None),
            Ok(Some(Finish::Ended("deadline reached".into())))
        );
    }
}
