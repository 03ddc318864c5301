//! The mediated single negotiating text (protocol `"single_text"`).
//!
//! The server, as a neutral mediator, holds a draft package and proposes one
//! change at a time: one issue set to another value. Every negotiator votes
//! on the proposed change (accept or veto, `POST /sessions/{id}/votes`), in
//! any order, once per proposal. When all have voted the change is adopted
//! if everyone accepted and dropped otherwise, and the next proposal follows.
//! A draft that resulted from an adopted change has been accepted by
//! everyone.
//!
//! The mediator uses nobody's private utilities: the first draft takes the
//! middle value of every issue, and the proposals cycle deterministically
//! through every one-issue change of the current draft (issue by issue,
//! value by value), so anyone can replay them from the record. Each proposal
//! is one round; after `deadline_rounds` proposals the session ends, with
//! the current draft as the agreement if any change was adopted (it is then
//! the last draft everyone accepted) and without agreement otherwise.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;
use pactum_core::analysis::Package;
use pactum_core::{Outcome, Scenario};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{
    AppState, Session, append, authorize_party, json_body, load_entries, load_session,
    lock_session, now_ms,
};
use crate::error::{ApiError, ErrorBody};
use crate::protocol::{Event, Finish, package};
use crate::record::RecordEntry;
use crate::views::own_utility;

/// The protocol name given at session creation.
pub const SINGLE_TEXT: &str = "single_text";

/// Why a vote was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VoteError {
    #[error("the negotiation is over")]
    Finished,
    #[error("you already voted on proposal {0}")]
    AlreadyVoted(u64),
    #[error("proposal {given} is not the current one (proposal {current})")]
    NotCurrent { given: u64, current: u64 },
}

/// What became of a proposal once everyone voted.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    Adopted,
    Vetoed,
}

/// The state of a single-text session, rebuilt from its votes.
#[derive(Debug, Clone)]
pub struct TextState {
    pub negotiators: Vec<String>,
    pub deadline_rounds: u64,
    pub draft: Outcome,
    /// Number of the current proposal (0-based; also the round).
    pub proposal: u64,
    /// The proposed change: (issue index, value index); `None` when the
    /// scenario offers no change at all.
    pub change: Option<(usize, u32)>,
    pub votes: Vec<Option<bool>>,
    /// Whether some change has been adopted.
    pub adopted_any: bool,
    pub finished: Option<Finish>,
}

/// The first draft: the middle value of every issue.
pub fn initial_draft(scenario: &Scenario) -> Outcome {
    scenario
        .issues
        .iter()
        .map(|i| ((i.cardinality().saturating_sub(1)) / 2) as u32)
        .collect()
}

/// The `n`-th one-issue change of `draft`, cycling through every issue and
/// every other value of it.
pub fn proposal_for(scenario: &Scenario, draft: &[u32], n: u64) -> Option<(usize, u32)> {
    let total: u64 = scenario
        .issues
        .iter()
        .map(|i| i.cardinality().saturating_sub(1))
        .sum();
    if total == 0 {
        return None;
    }
    let mut k = n % total;
    for (i, issue) in scenario.issues.iter().enumerate() {
        let others = issue.cardinality().saturating_sub(1);
        if k < others {
            let v = k as u32;
            // Skip the draft's own value.
            return Some((i, if v >= draft[i] { v + 1 } else { v }));
        }
        k -= others;
    }
    None
}

impl TextState {
    pub fn new(scenario: &Scenario, negotiators: Vec<String>, deadline_rounds: u64) -> Self {
        let draft = initial_draft(scenario);
        let change = proposal_for(scenario, &draft, 0);
        let n = negotiators.len();
        TextState {
            negotiators,
            deadline_rounds,
            draft,
            proposal: 0,
            change,
            votes: vec![None; n],
            adopted_any: false,
            finished: None,
        }
    }

    /// The draft with the proposed change applied.
    pub fn proposed(&self) -> Option<Outcome> {
        self.change.map(|(i, v)| {
            let mut d = self.draft.clone();
            d[i] = v;
            d
        })
    }

    /// Records `seat`'s vote on the current proposal (`expected`, when
    /// given, must be its number). Returns the resolution once everyone
    /// voted, after which the next proposal (or the end) is in place.
    pub fn vote(
        &mut self,
        scenario: &Scenario,
        seat: usize,
        accept: bool,
        expected: Option<u64>,
    ) -> Result<Option<Resolution>, VoteError> {
        if self.finished.is_some() {
            return Err(VoteError::Finished);
        }
        if let Some(given) = expected.filter(|&g| g != self.proposal) {
            return Err(VoteError::NotCurrent {
                given,
                current: self.proposal,
            });
        }
        if self.votes[seat].is_some() {
            return Err(VoteError::AlreadyVoted(self.proposal));
        }
        self.votes[seat] = Some(accept);
        if self.votes.iter().any(Option::is_none) {
            return Ok(None);
        }
        let adopted = self.votes.iter().all(|v| *v == Some(true)) && self.change.is_some();
        if adopted {
            self.draft = self.proposed().expect("a change");
            self.adopted_any = true;
        }
        self.proposal += 1;
        self.votes = vec![None; self.negotiators.len()];
        self.change = proposal_for(scenario, &self.draft, self.proposal);
        if self.proposal >= self.deadline_rounds {
            self.finished = Some(if self.adopted_any {
                Finish::Agreement(self.draft.clone())
            } else {
                Finish::Ended("deadline reached without a draft everyone accepted".into())
            });
        }
        Ok(Some(if adopted {
            Resolution::Adopted
        } else {
            Resolution::Vetoed
        }))
    }
}

/// Replays a single-text session's votes.
pub(crate) fn replay_text(
    session: &Session,
    entries: &[RecordEntry],
) -> Result<TextState, ApiError> {
    let sc = &session.scenario;
    let names = sc.negotiator_names();
    let mut state = TextState::new(sc, names.clone(), session.deadline_rounds);
    for entry in entries {
        let event: Event =
            serde_json::from_value(entry.event.clone()).map_err(ApiError::internal)?;
        if let Event::Vote {
            party,
            proposal,
            accept,
            ..
        } = event
        {
            let seat = names
                .iter()
                .position(|n| *n == party)
                .ok_or_else(|| ApiError::internal("vote by an unknown party"))?;
            state
                .vote(sc, seat, accept, Some(proposal))
                .map_err(|e| ApiError::internal(format!("stored log does not replay: {e}")))?;
        }
    }
    Ok(state)
}

/// The `Proposal` event announcing `state`'s current proposal.
pub(crate) fn proposal_event(scenario: &Scenario, state: &TextState) -> Option<Event> {
    let (i, v) = state.change?;
    let issue = &scenario.issues[i];
    Some(Event::Proposal {
        proposal: state.proposal,
        draft: package(scenario, &state.draft),
        change: [(issue.name.clone(), issue.value(v))].into_iter().collect(),
    })
}

/// Body of `POST /sessions/{id}/votes`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteRequest {
    /// Accept (`true`) or veto (`false`) the proposed change.
    pub accept: bool,
    /// The proposal voted on; when given it must be the current one.
    #[serde(default)]
    pub proposal: Option<u64>,
}

/// Answer to a vote (sent after it is committed): the vote's place in the
/// record, as every move's answer has, and the single text after it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct VoteResponse {
    /// Sequence number of the vote in the session's record.
    pub seq: u64,
    #[serde(flatten)]
    pub text: TextView,
}

/// The single text as one negotiator sees it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TextView {
    /// "open", "agreement" or "ended".
    pub status: String,
    /// The current proposal's number (= round, 0-based).
    pub proposal: u64,
    pub deadline_rounds: u64,
    #[schema(value_type = Object)]
    pub draft: Package,
    /// The one-issue change proposed (issue → new value).
    #[schema(value_type = Option<Object>)]
    pub change: Option<Package>,
    /// The draft with the change applied.
    #[schema(value_type = Option<Object>)]
    pub proposed_draft: Option<Package>,
    /// Negotiators who have voted on the current proposal (not how).
    pub voted: Vec<String>,
    /// The caller's vote on the current proposal, if cast.
    pub my_vote: Option<bool>,
    pub my_utility_draft: f64,
    pub my_utility_proposed: Option<f64>,
    /// What became of the proposal this vote completed: "adopted" or "vetoed".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub agreement: Option<Package>,
}

fn view(session: &Session, state: &TextState, seat: usize, party: usize) -> TextView {
    let sc = &session.scenario;
    let proposed = state.proposed();
    TextView {
        status: match &state.finished {
            None => "open",
            Some(Finish::Agreement(_)) => "agreement",
            Some(Finish::Ended(_)) => "ended",
        }
        .into(),
        proposal: state.proposal,
        deadline_rounds: state.deadline_rounds,
        draft: package(sc, &state.draft),
        change: proposal_event(sc, state).and_then(|e| match e {
            Event::Proposal { change, .. } => Some(change),
            _ => None,
        }),
        proposed_draft: proposed.as_ref().map(|o| package(sc, o)),
        voted: state
            .negotiators
            .iter()
            .zip(&state.votes)
            .filter(|(_, v)| v.is_some())
            .map(|(n, _)| n.clone())
            .collect(),
        my_vote: state.votes.get(seat).copied().flatten(),
        my_utility_draft: own_utility(sc, party, &state.draft),
        my_utility_proposed: proposed.as_ref().map(|o| own_utility(sc, party, o)),
        resolution: None,
        agreement: match &state.finished {
            Some(Finish::Agreement(o)) => Some(package(sc, o)),
            _ => None,
        },
    }
}

fn single_text_only(session: &Session) -> Result<(), ApiError> {
    if session.protocol != SINGLE_TEXT {
        return Err(ApiError::conflict(format!(
            "this session uses {:?}, not {SINGLE_TEXT:?}",
            session.protocol
        )));
    }
    Ok(())
}

#[utoipa::path(get, path = "/sessions/{id}/single_text", params(("id" = String, Path)), responses(
    (status = 200, body = TextView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("party_token" = [])))]
pub(crate) async fn get_text(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<TextView>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    single_text_only(&session)?;
    let mut conn = app.pool.acquire().await?;
    let entries = load_entries(&mut conn, &id).await?;
    let state = replay_text(&session, &entries)?;
    Ok(Json(view(&session, &state, seat.seat, seat.party)))
}

#[utoipa::path(post, path = "/sessions/{id}/votes", params(("id" = String, Path)), request_body = VoteRequest,
    responses(
    (status = 200, body = VoteResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("party_token" = [])))]
pub(crate) async fn post_vote(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<VoteRequest>, JsonRejection>,
) -> Result<Json<VoteResponse>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    single_text_only(&session)?;
    let req = json_body(body)?;
    let sc = &session.scenario;

    let guard = app.write_guard().await;
    let mut tx = app.pool.begin().await?;
    lock_session(&mut tx, &id).await?;
    let entries = load_entries(&mut tx, &id).await?;
    let mut state = replay_text(&session, &entries)?;
    let proposal = state.proposal;
    let resolution = state
        .vote(sc, seat.seat, req.accept, req.proposal)
        .map_err(|e| ApiError::conflict(e.to_string()))?;
    let last = entries
        .last()
        .ok_or_else(|| ApiError::internal("session without log"))?;
    let mut seq = last.seq + 1;
    let vote_seq = seq;
    let mut prev = append(
        &mut tx,
        &id,
        seq,
        &last.hash,
        &Event::Vote {
            party: seat.name.clone(),
            proposal,
            accept: req.accept,
            at_ms: now_ms(),
        },
    )
    .await?;
    let mut agreed = false;
    let mut published = vec![crate::live::Published::Vote {
        seq,
        round: proposal,
        party: seat.name.clone(),
    }];
    if resolution.is_some() {
        let next = match &state.finished {
            None => {
                let ev = proposal_event(sc, &state);
                if let Some(Event::Proposal {
                    proposal,
                    draft,
                    change,
                }) = &ev
                {
                    published.push(crate::live::Published::Proposal {
                        seq: seq + 1,
                        round: *proposal,
                        draft: draft.clone(),
                        change: change.clone(),
                    });
                }
                ev
            }
            Some(finish) => {
                published.push(match finish {
                    Finish::Agreement(o) => {
                        agreed = true;
                        crate::live::Published::Agreement {
                            seq: seq + 1,
                            round: proposal,
                            offer: o.clone(),
                        }
                    }
                    Finish::Ended(r) => crate::live::Published::Ended {
                        seq: seq + 1,
                        round: proposal,
                        reason: r.clone(),
                    },
                });
                Some(crate::protocol::finish_event(sc, finish, proposal))
            }
        };
        if let Some(ev) = next {
            seq += 1;
            prev = append(&mut tx, &id, seq, &prev, &ev).await?;
        }
    }
    let _ = prev;
    tx.commit().await?;
    drop(guard);
    // Live subscribers learn who voted (not how), the next proposal or the end.
    app.hub.publish(&id, published);
    if agreed {
        let _ = crate::mediation::ensure_certificate(&app, &session).await;
    }
    if resolution.is_some() && state.finished.is_none() {
        // Suggestions improve on the draft as it now stands.
        crate::live::auto_suggest(&app, &session, proposal, || {
            (session.scenario.clone(), Some(state.draft.clone()))
        })
        .await;
    }
    let mut out = view(&session, &state, seat.seat, seat.party);
    out.resolution = resolution.map(|r| {
        match r {
            Resolution::Adopted => "adopted",
            Resolution::Vetoed => "vetoed",
        }
        .into()
    });
    Ok(Json(VoteResponse {
        seq: vote_seq,
        text: out,
    }))
}

// ---------------------------------------------------------------- mediator trace

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
    let proposed = state.proposed().unwrap_or_else(|| state.draft.clone());
    let change = state.change.map(|(i, v)| {
        let issue = &scenario.issues[i];
        [(issue.name.clone(), issue.value(v))].into_iter().collect()
    });
    (
        TracedTextProposal {
            proposal: state.proposal,
            draft: package(scenario, &state.draft),
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
pub(crate) fn trace(
    session: &Session,
    entries: &[RecordEntry],
) -> Result<(TextTrace, TextState, Vec<Outcome>), ApiError> {
    let sc = &session.scenario;
    let names = sc.negotiator_names();
    let mut state = TextState::new(sc, names.clone(), session.deadline_rounds);
    let mut proposals = Vec::new();
    let mut drafts = Vec::new();
    if state.finished.is_none() {
        let (p, d) = traced_proposal(sc, &state);
        proposals.push(p);
        drafts.push(d);
    }
    for entry in entries {
        let event: Event =
            serde_json::from_value(entry.event.clone()).map_err(ApiError::internal)?;
        let Event::Vote {
            party,
            proposal,
            accept,
            ..
        } = event
        else {
            continue;
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
        proposals,
        draft: package(sc, &state.draft),
        agreement: match &state.finished {
            Some(Finish::Agreement(o)) => Some(package(sc, o)),
            _ => None,
        },
    };
    Ok((trace, state, drafts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        pactum_core::native::from_toml(
            "t",
            r#"
name = "t"
[[issues]]
name = "a"
options = ["x", "y", "z"]
[[issues]]
name = "b"
options = ["p", "q"]
[[parties]]
name = "A"
weights = { a = 0.5, b = 0.5 }
values.a = { x = 1.0, y = 0.5, z = 0.0 }
values.b = { p = 1.0, q = 0.0 }
[[parties]]
name = "B"
weights = { a = 0.5, b = 0.5 }
values.a = { x = 0.0, y = 0.5, z = 1.0 }
values.b = { p = 0.0, q = 1.0 }
"#,
        )
        .unwrap()
        .scenario
    }

    #[test]
    fn proposals_cycle_through_one_issue_changes() {
        let sc = scenario();
        let draft = initial_draft(&sc);
        assert_eq!(draft, vec![1, 0]);
        let all: Vec<_> = (0..4).map(|n| proposal_for(&sc, &draft, n)).collect();
        assert_eq!(
            all,
            vec![Some((0, 0)), Some((0, 2)), Some((1, 1)), Some((0, 0))]
        );
    }

    #[test]
    fn change_adopted_only_when_all_accept_and_deadline_ends() {
        let sc = scenario();
        let mut s = TextState::new(&sc, vec!["A".into(), "B".into()], 3);
        // Proposal 0: a = x. A accepts, B vetoes: dropped.
        assert_eq!(s.vote(&sc, 0, true, Some(0)), Ok(None));
        assert_eq!(s.vote(&sc, 0, true, None), Err(VoteError::AlreadyVoted(0)));
        assert_eq!(s.vote(&sc, 1, false, None), Ok(Some(Resolution::Vetoed)));
        assert_eq!(s.draft, vec![1, 0]);
        assert_eq!(s.proposal, 1);
        assert_eq!(
            s.vote(&sc, 1, true, Some(0)),
            Err(VoteError::NotCurrent {
                given: 0,
                current: 1
            })
        );
        // Proposal 1: a = z. Both accept: adopted.
        assert_eq!(s.change, Some((0, 2)));
        s.vote(&sc, 1, true, None).unwrap();
        assert_eq!(s.vote(&sc, 0, true, None), Ok(Some(Resolution::Adopted)));
        assert_eq!(s.draft, vec![2, 0]);
        // Proposal 2 (last): vetoed; the adopted draft is the agreement.
        s.vote(&sc, 0, false, None).unwrap();
        assert_eq!(s.vote(&sc, 1, true, None), Ok(Some(Resolution::Vetoed)));
        assert_eq!(s.finished, Some(Finish::Agreement(vec![2, 0])));
        assert_eq!(s.vote(&sc, 0, true, None), Err(VoteError::Finished));
    }

    #[test]
    fn no_adopted_change_ends_without_agreement() {
        let sc = scenario();
        let mut s = TextState::new(&sc, vec!["A".into(), "B".into()], 1);
        s.vote(&sc, 0, true, None).unwrap();
        s.vote(&sc, 1, false, None).unwrap();
        assert!(matches!(s.finished, Some(Finish::Ended(_))));
    }
}
