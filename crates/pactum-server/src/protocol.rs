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

use pactum_core::analysis::Package;
use pactum_core::{Outcome, Scenario, Value};
use serde::{Deserialize, Serialize};

/// The only protocol of this version.
pub const ALTERNATING_OFFERS: &str = "alternating_offers";

/// What a negotiator does on its turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoveKind {
    Offer,
    Accept,
    Reject,
    End,
}

/// An entry of the event log (the `event` of a record entry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Created {
        session_id: String,
        protocol: String,
        deadline_rounds: u64,
        /// Negotiators in turn order.
        negotiators: Vec<String>,
        /// SHA-256 of the scenario text the session was created from
        /// (empty in a record that predates it: nothing to check against).
        #[serde(default)]
        scenario_sha256: String,
        at_ms: i64,
        /// Whether the server streams suggestions after each round (see
        /// `crate::live::auto_suggest`); omitted when off.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        auto_suggest: bool,
    },
    Move {
        party: String,
        kind: MoveKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        offer: Option<Package>,
        round: u64,
        at_ms: i64,
    },
    Agreement {
        offer: Package,
        round: u64,
    },
    Ended {
        reason: String,
        round: u64,
    },
    /// A negotiator's choice to disclose its preferences to the mediator
    /// (`true`) or to withdraw that (`false`); off until first chosen.
    Disclosure {
        party: String,
        disclose: bool,
        at_ms: i64,
    },
    /// The agreement certificate, appended right after the agreement.
    Certificate(crate::certificate::Certificate),
    /// A negotiator replaced its own preferences; only a salted commitment
    /// to them is recorded (see `crate::preferences`).
    Preferences {
        party: String,
        commitment: String,
        at_ms: i64,
    },
    /// A negotiator locked its preferences explicitly (`POST
    /// /sessions/{id}/preferences/lock`; a first move locks them too): they
    /// can no longer change, and once every negotiator's are locked the
    /// mediator's suggestions may be computed from them.
    PreferencesLocked {
        party: String,
        at_ms: i64,
    },
    /// Single text: the mediator's proposal number `proposal`, a one-issue
    /// `change` to the current `draft` (see `crate::singletext`).
    Proposal {
        proposal: u64,
        draft: Package,
        change: Package,
    },
    /// Partial rounds: a negotiator's move (see `crate::partial`); an offer
    /// carries some of the issues, an acceptance the proposal it accepts.
    PartialMove {
        party: String,
        kind: MoveKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        offer: Option<Package>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        proposal: Option<u64>,
        round: u64,
        at_ms: i64,
    },
    /// Partial rounds: every negotiator accepted proposal `proposal`; its
    /// issues are settled.
    Settled {
        proposal: u64,
        issues: Package,
        round: u64,
    },
    /// Partial rounds: the issues settled when the negotiation ended without
    /// full agreement (followed by `Ended`).
    PartialAgreement {
        settled: Package,
        round: u64,
    },
    /// Single text: a negotiator's vote on proposal `proposal`.
    Vote {
        party: String,
        proposal: u64,
        accept: bool,
        at_ms: i64,
    },
}

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

/// Reads an offer (`{issue: value}`) into an outcome: every issue must be
/// given exactly once with one of its values.
pub fn parse_offer(
    scenario: &Scenario,
    offer: &serde_json::Map<String, serde_json::Value>,
) -> Result<Outcome, String> {
    for name in offer.keys() {
        if scenario.issue_index(name).is_none() {
            return Err(format!("unknown issue {name:?}"));
        }
    }
    let mut outcome = Vec::with_capacity(scenario.issues.len());
    for issue in &scenario.issues {
        let Some(raw) = offer.get(&issue.name) else {
            return Err(format!("the offer lacks issue {:?}", issue.name));
        };
        let value: Value = serde_json::from_value(raw.clone())
            .map_err(|_| format!("issue {:?}: {raw} is not a value", issue.name))?;
        let k = issue
            .index_of(&value)
            .ok_or_else(|| format!("issue {:?}: {raw} is not one of its values", issue.name))?;
        outcome.push(k);
    }
    Ok(outcome)
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

/// The outcome as an issue → value package.
pub fn package(scenario: &Scenario, outcome: &[u32]) -> Package {
    scenario.describe(outcome).into_iter().collect()
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
