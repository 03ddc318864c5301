//! The mediated single negotiating text (protocol `"single_text"`), as the
//! server plays it: a thin adapter over the engine's single text
//! (`pactum_protocol::single_text`), which holds the rules, with the
//! session's mediator (`crate::mediators`: draft-and-vote by default, veto,
//! hill-climbing or packages).
//!
//! The server, as a neutral mediator, holds a draft package and proposes
//! one package at a time. Every negotiator votes on the proposal (accept or
//! veto, `POST /sessions/{id}/votes`), in any order, once per proposal. When
//! all have voted the proposal is adopted if everyone accepted and dropped
//! otherwise, and the next proposal follows. A draft that resulted from an
//! adopted proposal has been accepted by everyone. A vote to accept a
//! package below the voter's reservation value or over one of its red lines
//! is refused (422, to the voter alone).
//!
//! * draft-and-vote uses nobody's utilities: the first draft takes the
//!   middle value of every issue, and the proposals cycle deterministically
//!   through every one-issue change of the current draft (issue by issue,
//!   value by value), so anyone can replay them from the record;
//! * veto and hill-climbing draw whole packages, or one-issue changes of
//!   the draft, from the seed the record carries;
//! * packages proposes complete packages better for everyone from the
//!   locked preferences ([`Tables`]): its first proposal waits until every
//!   negotiator has locked its preferences ([`TextState::lock`],
//!   [`TextState::start`]; votes are refused until then, naming who has
//!   not), and it stops when nothing is left to propose, saying why
//!   ([`TextState::stop`], the record's `stopped` event) and ending the
//!   negotiation with the standing draft when everyone accepted one.
//!
//! Each proposal is one round; after `deadline_rounds` proposals the
//! session ends, with the current draft as the agreement if any proposal
//! was adopted (it is then the last draft everyone accepted) and without
//! agreement otherwise.
//!
//! A session may also have a wall-clock time limit ([`TimeLimit`]): the
//! first vote after it finds the negotiation over ([`TextState::expire`],
//! the engine's clock fed the time since the creation), and it ends as at
//! the round deadline (the last draft everyone accepted stands), with
//! "time limit reached" as the reason when there is none.

use pactum_core::{Outcome, Scenario};
use pactum_protocol::single_text::{self, Mediator, SingleText, Stop, Vote};
use pactum_protocol::{
    AcceptAll, Acceptability, Context, Deadline, End, Protocol, Rejection, SetupError,
};

use crate::event::Event;
use crate::mediators::{Tables, TextMediator, TextSpace, space_of};
use crate::offers::{package, pairs_package};
use crate::protocol::{RecordedEnd, TIME_LIMIT_REACHED, TimeLimit, finish_event, limit_text};

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
    /// The packages mediator has not proposed yet: some negotiators have not
    /// locked their preferences.
    #[error(
        "the packages mediator makes its first proposal once every negotiator's preferences are locked (POST /sessions/{{id}}/preferences/lock); not locked yet: {}",
        .0.join(", ")
    )]
    WaitingForLocks(Vec<String>),
    #[error("{0}")]
    Refused(String),
}

/// What became of a proposal once everyone voted.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    Adopted,
    Vetoed,
}

/// Why the packages mediator stopped, in the words the parties read.
pub fn stop_text(stop: Stop) -> String {
    let (text, exhaustive) = match stop {
        Stop::Frontier { exhaustive } => (
            "the mediator found no package better for everyone: this draft is on the frontier",
            exhaustive,
        ),
        Stop::Vetoed { exhaustive } => (
            "every package the mediator found better for everyone than the draft was vetoed",
            exhaustive,
        ),
        Stop::NoAcceptablePackage { exhaustive } => (
            "no package every party may accept (and not vetoed): the mediator has nothing to propose",
            exhaustive,
        ),
    };
    if exhaustive {
        text.to_string()
    } else {
        format!("{text} (among the packages its bounded search examined)")
    }
}

/// The record's name of a stop (`stopped.reason`).
pub fn stop_kind(stop: Stop) -> &'static str {
    match stop {
        Stop::Frontier { .. } => "frontier",
        Stop::Vetoed { .. } => "vetoed",
        Stop::NoAcceptablePackage { .. } => "no_acceptable_package",
    }
}

fn stop_exhaustive(stop: Stop) -> bool {
    match stop {
        Stop::Frontier { exhaustive }
        | Stop::Vetoed { exhaustive }
        | Stop::NoAcceptablePackage { exhaustive } => exhaustive,
    }
}

/// The state of a single-text session, rebuilt from its votes: the
/// engine's state and, kept in step with it after every vote, its views.
#[derive(Debug, Clone)]
pub struct TextState {
    pub negotiators: Vec<String>,
    pub deadline_rounds: u64,
    /// The session's mediator.
    pub mediator: TextMediator,
    /// The current draft (none before the veto and hill-climbing mediators
    /// adopt one, or before the packages mediator's first adoption).
    pub draft: Option<Outcome>,
    /// Number of the current proposal (0-based; also the round).
    pub proposal: u64,
    /// The one-issue change proposed, when the proposal is one: (issue
    /// index, value index). Draft-and-vote: `None` when the scenario
    /// offers no change at all.
    pub change: Option<(usize, u32)>,
    pub votes: Vec<Option<bool>>,
    /// Whether some proposal has been adopted.
    pub adopted_any: bool,
    pub finished: Option<RecordedEnd>,
    /// Why the packages mediator stopped, once it has.
    pub stop: Option<Stop>,
    /// The wall-clock time limit, if the session has one.
    pub time_limit: Option<TimeLimit>,
    /// The packages mediator, before its start: whose preferences are locked.
    locked: Vec<bool>,
    space: TextSpace,
    deadline: Deadline,
    /// The engine; `Ok(None)` while the packages mediator waits for locks.
    engine: Result<Option<SingleText<Outcome>>, SetupError>,
    /// The packages mediator's tables of the locked preferences.
    tables: Option<Tables>,
}

/// The first draft: the middle value of every issue.
pub fn initial_draft(scenario: &Scenario) -> Outcome {
    scenario
        .issues()
        .iter()
        .map(|i| ((i.cardinality().saturating_sub(1)) / 2) as u32)
        .collect()
}

/// The `n`-th one-issue change of `draft`, cycling through every issue and
/// every other value of it (the engine's `nth_change`).
pub fn proposal_for(scenario: &Scenario, draft: &[u32], n: u64) -> Option<(usize, u32)> {
    single_text::nth_change(&space_of(scenario), &draft.to_vec(), n)
}

fn is_dav(m: TextMediator) -> bool {
    m.mediator == Mediator::DraftAndVote
}

impl TextState {
    /// A draft-and-vote single text (the default mediator).
    pub fn new(scenario: &Scenario, negotiators: Vec<String>, deadline_rounds: u64) -> Self {
        Self::with_mediator(
            scenario,
            negotiators,
            deadline_rounds,
            TextMediator::DRAFT_AND_VOTE,
        )
    }

    /// A single text with `mediator`. The packages mediator waits for every
    /// negotiator's lock ([`TextState::lock`], [`TextState::start`]).
    pub fn with_mediator(
        scenario: &Scenario,
        negotiators: Vec<String>,
        deadline_rounds: u64,
        mediator: TextMediator,
    ) -> Self {
        let space = space_of(scenario);
        let n = negotiators.len();
        let deadline = Deadline::steps(usize::try_from(deadline_rounds).unwrap_or(usize::MAX));
        let engine = if usize::try_from(deadline_rounds).is_err() {
            Err(SetupError::TooFewSeats { seats: 0 })
        } else if mediator.mediator == Mediator::Packages {
            Ok(None)
        } else {
            SingleText::new(&space, n, &deadline, mediator.mediator, mediator.seed).map(Some)
        };
        let mut state = TextState {
            negotiators,
            deadline_rounds,
            mediator,
            draft: None,
            proposal: 0,
            change: None,
            votes: vec![None; n],
            adopted_any: false,
            finished: None,
            stop: None,
            time_limit: None,
            locked: vec![false; n],
            space,
            deadline,
            engine,
            tables: None,
        };
        if is_dav(mediator) {
            let draft = initial_draft(scenario);
            state.change = proposal_for(scenario, &draft, 0);
            state.draft = Some(draft);
        } else {
            state.sync(None);
        }
        state
    }

    /// The single text a record's `created` event opens: its mediator (and
    /// seed) and time limit; an unknown mediator or a limit no session can
    /// have is an error naming the field.
    pub fn of_created(
        scenario: &Scenario,
        negotiators: Vec<String>,
        created: &Event,
    ) -> Result<Self, String> {
        let Event::Created {
            deadline_rounds,
            mediator,
            mediator_seed,
            ..
        } = created
        else {
            return Err("the record does not start with the session's creation".into());
        };
        let limit = TimeLimit::of_created(created).map_err(|e| e.to_string())?;
        let mediator = TextMediator::of_created(mediator.as_deref(), *mediator_seed)?;
        Ok(
            Self::with_mediator(scenario, negotiators, *deadline_rounds, mediator)
                .with_time_limit(limit),
        )
    }

    /// Records that `party` locked its preferences: true when this lock
    /// completed the packages mediator's wait and started it on the locked
    /// preferences `scenario` holds (its first proposal is then in place,
    /// or the negotiation is over).
    pub fn locked_by(&mut self, scenario: &Scenario, party: &str) -> Result<bool, String> {
        let Some(seat) = self.negotiators.iter().position(|n| n == party) else {
            return Err(format!("{party:?} is not a negotiator of this session"));
        };
        if !self.lock(seat) {
            return Ok(false);
        }
        self.start(scenario)?;
        Ok(true)
    }

    /// The session's wall-clock time limit (none by default).
    pub fn with_time_limit(mut self, limit: Option<TimeLimit>) -> Self {
        self.time_limit = limit;
        self
    }

    /// The packages mediator, before its first proposal: the negotiators
    /// whose preferences are not locked yet (empty otherwise).
    pub fn waiting_for(&self) -> Vec<String> {
        if !matches!(self.engine, Ok(None)) {
            return Vec::new();
        }
        self.negotiators
            .iter()
            .zip(&self.locked)
            .filter(|(_, l)| !**l)
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// Whether the mediator is waiting for locks before its first proposal.
    pub fn waiting(&self) -> bool {
        matches!(self.engine, Ok(None))
    }

    /// Records that `seat` locked its preferences; true when this completes
    /// the locks the packages mediator waits for (then call
    /// [`TextState::start`]).
    pub fn lock(&mut self, seat: usize) -> bool {
        if !self.waiting() || self.finished.is_some() {
            return false;
        }
        let Some(l) = self.locked.get_mut(seat) else {
            return false;
        };
        let was = *l;
        *l = true;
        !was && self.locked.iter().all(|l| *l)
    }

    /// Starts the packages mediator on the locked preferences of `scenario`
    /// (the session's scenario with every party's own edits): its first
    /// proposal is then in place, or, when no package is acceptable to
    /// every party, the negotiation is over ([`TextState::stop`]).
    pub fn start(&mut self, scenario: &Scenario) -> Result<(), String> {
        if !self.waiting() {
            return Err("the mediator has already started".into());
        }
        let tables = Tables::new(scenario).map_err(|e| e.to_string())?;
        let ctx = Context::with_utilities(&self.space, &tables, &tables);
        let engine = SingleText::start(
            &ctx,
            self.negotiators.len(),
            &self.deadline,
            Mediator::Packages,
            0,
        )
        .map_err(|e| e.to_string())?;
        let end = engine.end().cloned();
        self.engine = Ok(Some(engine));
        self.tables = Some(tables);
        self.sync(end.as_ref());
        Ok(())
    }

    /// Ends the negotiation if its wall-clock time limit had passed at
    /// `now_ms` (the engine's clock, fed the time since the session's
    /// creation); returns the end if this call ended it. The proposal being
    /// voted on lapses; the last draft everyone accepted, if any, is the
    /// agreement. Replaying a recorded expiry calls it with the recorded
    /// time, and reaches the same state. The packages mediator still
    /// waiting for locks ends without agreement.
    pub fn expire(&mut self, now_ms: i64) -> Option<RecordedEnd> {
        let limit = self.time_limit?;
        if self.finished.is_some() {
            return None;
        }
        let events = match self.engine.as_mut().ok()? {
            Some(engine) => engine.expire(&limit.clock(now_ms))?,
            None => {
                if !limit.passed(now_ms) {
                    return None;
                }
                let finish = RecordedEnd::Ended(format!(
                    "{TIME_LIMIT_REACHED} before every negotiator's preferences were locked"
                ));
                self.finished = Some(finish.clone());
                return Some(finish);
            }
        };
        let end = events.iter().find_map(|e| match e {
            single_text::Event::Over { end, .. } => Some(end.clone()),
            _ => None,
        })?;
        let engine = self.engine.as_ref().ok()?.as_ref()?;
        if let Some(d) = engine.draft() {
            self.draft = Some(d.clone());
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

    /// The package proposed as the next draft, while one is.
    pub fn proposed(&self) -> Option<Outcome> {
        if is_dav(self.mediator) {
            return self.change.and_then(|(i, v)| {
                let mut d = self.draft.clone()?;
                d[i] = v;
                Some(d)
            });
        }
        if self.finished.is_some() {
            return None;
        }
        let engine = self.engine.as_ref().ok()?.as_ref()?;
        Some(engine.proposal().outcome.clone())
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
    /// voter's `limits`. The packages mediator's engine consults its own
    /// tables of the locked preferences (the same in every replay).
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
        let waiting = self.waiting_for();
        let engine = match self.engine.as_mut() {
            Err(e) => return Err(VoteError::Refused(e.to_string())),
            Ok(None) => return Err(VoteError::WaitingForLocks(waiting)),
            Ok(Some(engine)) => engine,
        };
        let refused = |r: Rejection| match r {
            Rejection::Over => VoteError::Finished,
            Rejection::AlreadyVoted { proposal } => VoteError::AlreadyVoted(proposal),
            Rejection::NotCurrent { given, current } => VoteError::NotCurrent { given, current },
            other => VoteError::Refused(other.to_string()),
        };
        let vote = |accept| Vote {
            accept,
            proposal: expected,
        };
        // The engine would count such a vote as a veto; the server refuses
        // it, so that the voter knows (after the engine's own checks).
        let is_change = !is_dav(self.mediator) || self.change.is_some();
        let events = match &self.tables {
            Some(tables) => {
                let ctx = Context::with_utilities(&self.space, tables, tables);
                if accept {
                    engine
                        .clone()
                        .apply(seat, vote(false), &ctx)
                        .map_err(refused)?;
                    limits
                        .may_accept(seat, &engine.proposal().outcome)
                        .map_err(|u| VoteError::BeyondLimits(limit_text(&u)))?;
                }
                engine.apply(seat, vote(accept), &ctx).map_err(refused)?
            }
            None => {
                if accept {
                    let probe = Context::new(&self.space, &AcceptAll);
                    engine
                        .clone()
                        .apply(seat, vote(false), &probe)
                        .map_err(refused)?;
                    if is_change {
                        limits
                            .may_accept(seat, &engine.proposal().outcome)
                            .map_err(|u| VoteError::BeyondLimits(limit_text(&u)))?;
                    }
                }
                engine
                    .apply(seat, vote(accept), &Context::new(&self.space, limits))
                    .map_err(refused)?
            }
        };
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
        let Ok(Some(e)) = &self.engine else { return };
        if let Some(d) = e.draft() {
            self.draft = Some(d.clone());
        }
        self.adopted_any = e.accepted_draft().is_some();
        self.stop = e.stop();
        match end {
            None => {
                self.proposal = e.proposal().number;
                self.change = e.proposal().change;
                self.votes = (0..self.negotiators.len()).map(|s| e.vote_of(s)).collect();
            }
            Some(end) => {
                self.proposal = e.proposal().number + 1;
                self.change = match (&self.draft, is_dav(self.mediator)) {
                    (Some(d), true) => single_text::nth_change(&self.space, d, self.proposal),
                    _ => None,
                };
                self.votes = vec![None; self.negotiators.len()];
                self.finished = Some(match (end.agreement(), self.stop) {
                    (Some(a), _) => RecordedEnd::Agreement(a.outcome.clone()),
                    (None, Some(stop)) => RecordedEnd::Ended(stop_text(stop)),
                    (None, None) => RecordedEnd::Ended(
                        "deadline reached without a draft everyone accepted".into(),
                    ),
                });
            }
        }
    }
}

/// The `Proposal` event announcing `state`'s current proposal: its
/// `draft` (empty before there is one) and its `change`, the issues the
/// proposal sets to other values than the draft's (every issue while there
/// is no draft). Draft-and-vote announces only its one-issue changes.
pub fn proposal_event(scenario: &Scenario, state: &TextState) -> Option<Event> {
    if is_dav(state.mediator) {
        let (i, v) = state.change?;
        let issue = &scenario.issues()[i];
        return Some(Event::Proposal {
            proposal: state.proposal,
            draft: package(scenario, state.draft.as_ref()?),
            change: [(issue.name.clone(), issue.value(v))].into_iter().collect(),
        });
    }
    let proposed = state.proposed()?;
    let changed: Vec<(usize, u32)> = proposed
        .iter()
        .enumerate()
        .filter(|(i, v)| state.draft.as_ref().is_none_or(|d| d[*i] != **v))
        .map(|(i, v)| (i, *v))
        .collect();
    Some(Event::Proposal {
        proposal: state.proposal,
        draft: state
            .draft
            .as_ref()
            .map(|d| package(scenario, d))
            .unwrap_or_default(),
        change: pairs_package(scenario, &changed),
    })
}

/// The events the server appends once `state` moved on in round `round`
/// (a proposal resolved, the packages mediator started, or the time limit
/// passed): the next proposal, or — when the negotiation is over — why the
/// packages mediator stopped, if it did, then the agreement or the end.
pub fn text_events(scenario: &Scenario, state: &TextState, round: u64) -> Vec<Event> {
    match &state.finished {
        None => proposal_event(scenario, state).into_iter().collect(),
        Some(finish) => state
            .stop
            .map(|stop| Event::Stopped {
                proposal: round,
                reason: stop_kind(stop).to_string(),
                exhaustive: stop_exhaustive(stop),
            })
            .into_iter()
            .chain([finish_event(scenario, finish, round)])
            .collect(),
    }
}
