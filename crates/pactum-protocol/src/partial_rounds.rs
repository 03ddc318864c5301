//! Free-form rounds with partial agreements (the live server's
//! `partial_rounds`; not the simulator's phased sessions, see
//! [`crate::phases`]).
//!
//! Rules:
//! * in each round every seat may, in any order, **propose** once a package
//!   over some (at least one) of the still-open issues, under an id the
//!   caller gives (the server uses the offer's record number), and
//!   **accept** other seats' open proposals of the round by id, each once;
//! * a proposal every seat has accepted (its proposer included) settles its
//!   issues: they stay settled in later rounds, and every other proposal
//!   of the round touching one of them lapses;
//! * **reject** closes one's part of the round (declining the proposals one
//!   has not accepted); once every seat has, the next round begins and the
//!   open proposals lapse; a seat that closed its part waits;
//! * **end** (any seat, at any time) ends the negotiation;
//! * agreement as soon as every issue is settled; it binds every seat;
//! * at the deadline (or on `end`) the negotiation ends without full
//!   agreement, and the issues settled by then are a partial agreement
//!   (event [`Event::PartialAgreement`] when there is any);
//! * a proposal that would complete the agreement (it covers every open
//!   issue) must be a package its proposer may accept, and accepting it
//!   one the acceptor may accept (reservation value, red lines): partial
//!   packages cannot be judged on their own.

use serde::{Deserialize, Serialize};

use crate::clock::Deadline;
use crate::end::{Agreement, End, Events};
use crate::limits::{Acceptability, Seat};
use crate::protocol::{Context, Input, Protocol};
use crate::rejection::{Rejection, SetupError};
use crate::space::{OutsideSpace, Space};

/// Some issues, each with a value index: (issue, value) pairs.
pub type Pairs = Vec<(usize, u32)>;

/// A seat's move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Move {
    /// Propose values for some open issues, under a fresh id.
    Propose {
        /// The proposal's id (unique among the round's proposals).
        id: u64,
        /// (issue, value) pairs.
        issues: Pairs,
    },
    /// Accept another seat's open proposal.
    Accept {
        /// The proposal's id.
        id: u64,
    },
    /// Close one's part of the round.
    Reject,
    /// End the negotiation.
    End,
}

/// A proposal of the current round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// Its id.
    pub id: u64,
    /// Who proposed it.
    pub seat: Seat,
    /// (issue, value) pairs, in issue order.
    pub issues: Pairs,
    /// Which seats accepted it (its proposer did).
    pub accepted: Vec<bool>,
    /// False once settled or overtaken by a settlement of one of its issues.
    pub open: bool,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event<O> {
    /// A seat proposed.
    Proposed {
        /// Who.
        seat: Seat,
        /// In which round.
        round: u64,
        /// The proposal's id.
        id: u64,
        /// (issue, value) pairs, in issue order.
        issues: Pairs,
    },
    /// A seat accepted a proposal.
    Accepted {
        /// Who.
        seat: Seat,
        /// In which round.
        round: u64,
        /// The proposal.
        id: u64,
    },
    /// A seat closed its part of the round.
    Rejected {
        /// Who.
        seat: Seat,
        /// In which round.
        round: u64,
    },
    /// A seat ended the negotiation.
    EndedBy {
        /// Who.
        seat: Seat,
        /// In which round.
        round: u64,
    },
    /// Everyone accepted a proposal: its issues are settled.
    Settled {
        /// In which round.
        round: u64,
        /// The proposal.
        id: u64,
        /// The issues settled, with their values.
        issues: Pairs,
    },
    /// Every seat closed its part: the round is over.
    RoundClosed {
        /// The round closed.
        round: u64,
    },
    /// The wall-clock deadline passed.
    Expired {
        /// In which round.
        round: u64,
    },
    /// The issues settled when the negotiation ended without full
    /// agreement (before [`Event::Over`]).
    PartialAgreement {
        /// In which round.
        round: u64,
        /// The settled issues with their values.
        settled: Pairs,
    },
    /// The negotiation is over.
    Over {
        /// In which round.
        round: u64,
        /// How (boxed: an event is moved with every move, an end happens
        /// once).
        end: Box<End<O>>,
    },
}

/// The state of a partial-rounds negotiation.
#[derive(Debug, Clone, PartialEq)]
pub struct PartialRounds<O> {
    max_rounds: Option<u64>,
    round: u64,
    settled: Vec<Option<u32>>,
    proposals: Vec<Proposal>,
    proposed: Vec<bool>,
    done: Vec<bool>,
    moved_in_round: bool,
    end: Option<End<O>>,
}

impl<O: Clone + PartialEq + std::fmt::Debug> PartialRounds<O> {
    /// A negotiation among `seats` seats over `issues` issues under
    /// `deadline`.
    pub fn new(issues: usize, seats: usize, deadline: &Deadline) -> Result<Self, SetupError> {
        deadline.check()?;
        if seats < 2 {
            return Err(SetupError::TooFewSeats { seats });
        }
        Ok(PartialRounds {
            max_rounds: deadline.steps.map(|n| n as u64),
            round: 0,
            settled: vec![None; issues],
            proposals: Vec::new(),
            proposed: vec![false; seats],
            done: vec![false; seats],
            moved_in_round: false,
            end: None,
        })
    }

    /// The current round (0-based).
    pub fn round(&self) -> u64 {
        self.round
    }

    /// The settled value of each issue.
    pub fn settled(&self) -> &[Option<u32>] {
        &self.settled
    }

    /// The settled issues as (issue, value) pairs.
    pub fn settled_pairs(&self) -> Pairs {
        self.settled
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i, v)))
            .collect()
    }

    /// The issues not settled yet.
    pub fn open_issues(&self) -> Vec<usize> {
        (0..self.settled.len())
            .filter(|&i| self.settled[i].is_none())
            .collect()
    }

    /// This round's proposals, in the order made.
    pub fn proposals(&self) -> &[Proposal] {
        &self.proposals
    }

    /// Whether `seat` proposed this round.
    pub fn has_proposed(&self, seat: Seat) -> bool {
        self.proposed.get(seat).copied().unwrap_or(false)
    }

    /// Whether `seat` closed its part of this round.
    pub fn has_closed(&self, seat: Seat) -> bool {
        self.done.get(seat).copied().unwrap_or(false)
    }

    /// The full outcome `issues` would complete, if they cover every open
    /// issue.
    fn completed<S: Space<Outcome = O>>(
        &self,
        space: &S,
        issues: &[(usize, u32)],
    ) -> Result<Option<O>, OutsideSpace> {
        let mut values: Vec<Option<u32>> = self.settled.clone();
        for &(i, v) in issues {
            values[i] = Some(v);
        }
        match values.into_iter().collect::<Option<Vec<u32>>>() {
            Some(v) => space.outcome_of(&v).map(Some),
            None => Ok(None),
        }
    }

    fn finish(&mut self, emit: &mut impl FnMut(Event<O>), end: End<O>) {
        let settled = self.settled_pairs();
        if end.agreement().is_none() && !settled.is_empty() {
            emit(Event::PartialAgreement {
                round: self.round,
                settled,
            });
        }
        emit(Event::Over {
            round: self.round,
            end: Box::new(end.clone()),
        });
        self.end = Some(end);
    }

    fn check_proposal<S: Space<Outcome = O>>(
        &self,
        space: &S,
        issues: &mut Pairs,
    ) -> Result<(), Rejection> {
        if issues.is_empty() {
            return Err(Rejection::EmptyProposal);
        }
        issues.sort_unstable();
        for (k, &(i, v)) in issues.iter().enumerate() {
            if i >= self.settled.len() {
                return Err(OutsideSpace::Length {
                    issues: self.settled.len(),
                    got: i + 1,
                }
                .into());
            }
            let cardinality = space.cardinality(i);
            if v >= cardinality {
                return Err(OutsideSpace::Value {
                    issue: i,
                    cardinality,
                    value: v,
                }
                .into());
            }
            if k > 0 && issues[k - 1].0 == i {
                return Err(Rejection::RepeatedIssue { issue: i });
            }
            if self.settled[i].is_some() {
                return Err(Rejection::Settled { issue: i });
            }
        }
        Ok(())
    }
}

impl<O: Clone + PartialEq + std::fmt::Debug> Protocol for PartialRounds<O> {
    type Outcome = O;
    type Move = Move;
    type Event = Event<O>;

    fn apply_with<S, A, F>(
        &mut self,
        seat: Seat,
        mv: Move,
        ctx: &Context<S, A>,
        emit: &mut F,
    ) -> Result<(), Rejection>
    where
        S: Space<Outcome = O>,
        A: Acceptability<O>,
        F: FnMut(Event<O>),
    {
        if self.end.is_some() {
            return Err(Rejection::Over);
        }
        let seats = self.done.len();
        if seat >= seats {
            return Err(Rejection::NoSuchSeat { seat, seats });
        }
        let round = self.round;
        if mv != Move::End && self.done[seat] {
            return Err(Rejection::Closed { round });
        }
        match mv {
            Move::End => {
                self.moved_in_round = true;
                emit(Event::EndedBy { seat, round });
                self.finish(emit, End::EndedBy { seat });
                return Ok(());
            }
            Move::Propose { id, mut issues } => {
                if self.proposed[seat] {
                    return Err(Rejection::AlreadyProposed { round });
                }
                self.check_proposal(ctx.space, &mut issues)?;
                if self.proposals.iter().any(|p| p.id == id) {
                    return Err(Rejection::DuplicateProposal { id });
                }
                if let Some(full) = self.completed(ctx.space, &issues)? {
                    ctx.limits
                        .may_accept(seat, &full)
                        .map_err(Rejection::OffersUnacceptable)?;
                }
                self.proposed[seat] = true;
                let mut accepted = vec![false; seats];
                accepted[seat] = true;
                self.proposals.push(Proposal {
                    id,
                    seat,
                    issues: issues.clone(),
                    accepted,
                    open: true,
                });
                emit(Event::Proposed {
                    seat,
                    round,
                    id,
                    issues,
                });
            }
            Move::Accept { id } => {
                let k = self
                    .proposals
                    .iter()
                    .position(|p| p.id == id && p.open)
                    .ok_or(Rejection::NoProposal { id })?;
                let p = &self.proposals[k];
                if p.seat == seat {
                    return Err(Rejection::OwnProposal { id });
                }
                if p.accepted[seat] {
                    return Err(Rejection::AlreadyAccepted { id });
                }
                if let Some(full) = self.completed(ctx.space, &p.issues)? {
                    ctx.limits
                        .may_accept(seat, &full)
                        .map_err(Rejection::AcceptsUnacceptable)?;
                }
                let p = &mut self.proposals[k];
                p.accepted[seat] = true;
                emit(Event::Accepted { seat, round, id });
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
                    emit(Event::Settled { round, id, issues });
                    let all: Option<Vec<u32>> = self.settled.iter().copied().collect();
                    if let Some(values) = all {
                        let outcome = ctx.space.outcome_of(&values)?;
                        self.moved_in_round = true;
                        let agreement = Agreement {
                            outcome,
                            seats: (0..seats).collect(),
                        };
                        self.finish(emit, End::Agreement(agreement));
                        return Ok(());
                    }
                }
            }
            Move::Reject => {
                self.done[seat] = true;
                emit(Event::Rejected { seat, round });
                if self.done.iter().all(|d| *d) {
                    emit(Event::RoundClosed { round });
                    self.proposals.clear();
                    self.proposed.iter_mut().for_each(|p| *p = false);
                    self.done.iter_mut().for_each(|d| *d = false);
                    if self.max_rounds.is_some_and(|m| round + 1 >= m) {
                        // Reported in the round that closed.
                        self.finish(emit, End::Deadline { agreement: None });
                    }
                    self.round += 1;
                    self.moved_in_round = false;
                    return Ok(());
                }
            }
        }
        self.moved_in_round = true;
        Ok(())
    }

    /// Whether `seat` may propose, accept or close now (`end` is allowed
    /// to any seat until the negotiation is over).
    fn may_move(&self, seat: Seat) -> bool {
        self.end.is_none() && self.done.get(seat).is_some_and(|d| !d)
    }

    fn end(&self) -> Option<&End<O>> {
        self.end.as_ref()
    }

    fn close_at_deadline(&mut self) -> Events<Event<O>> {
        let mut events = Events::new();
        if self.end.is_none() {
            events.push(Event::Expired { round: self.round });
            self.finish(&mut |e| events.push(e), End::Deadline { agreement: None });
        }
        events
    }

    fn rounds_started(&self) -> usize {
        self.round as usize + usize::from(self.moved_in_round)
    }

    fn input_of(event: &Event<O>) -> Option<Input<Move>> {
        Some(match event {
            Event::Proposed {
                seat, id, issues, ..
            } => Input::Move(
                *seat,
                Move::Propose {
                    id: *id,
                    issues: issues.clone(),
                },
            ),
            Event::Accepted { seat, id, .. } => Input::Move(*seat, Move::Accept { id: *id }),
            Event::Rejected { seat, .. } => Input::Move(*seat, Move::Reject),
            Event::EndedBy { seat, .. } => Input::Move(*seat, Move::End),
            Event::Expired { .. } => Input::Expire,
            Event::Settled { .. }
            | Event::RoundClosed { .. }
            | Event::PartialAgreement { .. }
            | Event::Over { .. } => return None,
        })
    }
}

#[cfg(test)]
mod tests;
