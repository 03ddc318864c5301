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

use pactum_core::{Outcome, Scenario};

use crate::event::Event;
use crate::offers::package;
use crate::protocol::Finish;

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

/// The `Proposal` event announcing `state`'s current proposal.
pub fn proposal_event(scenario: &Scenario, state: &TextState) -> Option<Event> {
    let (i, v) = state.change?;
    let issue = &scenario.issues[i];
    Some(Event::Proposal {
        proposal: state.proposal,
        draft: package(scenario, &state.draft),
        change: [(issue.name.clone(), issue.value(v))].into_iter().collect(),
    })
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
