//! The mediated single negotiating text (protocol `"single_text"`), as the
//! server plays it: a thin adapter over the engine's draft-and-vote
//! mediator (`pactum_protocol::single_text`, [`Mediator::DraftAndVote`]),
//! which holds the rules.
//!
//! The server, as a neutral mediator, holds a draft package and proposes one
//! change at a time: one issue set to another value. Every negotiator votes
//! on the proposed change (accept or veto, `POST /sessions/{id}/votes`), in
//! any order, once per proposal. When all have voted the change is adopted
//! if everyone accepted and dropped otherwise, and the next proposal follows.
//! A draft that resulted from an adopted change has been accepted by
//! everyone. A vote to accept a package below the voter's reservation value
//! or over one of its red lines is refused (422, to the voter alone).
//!
//! The mediator uses nobody's private utilities: the first draft takes the
//! middle value of every issue, and the proposals cycle deterministically
//! through every one-issue change of the current draft (issue by issue,
//! value by value), so anyone can replay them from the record. Each proposal
//! is one round; after `deadline_rounds` proposals the session ends, with
//! the current draft as the agreement if any change was adopted (it is then
//! the last draft everyone accepted) and without agreement otherwise.
//!
//! A session may also have a wall-clock time limit ([`TimeLimit`]): the
//! first vote after it finds the negotiation over ([`TextState::expire`],
//! the engine's clock fed the time since the creation), and it ends as at
//! the round deadline (the last draft everyone accepted stands), with
//! "time limit reached" as the reason when there is none.

use pactum_core::{Outcome, Scenario};
use pactum_protocol::single_text::{self, Mediator, SingleText, Vote};
use pactum_protocol::{
    AcceptAll, Acceptability, Context, Deadline, End, Packages, Protocol, Rejection, SetupError,
};

use crate::error::ApiError;
use crate::event::Event;
use crate::offers::package;
use crate::protocol::{RecordedEnd, TIME_LIMIT_REACHED, TimeLimit, limit_text};

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
    /// Accepting a package beyond the voter's own limits.
    #[error("you cannot accept this package: {0}")]
    BeyondLimits(String),
    #[error("{0}")]
    Refused(String),
}

impl From<VoteError> for ApiError {
    /// A vote beyond one's limits is unprocessable (422); every other
    /// refusal conflicts with the session's state (409).
    fn from(e: VoteError) -> Self {
        match e {
            VoteError::BeyondLimits(_) => ApiError::unprocessable(e.to_string()),
            _ => ApiError::conflict(e.to_string()),
        }
    }
}

/// What became of a proposal once everyone voted.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    Adopted,
    Vetoed,
}

/// The state of a single-text session, rebuilt from its votes: the
/// engine's state and, kept in step with it after every vote, its views.
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
    pub finished: Option<RecordedEnd>,
    /// The wall-clock time limit, if the session has one.
    pub time_limit: Option<TimeLimit>,
    space: Packages,
    engine: Result<SingleText<Outcome>, SetupError>,
}

/// The first draft: the middle value of every issue.
pub fn initial_draft(scenario: &Scenario) -> Outcome {
    scenario
        .issues()
        .iter()
        .map(|i| ((i.cardinality().saturating_sub(1)) / 2) as u32)
        .collect()
}

/// The scenario's space as the engine sees it.
fn space_of(scenario: &Scenario) -> Packages {
    Packages::new(
        scenario
            .issues()
            .iter()
            .map(|i| u32::try_from(i.cardinality()).unwrap_or(u32::MAX))
            .collect(),
    )
}

/// The `n`-th one-issue change of `draft`, cycling through every issue and
/// every other value of it (the engine's `nth_change`).
pub fn proposal_for(scenario: &Scenario, draft: &[u32], n: u64) -> Option<(usize, u32)> {
    single_text::nth_change(&space_of(scenario), &draft.to_vec(), n)
}

impl TextState {
    pub fn new(scenario: &Scenario, negotiators: Vec<String>, deadline_rounds: u64) -> Self {
        let space = space_of(scenario);
        let n = negotiators.len();
        let engine = usize::try_from(deadline_rounds)
            .map_err(|_| SetupError::TooFewSeats { seats: 0 })
            .and_then(|d| {
                SingleText::new(&space, n, &Deadline::steps(d), Mediator::DraftAndVote, 0)
            });
        let draft = initial_draft(scenario);
        let change = proposal_for(scenario, &draft, 0);
        TextState {
            negotiators,
            deadline_rounds,
            draft,
            proposal: 0,
            change,
            votes: vec![None; n],
            adopted_any: false,
            finished: None,
            time_limit: None,
            space,
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
    /// creation); returns the end if this call ended it. The proposal being
    /// voted on lapses; the last draft everyone accepted, if any, is the
    /// agreement. Replaying a recorded expiry calls it with the recorded
    /// time, and reaches the same state.
    pub fn expire(&mut self, now_ms: i64) -> Option<RecordedEnd> {
        let limit = self.time_limit?;
        if self.finished.is_some() {
            return None;
        }
        let engine = self.engine.as_mut().ok()?;
        let events = engine.expire(&limit.clock(now_ms))?;
        let end = events.iter().find_map(|e| match e {
            single_text::Event::Over { end, .. } => Some(end.clone()),
            _ => None,
        })?;
        if let Some(d) = engine.draft() {
            self.draft = d.clone();
        }
        self.adopted_any = engine.accepted_draft().is_some();
        self.votes = vec![None; self.negotiators.len()];
        let finish = match end.agreement() {
            Some(a) => RecordedEnd::Agreement(a.outcome.clone()),
            None => RecordedEnd::Ended(format!(
                "{TIME_LIMIT_REACHED} without a draft everyone accepted"
            )),
        };
        self.finished = Some(finish.clone());
        Some(finish)
    }

    /// The draft with the proposed change applied.
    pub fn proposed(&self) -> Option<Outcome> {
        self.change.map(|(i, v)| {
            let mut d = self.draft.clone();
            d[i] = v;
            d
        })
    }

    /// Records `seat`'s vote on the current proposal as recorded (the
    /// voter's limits were checked when it was cast); `expected`, when
    /// given, must be its number. Returns the resolution once everyone
    /// voted, after which the next proposal (or the end) is in place.
    pub fn vote(
        &mut self,
        _scenario: &Scenario,
        seat: usize,
        accept: bool,
        expected: Option<u64>,
    ) -> Result<Option<Resolution>, VoteError> {
        self.vote_within(seat, accept, expected, &AcceptAll)
    }

    /// [`TextState::vote`], refusing a yes-vote for a package beyond the
    /// voter's `limits`.
    pub fn vote_within<A: Acceptability<Outcome>>(
        &mut self,
        seat: usize,
        accept: bool,
        expected: Option<u64>,
        limits: &A,
    ) -> Result<Option<Resolution>, VoteError> {
        if self.finished.is_some() {
            return Err(VoteError::Finished);
        }
        let engine = self
            .engine
            .as_mut()
            .map_err(|e| VoteError::Refused(e.to_string()))?;
        let refused = |r: Rejection| match r {
            Rejection::Over => VoteError::Finished,
            Rejection::AlreadyVoted { proposal } => VoteError::AlreadyVoted(proposal),
            Rejection::NotCurrent { given, current } => VoteError::NotCurrent { given, current },
            other => VoteError::Refused(other.to_string()),
        };
        // The engine would count such a vote as a veto; the server refuses
        // it, so that the voter knows (after the engine's own checks).
        if accept {
            let mut probe = engine.clone();
            probe
                .apply(
                    seat,
                    Vote {
                        accept: false,
                        proposal: expected,
                    },
                    &Context::new(&self.space, &AcceptAll),
                )
                .map_err(refused)?;
            if self.change.is_some() {
                let outcome = engine.proposal().outcome.clone();
                limits
                    .may_accept(seat, &outcome)
                    .map_err(|u| VoteError::BeyondLimits(limit_text(&u)))?;
            }
        }
        let events = engine
            .apply(
                seat,
                Vote {
                    accept,
                    proposal: expected,
                },
                &Context::new(&self.space, limits),
            )
            .map_err(refused)?;
        let mut resolution = None;
        let mut end = None;
        for e in events.iter() {
            match e {
                single_text::Event::Adopted { .. } => resolution = Some(Resolution::Adopted),
                single_text::Event::Vetoed { .. } => resolution = Some(Resolution::Vetoed),
                single_text::Event::Over { end: e, .. } => end = Some(e.clone()),
                _ => {}
            }
        }
        self.sync(end.as_deref());
        Ok(resolution)
    }

    /// Copies the engine's state into the public views (after its `end`,
    /// the proposal number is the deadline's, as the server counts).
    fn sync(&mut self, end: Option<&End<Outcome>>) {
        let Ok(e) = &self.engine else { return };
        if let Some(d) = e.draft() {
            self.draft = d.clone();
        }
        self.adopted_any = e.accepted_draft().is_some();
        match end {
            None => {
                self.proposal = e.proposal().number;
                self.change = e.proposal().change;
                self.votes = (0..self.negotiators.len()).map(|s| e.vote_of(s)).collect();
            }
            Some(end) => {
                self.proposal = e.proposal().number + 1;
                self.change = single_text::nth_change(&self.space, &self.draft, self.proposal);
                self.votes = vec![None; self.negotiators.len()];
                self.finished = Some(match end.agreement() {
                    Some(a) => RecordedEnd::Agreement(a.outcome.clone()),
                    None => RecordedEnd::Ended(
                        "deadline reached without a draft everyone accepted".into(),
                    ),
                });
            }
        }
    }
}

/// The `Proposal` event announcing `state`'s current proposal.
pub fn proposal_event(scenario: &Scenario, state: &TextState) -> Option<Event> {
    let (i, v) = state.change?;
    let issue = &scenario.issues()[i];
    Some(Event::Proposal {
        proposal: state.proposal,
        draft: package(scenario, &state.draft),
        change: [(issue.name.clone(), issue.value(v))].into_iter().collect(),
    })
}
