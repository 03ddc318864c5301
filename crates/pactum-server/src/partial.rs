//! Free-form rounds with partial agreements (protocol `"partial_rounds"`),
//! as the server plays it: a thin adapter over the engine's
//! `pactum_protocol::partial_rounds`, which holds the rules. It maps issue
//! names to indices, the engine's events to the record's entries and its
//! rejections to the HTTP errors (with the server's texts).
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
//! (`partial_agreement` event). A wall-clock time limit ([`TimeLimit`]),
//! found passed before a move ([`PartialState::expire`]), ends it the same
//! way ("time limit reached"), the issues settled so far as the partial
//! agreement.
//!
//! A proposal that would complete the agreement (it covers every open
//! issue) must be a package its proposer may accept, and accepting it one
//! the acceptor may accept (reservation value, red lines; 422 otherwise, to
//! the mover alone); partial packages cannot be judged on their own.

use pactum_core::{Outcome, Scenario};
use pactum_protocol::partial_rounds::{self, Move, PartialRounds};
use pactum_protocol::{
    AcceptAll, Acceptability, Context, Deadline, End, Packages, Protocol, Rejection, SetupError,
};

use crate::event::Event;
use crate::offers::pairs_package;
use crate::protocol::{MoveKind, RecordedEnd, TIME_LIMIT_REACHED, TimeLimit, limit_text};

pub use pactum_protocol::partial_rounds::Proposal;

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
    /// Proposing or accepting a full package beyond the mover's limits.
    #[error("you cannot {action} this package: {why}")]
    BeyondLimits { action: &'static str, why: String },
    /// A proposal the rules refuse as malformed (empty, an issue twice, a
    /// value off the issue).
    #[error("{0}")]
    Malformed(String),
    #[error("{0}")]
    Refused(String),
}

impl PartialError {
    /// The error of the engine's `rejection`, naming issues by `scenario`.
    fn of(r: Rejection, scenario: &Scenario) -> Self {
        let issue = |i: usize| {
            scenario
                .issues()
                .get(i)
                .map_or(format!("#{i}"), |x| x.name.clone())
        };
        match r {
            Rejection::Over => PartialError::Finished,
            Rejection::Closed { round } => PartialError::Done(round),
            Rejection::AlreadyProposed { round } => PartialError::AlreadyProposed(round),
            Rejection::Settled { issue: i } => PartialError::Settled(issue(i)),
            Rejection::NoProposal { id } => PartialError::NoProposal(id),
            Rejection::OwnProposal { id } => PartialError::OwnProposal(id),
            Rejection::AlreadyAccepted { id } => PartialError::AlreadyAccepted(id),
            Rejection::OffersUnacceptable(u) => PartialError::BeyondLimits {
                action: "propose",
                why: limit_text(&u),
            },
            Rejection::AcceptsUnacceptable(u) => PartialError::BeyondLimits {
                action: "accept",
                why: limit_text(&u),
            },
            Rejection::EmptyProposal | Rejection::OutsideSpace(_) => {
                PartialError::Malformed(r.to_string())
            }
            Rejection::RepeatedIssue { issue: i } => {
                PartialError::Malformed(format!("issue {:?} is given twice", issue(i)))
            }
            other => PartialError::Refused(other.to_string()),
        }
    }
}

/// What a move brought about.
#[derive(Debug, Default, PartialEq)]
pub struct Effects {
    /// The proposal (id, issues) the move settled.
    pub settled: Option<(u64, Vec<(usize, u32)>)>,
    pub round_completed: bool,
    pub finish: Option<RecordedEnd>,
}

/// The state of a partial-rounds session, rebuilt by replaying its moves:
/// the engine's state and, kept in step with it after every move, its
/// views.
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
    pub finished: Option<RecordedEnd>,
    /// The wall-clock time limit, if the session has one.
    pub time_limit: Option<TimeLimit>,
    space: Packages,
    engine: Result<PartialRounds<Outcome>, SetupError>,
}

impl PartialState {
    pub fn new(issues: usize, negotiators: Vec<String>, deadline_rounds: u64) -> Self {
        let n = negotiators.len();
        let engine = usize::try_from(deadline_rounds)
            .map_err(|_| SetupError::TooFewSeats { seats: 0 })
            .and_then(|d| PartialRounds::new(issues, n, &Deadline::steps(d)));
        PartialState {
            negotiators,
            deadline_rounds,
            round: 0,
            settled: vec![None; issues],
            proposals: Vec::new(),
            proposed: vec![false; n],
            done: vec![false; n],
            finished: None,
            time_limit: None,
            // Values are checked against the scenario by the caller.
            space: Packages::new(vec![u32::MAX; issues]),
            engine,
        }
    }

    /// The session's wall-clock time limit (none by default).
    pub fn with_time_limit(mut self, limit: Option<TimeLimit>) -> Self {
        self.time_limit = limit;
        self
    }

    /// Ends the negotiation if its wall-clock time limit had passed at
    /// `now_ms` (the engine's clock, fed the time since the session's
    /// creation); returns what that brought about if this call ended it
    /// (the end, with the issues settled so far as a partial agreement).
    /// Replaying a recorded expiry calls it with the recorded time, and
    /// reaches the same state.
    pub fn expire(&mut self, scenario: &Scenario, now_ms: i64) -> Option<Effects> {
        let limit = self.time_limit?;
        if self.finished.is_some() {
            return None;
        }
        let engine = self.engine.as_mut().ok()?;
        let events = engine.expire(&limit.clock(now_ms))?;
        let end = events.iter().find_map(|e| match e {
            partial_rounds::Event::Over { end, .. } => Some(end.clone()),
            _ => None,
        })?;
        self.sync();
        let finish = match *end {
            End::Agreement(a) => RecordedEnd::Agreement(a.outcome),
            _ => RecordedEnd::Ended(self.end_reason(TIME_LIMIT_REACHED, scenario)),
        };
        self.finished = Some(finish.clone());
        Some(Effects {
            finish: Some(finish),
            ..Effects::default()
        })
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
            .map(|&(i, _)| scenario.issues()[i].name.as_str())
            .collect();
        if names.is_empty() {
            why.to_string()
        } else {
            format!("{why}; partial agreement on {}", names.join(", "))
        }
    }

    /// Applies `seat`'s move as recorded (its limits were checked when it
    /// was made); `id` is the sequence number it gets in the record.
    /// `offer` is given exactly for offers (already checked against the
    /// scenario), `proposal` exactly for acceptances.
    pub fn apply(
        &mut self,
        scenario: &Scenario,
        seat: usize,
        kind: MoveKind,
        offer: Option<Vec<(usize, u32)>>,
        proposal: Option<u64>,
        id: u64,
    ) -> Result<Effects, PartialError> {
        self.apply_within(scenario, seat, kind, offer, proposal, id, &AcceptAll)
    }

    /// [`PartialState::apply`], checking a move that would complete the
    /// agreement against the mover's `limits`.
    #[allow(clippy::too_many_arguments)]
    pub fn apply_within<A: Acceptability<Outcome>>(
        &mut self,
        scenario: &Scenario,
        seat: usize,
        kind: MoveKind,
        offer: Option<Vec<(usize, u32)>>,
        proposal: Option<u64>,
        id: u64,
        limits: &A,
    ) -> Result<Effects, PartialError> {
        if self.finished.is_some() {
            return Err(PartialError::Finished);
        }
        let mv = match kind {
            MoveKind::Offer => Move::Propose {
                id,
                issues: offer.unwrap_or_default(),
            },
            MoveKind::Accept => Move::Accept {
                id: proposal.unwrap_or(u64::MAX),
            },
            MoveKind::Reject => Move::Reject,
            MoveKind::End => Move::End,
            MoveKind::Leave => {
                return Err(PartialError::Malformed(
                    "leave is a move of alternating-offers sessions".into(),
                ));
            }
        };
        let engine = self
            .engine
            .as_mut()
            .map_err(|e| PartialError::Refused(e.to_string()))?;
        let events = engine
            .apply(seat, mv, &Context::new(&self.space, limits))
            .map_err(|r| PartialError::of(r, scenario))?;
        let mut fx = Effects::default();
        let mut end = None;
        for e in events.iter() {
            match e {
                partial_rounds::Event::Settled { id, issues, .. } => {
                    fx.settled = Some((*id, issues.clone()));
                }
                partial_rounds::Event::RoundClosed { .. } => fx.round_completed = true,
                partial_rounds::Event::Over { end: e, .. } => end = Some(e.clone()),
                _ => {}
            }
        }
        self.sync();
        fx.finish = end.map(|end| match *end {
            End::Agreement(a) => RecordedEnd::Agreement(a.outcome),
            End::EndedBy { seat } => {
                let who = self.negotiators.get(seat).map_or("?", String::as_str);
                RecordedEnd::Ended(self.end_reason(&format!("ended by {who}"), scenario))
            }
            _ => RecordedEnd::Ended(self.end_reason("deadline reached", scenario)),
        });
        self.finished = fx.finish.clone();
        Ok(fx)
    }

    /// Copies the engine's state into the public views.
    fn sync(&mut self) {
        let Ok(e) = &self.engine else { return };
        self.round = e.round();
        self.settled = e.settled().to_vec();
        self.proposals = e.proposals().to_vec();
        for s in 0..self.negotiators.len() {
            self.proposed[s] = e.has_proposed(s);
            self.done[s] = e.has_closed(s);
        }
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
        if matches!(finish, RecordedEnd::Ended(_)) && !settled.is_empty() {
            events.push(Event::PartialAgreement {
                settled: pairs_package(scenario, &settled),
                round,
            });
        }
        events.push(crate::protocol::finish_event(scenario, finish, round));
    }
    events
}
