//! What the mediator view traces of a single-text or partial-rounds
//! session: packages, moves and votes, never a utility.
//!
//! A trace is rebuilt from the record by replaying it; votes on the single
//! text's proposal still open stay secret (who voted shows, not how) until
//! everyone has voted.

use pactum_core::analysis::Package;
use pactum_core::{Outcome, Scenario};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::event::Event;
use crate::http::error::ApiError;
use crate::http::partial::open_issues;
use crate::mediators::mediator_name;
use crate::offers::{package, package_pairs, pairs_package};
use crate::partial::PartialState;
use crate::protocol::{MoveKind, RecordedEnd};
use crate::record::RecordEntry;
use crate::sessions::replay::replay_partial;
use crate::single_text::{Resolution, TextState, proposal_event, stop_text};
use crate::store::sessions::Session;

// ---------------------------------------------------------------- single text

/// One negotiator's vote on a proposal, as the mediator view traces it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TracedVote {
    pub party: String,
    /// The vote's sequence number in the record.
    pub seq: u64,
    /// Accept (`true`) or veto (`false`); `null` while the proposal is still
    /// being voted on (how each voted shows once everyone has).
    pub accept: Option<bool>,
}

/// One proposal of the single text, as the mediator view traces it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TracedTextProposal {
    /// Its number (= round, 0-based).
    pub proposal: u64,
    /// The draft the proposal changes.
    #[schema(value_type = Object)]
    pub draft: Package,
    /// The one-issue change proposed (absent when the scenario allows none).
    #[schema(value_type = Option<Object>)]
    pub change: Option<Package>,
    /// The draft with the change applied.
    #[schema(value_type = Object)]
    pub proposed_draft: Package,
    /// Votes in the order they were cast.
    pub votes: Vec<TracedVote>,
    /// "adopted" or "vetoed" once everyone voted; `null` before.
    pub resolution: Option<String>,
}

/// The drafts and votes of a single-text session for the mediator view
/// (packages and votes only: no utilities).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TextTrace {
    /// The mediator: "draft_and_vote", "veto", "hill_climbing" or "packages".
    pub mediator: String,
    /// The packages mediator, before its first proposal: the negotiators
    /// whose preferences are not locked yet.
    pub waiting_for: Vec<String>,
    /// Why the packages mediator stopped, once it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// Every proposal made so far, in order (the last one is being voted
    /// on while the negotiation is open).
    pub proposals: Vec<TracedTextProposal>,
    /// The standing text: the current draft.
    #[schema(value_type = Object)]
    pub draft: Package,
    /// The agreed text, once agreed.
    #[schema(value_type = Option<Object>)]
    pub agreement: Option<Package>,
}

fn traced_proposal(scenario: &Scenario, state: &TextState) -> (TracedTextProposal, Outcome) {
    let draft = state.draft.clone().unwrap_or_default();
    let proposed = state.proposed().unwrap_or_else(|| draft.clone());
    let change = proposal_event(scenario, state).and_then(|e| match e {
        Event::Proposal { change, .. } => Some(change),
        _ => None,
    });
    (
        TracedTextProposal {
            proposal: state.proposal,
            draft: state
                .draft
                .as_ref()
                .map(|d| package(scenario, d))
                .unwrap_or_default(),
            change,
            proposed_draft: package(scenario, &proposed),
            votes: Vec::new(),
            resolution: None,
        },
        proposed,
    )
}

/// Builds the mediator's trace of a single-text session; also returns the
/// replayed state and each proposal's proposed draft, in trace order.
pub(crate) fn text_trace(
    session: &Session,
    entries: &[RecordEntry],
) -> Result<(TextTrace, TextState, Vec<Outcome>), ApiError> {
    let sc = &session.scenario;
    let names = sc.negotiator_names();
    let mut state = TextState::new(sc, names.clone(), session.deadline_rounds);
    let mut proposals = Vec::new();
    let mut drafts = Vec::new();
    for entry in entries {
        let event: Event =
            serde_json::from_value(entry.event.clone()).map_err(ApiError::internal)?;
        let (party, proposal, accept) = match event {
            Event::Created { .. } => {
                state =
                    TextState::of_created(sc, names.clone(), &event).map_err(ApiError::internal)?;
                if state.proposed().is_some() {
                    let (p, d) = traced_proposal(sc, &state);
                    proposals.push(p);
                    drafts.push(d);
                }
                continue;
            }
            Event::PreferencesLocked { party, .. } => {
                let started = state.locked_by(sc, &party).map_err(ApiError::internal)?;
                if started && state.finished.is_none() {
                    let (p, d) = traced_proposal(sc, &state);
                    proposals.push(p);
                    drafts.push(d);
                }
                continue;
            }
            Event::Vote {
                party,
                proposal,
                accept,
                ..
            } => (party, proposal, accept),
            _ => continue,
        };
        let seat = names
            .iter()
            .position(|n| *n == party)
            .ok_or_else(|| ApiError::internal("vote by an unknown party"))?;
        let resolution = state
            .vote(sc, seat, accept, Some(proposal))
            .map_err(|e| ApiError::internal(format!("stored log does not replay: {e}")))?;
        let current = proposals
            .last_mut()
            .ok_or_else(|| ApiError::internal("vote without proposal"))?;
        current.votes.push(TracedVote {
            party,
            seq: entry.seq,
            accept: Some(accept),
        });
        if let Some(r) = resolution {
            current.resolution = Some(
                match r {
                    Resolution::Adopted => "adopted",
                    Resolution::Vetoed => "vetoed",
                }
                .into(),
            );
            if state.finished.is_none() {
                let (p, d) = traced_proposal(sc, &state);
                proposals.push(p);
                drafts.push(d);
            }
        }
    }
    // Votes on the proposal still open stay secret until everyone has voted.
    for p in proposals.iter_mut().filter(|p| p.resolution.is_none()) {
        for v in &mut p.votes {
            v.accept = None;
        }
    }
    let trace = TextTrace {
        mediator: mediator_name(state.mediator.mediator).to_string(),
        waiting_for: state.waiting_for(),
        stopped: state.stop.map(stop_text),
        proposals,
        draft: state
            .draft
            .as_ref()
            .map(|d| package(sc, d))
            .unwrap_or_default(),
        agreement: match &state.finished {
            Some(RecordedEnd::Agreement(o)) => Some(package(sc, o)),
            _ => None,
        },
    };
    Ok((trace, state, drafts))
}

// ---------------------------------------------------------------- partial rounds

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
pub(crate) fn partial_trace(
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
                        issues_of.push(package_pairs(sc, &offer).map_err(ApiError::internal)?);
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
                    MoveKind::Leave => {}
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
