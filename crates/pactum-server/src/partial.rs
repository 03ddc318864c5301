//! Free-form rounds with partial agreements (protocol `"partial_rounds"`).
//!
//! In each round every negotiator may, in any order, propose once a package
//! restricted to some of the still-open issues (`offer` with only those
//! issues) and accept other parties' proposals of the round (`accept` with
//! `proposal`: the record sequence number of the offer). A proposal whose
//! every negotiator has accepted it (its proposer included) settles its
//! issues: they are recorded (`settled` event) and stay settled in later
//! rounds. A negotiator closes its part of the round with `reject` (declining
//! the proposals it has not accepted); once every negotiator has, the next
//! round begins and the open proposals lapse. `end` ends the negotiation.
//!
//! The negotiation ends in agreement as soon as every issue is settled. At
//! the deadline (or on `end`) it ends without full agreement; the issues
//! settled by then are recorded as a partial agreement
//! (`partial_agreement` event).

use pactum_core::{Outcome, Scenario};

use crate::event::Event;
use crate::offers::pairs_package;
use crate::protocol::{Finish, MoveKind};

/// The protocol name given at session creation.
pub const PARTIAL_ROUNDS: &str = "partial_rounds";

/// Why a move was refused (nothing is stored for it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartialError {
    #[error("the negotiation is over")]
    Finished,
    #[error("you closed your part of round {0}: wait for the others")]
    Done(u64),
    #[error("you already proposed in round {0}")]
    AlreadyProposed(u64),
    #[error("issue {0:?} is already settled")]
    Settled(String),
    #[error("no open proposal {0} in this round")]
    NoProposal(u64),
    #[error("proposal {0} is your own")]
    OwnProposal(u64),
    #[error("you already accepted proposal {0}")]
    AlreadyAccepted(u64),
}

/// A partial proposal of the current round.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// Sequence number of the offer in the record.
    pub id: u64,
    pub seat: usize,
    /// (issue, value) pairs.
    pub issues: Vec<(usize, u32)>,
    pub accepted: Vec<bool>,
    /// False once settled or overtaken by a settlement of one of its issues.
    pub open: bool,
}

/// What a move brought about.
#[derive(Debug, Default, PartialEq)]
pub struct Effects {
    /// The proposal (id, issues) the move settled.
    pub settled: Option<(u64, Vec<(usize, u32)>)>,
    pub round_completed: bool,
    pub finish: Option<Finish>,
}

/// The state of a partial-rounds session, rebuilt by replaying its moves.
#[derive(Debug, Clone)]
pub struct PartialState {
    pub negotiators: Vec<String>,
    pub deadline_rounds: u64,
    pub round: u64,
    /// The settled value of each issue.
    pub settled: Vec<Option<u32>>,
    pub proposals: Vec<Proposal>,
    pub proposed: Vec<bool>,
    pub done: Vec<bool>,
    pub finished: Option<Finish>,
}

impl PartialState {
    pub fn new(issues: usize, negotiators: Vec<String>, deadline_rounds: u64) -> Self {
        let n = negotiators.len();
        PartialState {
            negotiators,
            deadline_rounds,
            round: 0,
            settled: vec![None; issues],
            proposals: Vec::new(),
            proposed: vec![false; n],
            done: vec![false; n],
            finished: None,
        }
    }

    /// The settled issues as (issue, value) pairs.
    pub fn settled_pairs(&self) -> Vec<(usize, u32)> {
        self.settled
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i, v)))
            .collect()
    }

    fn end_reason(&self, why: &str, scenario: &Scenario) -> String {
        let names: Vec<&str> = self
            .settled_pairs()
            .iter()
            .map(|&(i, _)| scenario.issues[i].name.as_str())
            .collect();
        if names.is_empty() {
            why.to_string()
        } else {
            format!("{why}; partial agreement on {}", names.join(", "))
        }
    }

    /// Applies `seat`'s move; `id` is the sequence number it gets in the
    /// record. `offer` is given exactly for offers (already checked against
    /// the scenario), `proposal` exactly for acceptances.
    pub fn apply(
        &mut self,
        scenario: &Scenario,
        seat: usize,
        kind: MoveKind,
        offer: Option<Vec<(usize, u32)>>,
        proposal: Option<u64>,
        id: u64,
    ) -> Result<Effects, PartialError> {
        if self.finished.is_some() {
            return Err(PartialError::Finished);
        }
        let mut fx = Effects::default();
        if kind == MoveKind::End {
            let reason = self.end_reason(&format!("ended by {}", self.negotiators[seat]), scenario);
            self.finished = Some(Finish::Ended(reason));
            fx.finish = self.finished.clone();
            return Ok(fx);
        }
        if self.done[seat] {
            return Err(PartialError::Done(self.round));
        }
        match kind {
            MoveKind::Offer => {
                let issues = offer.expect("offers carry issues");
                if self.proposed[seat] {
                    return Err(PartialError::AlreadyProposed(self.round));
                }
                if let Some(&(i, _)) = issues.iter().find(|(i, _)| self.settled[*i].is_some()) {
                    return Err(PartialError::Settled(scenario.issues[i].name.clone()));
                }
                self.proposed[seat] = true;
                let mut accepted = vec![false; self.negotiators.len()];
                accepted[seat] = true;
                self.proposals.push(Proposal {
                    id,
                    seat,
                    issues,
                    accepted,
                    open: true,
                });
            }
            MoveKind::Accept => {
                let pid = proposal.expect("acceptances name a proposal");
                let p = self
                    .proposals
                    .iter_mut()
                    .find(|p| p.id == pid && p.open)
                    .ok_or(PartialError::NoProposal(pid))?;
                if p.seat == seat {
                    return Err(PartialError::OwnProposal(pid));
                }
                if p.accepted[seat] {
                    return Err(PartialError::AlreadyAccepted(pid));
                }
                p.accepted[seat] = true;
                if p.accepted.iter().all(|a| *a) {
                    p.open = false;
                    let issues = p.issues.clone();
                    for &(i, v) in &issues {
                        self.settled[i] = Some(v);
                    }
                    for q in &mut self.proposals {
                        if q.issues
                            .iter()
                            .any(|(i, _)| issues.iter().any(|(j, _)| i == j))
                        {
                            q.open = false;
                        }
                    }
                    fx.settled = Some((pid, issues));
                    if self.settled.iter().all(Option::is_some) {
                        let outcome: Outcome = self.settled.iter().map(|v| v.unwrap()).collect();
                        self.finished = Some(Finish::Agreement(outcome));
                        fx.finish = self.finished.clone();
                        return Ok(fx);
                    }
                }
            }
            MoveKind::Reject => {
                self.done[seat] = true;
                if self.done.iter().all(|d| *d) {
                    fx.round_completed = true;
                    self.round += 1;
                    self.proposals.clear();
                    self.proposed.iter_mut().for_each(|p| *p = false);
                    self.done.iter_mut().for_each(|d| *d = false);
                    if self.round >= self.deadline_rounds {
                        let reason = self.end_reason("deadline reached", scenario);
                        self.finished = Some(Finish::Ended(reason));
                        fx.finish = self.finished.clone();
                    }
                }
            }
            MoveKind::End => unreachable!("handled above"),
        }
        Ok(fx)
    }
}

/// The events the server appends after a move of `round` brought about
/// `fx` (leaving `state`): the settlement, then the agreement, or the
/// partial agreement (if any issue is settled) and the end. The live path
/// and offline replay both take them from here.
pub fn derived_events(
    scenario: &Scenario,
    state: &PartialState,
    fx: &Effects,
    round: u64,
) -> Vec<Event> {
    let mut events = Vec::new();
    if let Some((pid, issues)) = &fx.settled {
        events.push(Event::Settled {
            proposal: *pid,
            issues: pairs_package(scenario, issues),
            round,
        });
    }
    if let Some(finish) = &fx.finish {
        let settled = state.settled_pairs();
        if matches!(finish, Finish::Ended(_)) && !settled.is_empty() {
            events.push(Event::PartialAgreement {
                settled: pairs_package(scenario, &settled),
                round,
            });
        }
        events.push(crate::protocol::finish_event(scenario, finish, round));
    }
    events
}
