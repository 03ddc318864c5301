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

use pactum_core::analysis::Package;
use pactum_core::{Outcome, Scenario, Value};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{
    AppState, MoveResponse, Seat, Session, append, load_entries, lock_session, now_ms,
};
use crate::error::ApiError;
use crate::protocol::{Event, Finish, MoveKind};
use crate::record::RecordEntry;

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

/// Reads a partial offer: some (at least one) of the scenario's issues, each
/// with one of its values.
pub fn parse_partial_offer(
    scenario: &Scenario,
    offer: &serde_json::Map<String, serde_json::Value>,
) -> Result<Vec<(usize, u32)>, String> {
    if offer.is_empty() {
        return Err("a partial offer needs at least one issue".into());
    }
    let mut pairs = Vec::with_capacity(offer.len());
    for (name, raw) in offer {
        let i = scenario
            .issue_index(name)
            .ok_or_else(|| format!("unknown issue {name:?}"))?;
        let value: Value = serde_json::from_value(raw.clone())
            .map_err(|_| format!("issue {name:?}: {raw} is not a value"))?;
        let k = scenario.issues[i]
            .index_of(&value)
            .ok_or_else(|| format!("issue {name:?}: {raw} is not one of its values"))?;
        pairs.push((i, k));
    }
    pairs.sort_unstable();
    Ok(pairs)
}

/// (issue, value) pairs as an issue → value package.
pub fn pairs_package(scenario: &Scenario, pairs: &[(usize, u32)]) -> Package {
    pairs
        .iter()
        .map(|&(i, v)| (scenario.issues[i].name.clone(), scenario.issues[i].value(v)))
        .collect()
}

fn package_pairs(scenario: &Scenario, p: &Package) -> Result<Vec<(usize, u32)>, ApiError> {
    let map = match serde_json::to_value(p).map_err(ApiError::internal)? {
        serde_json::Value::Object(m) => m,
        _ => return Err(ApiError::internal("a package is not an object")),
    };
    parse_partial_offer(scenario, &map).map_err(ApiError::internal)
}

/// The names of the issues not settled yet, in issue order.
fn open_issues(scenario: &Scenario, state: &PartialState) -> Vec<String> {
    scenario
        .issues
        .iter()
        .zip(&state.settled)
        .filter(|(_, s)| s.is_none())
        .map(|(i, _)| i.name.clone())
        .collect()
}

fn names(session: &Session) -> Vec<String> {
    session.scenario.negotiator_names()
}

/// Replays a partial-rounds session's moves.
pub(crate) fn replay_partial(
    session: &Session,
    entries: &[RecordEntry],
) -> Result<PartialState, ApiError> {
    let sc = &session.scenario;
    let names = names(session);
    let mut state = PartialState::new(sc.issues.len(), names.clone(), session.deadline_rounds);
    for entry in entries {
        let event: Event =
            serde_json::from_value(entry.event.clone()).map_err(ApiError::internal)?;
        if let Event::PartialMove {
            party,
            kind,
            offer,
            proposal,
            ..
        } = event
        {
            let seat = names
                .iter()
                .position(|n| *n == party)
                .ok_or_else(|| ApiError::internal("move by an unknown party"))?;
            let offer = offer.map(|p| package_pairs(sc, &p)).transpose()?;
            state
                .apply(sc, seat, kind, offer, proposal, entry.seq)
                .map_err(|e| ApiError::internal(format!("stored log does not replay: {e}")))?;
        }
    }
    Ok(state)
}

/// One proposal of the current round.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProposalView {
    /// Its id: the offer's sequence number in the record.
    pub id: u64,
    pub party: String,
    #[schema(value_type = Object)]
    pub offer: Package,
    /// Negotiators who have accepted it (its proposer included).
    pub accepted_by: Vec<String>,
    /// False once settled or overtaken by another settlement.
    pub open: bool,
}

/// A partial-rounds session as one negotiator sees it (in `/me` and in
/// move answers).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PartialView {
    pub round: u64,
    pub deadline_rounds: u64,
    /// The settled issues (the partial agreement so far).
    #[schema(value_type = Object)]
    pub settled: Package,
    /// Issues not settled yet.
    pub open_issues: Vec<String>,
    /// This round's proposals.
    pub proposals: Vec<ProposalView>,
    /// Negotiators who have closed their part of this round.
    pub done: Vec<String>,
    /// Whether the caller has proposed this round.
    pub proposed: bool,
}

pub(crate) fn view(scenario: &Scenario, state: &PartialState, seat: usize) -> PartialView {
    let who = |flags: &[bool]| -> Vec<String> {
        state
            .negotiators
            .iter()
            .zip(flags)
            .filter(|(_, f)| **f)
            .map(|(n, _)| n.clone())
            .collect()
    };
    PartialView {
        round: state.round,
        deadline_rounds: state.deadline_rounds,
        settled: pairs_package(scenario, &state.settled_pairs()),
        open_issues: open_issues(scenario, state),
        proposals: state
            .proposals
            .iter()
            .map(|p| ProposalView {
                id: p.id,
                party: state.negotiators[p.seat].clone(),
                offer: pairs_package(scenario, &p.issues),
                accepted_by: who(&p.accepted),
                open: p.open,
            })
            .collect(),
        done: who(&state.done),
        proposed: state.proposed.get(seat).copied().unwrap_or(false),
    }
}

/// `POST /sessions/{id}/moves` in a partial-rounds session.
pub(crate) async fn post_move(
    app: &AppState,
    session: &Session,
    seat: &Seat,
    kind: MoveKind,
    offer: Option<&serde_json::Map<String, serde_json::Value>>,
    proposal: Option<u64>,
) -> Result<MoveResponse, ApiError> {
    let sc = &session.scenario;
    let id = &session.id;
    let pairs = match (kind, offer, proposal) {
        (MoveKind::Offer, Some(o), None) => {
            Some(parse_partial_offer(sc, o).map_err(ApiError::unprocessable)?)
        }
        (MoveKind::Offer, None, _) => {
            return Err(ApiError::unprocessable(
                "an offer needs an \"offer\" package",
            ));
        }
        (MoveKind::Accept, None, None) => {
            return Err(ApiError::unprocessable(
                "an acceptance names the proposal accepted (\"proposal\")",
            ));
        }
        (MoveKind::Accept, None, Some(_)) => None,
        (_, Some(_), _) => return Err(ApiError::unprocessable("only offers carry a package")),
        (_, None, Some(_)) => {
            return Err(ApiError::unprocessable("only acceptances name a proposal"));
        }
        (_, None, None) => None,
    };

    let guard = app.write_guard().await;
    let mut tx = app.pool.begin().await?;
    lock_session(&mut tx, id).await?;
    let entries = load_entries(&mut tx, id).await?;
    let mut state = replay_partial(session, &entries)?;
    let last = entries
        .last()
        .ok_or_else(|| ApiError::internal("session without log"))?;
    let round = state.round;
    let move_seq = last.seq + 1;
    let fx = state
        .apply(sc, seat.seat, kind, pairs.clone(), proposal, move_seq)
        .map_err(|e| ApiError::conflict(e.to_string()))?;
    let offer_pkg = pairs.as_ref().map(|p| pairs_package(sc, p));
    let mut seq = move_seq;
    let mut prev = append(
        &mut tx,
        id,
        seq,
        &last.hash,
        &Event::PartialMove {
            party: seat.name.clone(),
            kind,
            offer: offer_pkg.clone(),
            proposal,
            round,
            at_ms: now_ms(),
        },
    )
    .await?;
    let mut published = vec![crate::live::Published::PartialMove {
        seq,
        round,
        party: seat.name.clone(),
        kind,
        offer: offer_pkg,
        proposal,
    }];
    let (mut agreement, mut reason) = (None, None);
    for ev in derived_events(sc, &state, &fx, round) {
        seq += 1;
        prev = append(&mut tx, id, seq, &prev, &ev).await?;
        match &ev {
            Event::Settled {
                proposal, issues, ..
            } => published.push(crate::live::Published::Settled {
                seq,
                round,
                proposal: *proposal,
                issues: issues.clone(),
            }),
            Event::Agreement { offer, .. } => {
                if let Some(Finish::Agreement(o)) = &fx.finish {
                    published.push(crate::live::Published::Agreement {
                        seq,
                        round,
                        offer: o.clone(),
                    });
                }
                agreement = Some(offer.clone());
            }
            Event::Ended { reason: r, .. } => {
                published.push(crate::live::Published::Ended {
                    seq,
                    round,
                    reason: r.clone(),
                });
                reason = Some(r.clone());
            }
            _ => {}
        }
    }
    let _ = prev;
    tx.commit().await?;
    drop(guard);
    app.hub.publish(id, published);
    if agreement.is_some() {
        let _ = crate::mediation::ensure_certificate(app, session).await;
    }
    if fx.round_completed && fx.finish.is_none() {
        // Keeping to the issues settled so far.
        crate::live::auto_suggest(app, session, round, || {
            let mut scenario = session.scenario.clone();
            crate::views::fix_settled_issues(&mut scenario, &state.settled);
            (scenario, None)
        })
        .await;
    }
    Ok(MoveResponse {
        seq: move_seq,
        round,
        status: match &state.finished {
            None => "open",
            Some(Finish::Agreement(_)) => "agreement",
            Some(Finish::Ended(_)) => "ended",
        }
        .into(),
        agreement,
        reason,
        bot_moves: Vec::new(),
        partial: Some(view(sc, &state, seat.seat)),
    })
}

// ---------------------------------------------------------------- mediator trace

/// One proposal as the mediator view traces it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TracedProposal {
    /// Its id: the offer's sequence number in the record.
    pub id: u64,
    pub party: String,
    /// Some of the issues, each with the value proposed.
    #[schema(value_type = Object)]
    pub offer: Package,
    /// Negotiators who accepted it, in the order they did (its proposer
    /// first).
    pub accepted_by: Vec<String>,
    /// "open" (still in play this round), "settled" (everyone accepted it)
    /// or "lapsed" (its round closed, or another settlement took one of its
    /// issues, first).
    pub state: String,
}

/// One round of a partial-rounds session as the mediator view traces it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TracedRound {
    /// 0-based.
    pub round: u64,
    /// The round's proposals in the order they were made.
    pub proposals: Vec<TracedProposal>,
    /// The issues settled in this round with their values.
    #[schema(value_type = Object)]
    pub settled: Package,
    /// Negotiators who closed their part of the round, in the order they did.
    pub closed_by: Vec<String>,
    /// The negotiator who ended the negotiation in this round, if one did.
    pub ended_by: Option<String>,
}

/// The moves of a partial-rounds session, round by round, for the mediator
/// view (packages and moves only: no utilities).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PartialTrace {
    /// Every round begun so far, in order.
    pub rounds: Vec<TracedRound>,
    /// The issues settled so far (all of them once agreed).
    #[schema(value_type = Object)]
    pub settled: Package,
    /// Issues not settled yet.
    pub open_issues: Vec<String>,
    /// The issues settled when the negotiation ended without full agreement.
    #[schema(value_type = Option<Object>)]
    pub partial_agreement: Option<Package>,
}

/// Some issues, each with a value: (issue, value) pairs.
pub(crate) type Pairs = Vec<(usize, u32)>;

/// Builds the mediator's trace of a partial-rounds session; also returns
/// the replayed state and every proposal's issues, in trace order.
pub(crate) fn trace(
    session: &Session,
    entries: &[RecordEntry],
) -> Result<(PartialTrace, PartialState, Vec<Pairs>), ApiError> {
    let sc = &session.scenario;
    let state = replay_partial(session, entries)?;
    let mut rounds: Vec<TracedRound> = Vec::new();
    let mut issues_of: Vec<Pairs> = Vec::new();
    let mut partial_agreement = None;
    let round_mut = |rounds: &mut Vec<TracedRound>, round: u64| -> usize {
        while rounds.len() as u64 <= round {
            rounds.push(TracedRound {
                round: rounds.len() as u64,
                proposals: Vec::new(),
                settled: Package::new(),
                closed_by: Vec::new(),
                ended_by: None,
            });
        }
        round as usize
    };
    for entry in entries {
        let event: Event =
            serde_json::from_value(entry.event.clone()).map_err(ApiError::internal)?;
        match event {
            Event::PartialMove {
                party,
                kind,
                offer,
                proposal,
                round,
                ..
            } => {
                let r = round_mut(&mut rounds, round);
                match kind {
                    MoveKind::Offer => {
                        let offer =
                            offer.ok_or_else(|| ApiError::internal("offer without package"))?;
                        issues_of.push(package_pairs(sc, &offer)?);
                        rounds[r].proposals.push(TracedProposal {
                            id: entry.seq,
                            party: party.clone(),
                            offer,
                            accepted_by: vec![party],
                            state: "lapsed".into(),
                        });
                    }
                    MoveKind::Accept => {
                        let pid = proposal
                            .ok_or_else(|| ApiError::internal("acceptance without proposal"))?;
                        if let Some(p) = rounds[r].proposals.iter_mut().find(|p| p.id == pid) {
                            p.accepted_by.push(party);
                        }
                    }
                    MoveKind::Reject => rounds[r].closed_by.push(party),
                    MoveKind::End => rounds[r].ended_by = Some(party),
                }
            }
            Event::Settled {
                proposal,
                issues,
                round,
            } => {
                let r = round_mut(&mut rounds, round);
                rounds[r].settled.extend(issues);
                if let Some(p) = rounds[r].proposals.iter_mut().find(|p| p.id == proposal) {
                    p.state = "settled".into();
                }
            }
            Event::PartialAgreement { settled, .. } => partial_agreement = Some(settled),
            _ => {}
        }
    }
    if state.finished.is_none() {
        // The round in play (perhaps without a move yet): proposals still
        // open there are in play.
        let r = round_mut(&mut rounds, state.round);
        for p in &mut rounds[r].proposals {
            if state.proposals.iter().any(|q| q.id == p.id && q.open) {
                p.state = "open".into();
            }
        }
    }
    let trace = PartialTrace {
        rounds,
        settled: pairs_package(sc, &state.settled_pairs()),
        open_issues: open_issues(sc, &state),
        partial_agreement,
    };
    Ok((trace, state, issues_of))
}
