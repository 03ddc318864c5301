//! The mediated single negotiating text (Raiffa; Klein et al. 2003), the
//! simulator's `single-text` and the live server's `single_text`.
//!
//! Rules:
//! * a mediator holds a draft and proposes one package at a time; every
//!   seat votes on it — accept or veto — in any order, once per proposal;
//! * a vote to accept a package the voter may not accept (reservation
//!   value, red lines) counts as a veto;
//! * when everyone has voted, the proposal is adopted (it becomes the
//!   draft, which everyone has then accepted) if nobody vetoed it, and
//!   vetoed otherwise; the next proposal follows at once;
//! * each proposal is one round; when the rounds are used up (or the
//!   wall-clock deadline passes) the last draft everyone accepted stands
//!   as the agreement, binding every seat; without one, there is none;
//! * the veto, hill-climbing and draft-and-vote mediators never see
//!   utilities, only votes. Their proposals:
//!   - [`Mediator::Veto`]: a whole package drawn uniformly at random — a
//!     global search any party can block;
//!   - [`Mediator::HillClimbing`]: one issue of the draft (among those with
//!     more than one value) set to another value, both drawn at random; a
//!     random package while there is no draft;
//!   - [`Mediator::DraftAndVote`] (the live server's): the first draft
//!     takes the middle value of every issue (not yet accepted by anyone),
//!     and proposal n is the n-th one-issue change of the current draft,
//!     cycling issue by issue, value by value (skipping the draft's own
//!     value), so anyone can replay them; a scenario with no change at
//!     all proposes the draft itself, which is never adopted;
//! * [`Mediator::Packages`] trades across issues: it proposes complete
//!   packages from the parties' locked utilities ([`Utilities`](crate::limits::Utilities), given in
//!   the [`Context`]), which it never reveals. Its first draft is the
//!   middle draft when every party may accept it, else an acceptable
//!   package near it; each later proposal is no worse for any party than
//!   the draft and better for one at least — better for every party
//!   whenever the search finds such a package — toward the Nash package
//!   (the search's rules: [`packages`]). A vetoed package is never proposed
//!   again; after a veto the next-best one follows. When nothing is left to
//!   propose it says why ([`Event::Stopped`], [`Stop`]) and ends the
//!   negotiation: with the standing draft as the agreement when everyone
//!   accepted one — on the frontier ([`Stop::Frontier`]), no package is
//!   better for everyone than it — and without agreement otherwise. When
//!   no package is acceptable to everyone it starts already over.
//!
//! The draws of the veto and hill-climbing mediators come from a ChaCha8
//! generator seeded by the caller, one draw sequence per proposal, so a
//! simulation stays byte-identical for a seed; the packages mediator draws
//! nothing, and its search is deterministic and bounded (at most
//! [`packages::DEFAULT_BUDGET`] packages examined per proposal, or the
//! budget given to [`SingleText::start_with_budget`]).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::clock::Deadline;
use crate::end::{Agreement, End, Events};
use crate::limits::{Acceptability, Seat};
use crate::protocol::{Context, Input, Protocol};
use crate::rejection::{Rejection, SetupError};
use crate::space::Space;

pub mod packages;
mod vocabulary;

pub use packages::{DEFAULT_BUDGET, GAIN_TOLERANCE};
use packages::{Found, Search};
pub use vocabulary::{Event, Mediator, Proposal, Stop, Vote};

/// The state of a single-text negotiation.
#[derive(Debug, Clone, PartialEq)]
pub struct SingleText<O> {
    mediator: Mediator,
    rng: ChaCha8Rng,
    max_rounds: Option<usize>,
    /// The current draft (none yet for the veto and hill-climbing
    /// mediators before an adoption).
    draft: Option<O>,
    /// Whether the draft has been accepted by everyone.
    adopted: bool,
    current: Proposal<O>,
    /// Proposals resolved (adopted or vetoed).
    resolved: u64,
    /// Votes as cast on the current proposal.
    cast: Vec<Option<bool>>,
    /// Whether each cast vote counted as an acceptance.
    counted: Vec<bool>,
    /// Packages vetoed (the packages mediator never proposes them again).
    vetoed: Vec<O>,
    /// Packages examined per proposal, at most (the packages mediator).
    budget: usize,
    /// Why the packages mediator stopped, once it has.
    stop: Option<Stop>,
    end: Option<End<O>>,
}

/// The `n`-th one-issue change of `draft`, cycling through every issue and
/// every other value of it; `None` when no issue has two values.
pub fn nth_change<S: Space>(space: &S, draft: &S::Outcome, n: u64) -> Option<(usize, u32)> {
    let total: u64 = (0..space.issues())
        .map(|i| space.cardinality(i).saturating_sub(1) as u64)
        .sum();
    if total == 0 {
        return None;
    }
    let mut k = n % total;
    for i in 0..space.issues() {
        let others = space.cardinality(i).saturating_sub(1) as u64;
        if k < others {
            let v = k as u32;
            let own = space.value(draft, i);
            return Some((i, if v >= own { v + 1 } else { v }));
        }
        k -= others;
    }
    None
}

impl<O: Clone + PartialEq + std::fmt::Debug> SingleText<O> {
    /// A negotiation among `seats` seats under `deadline`, with the given
    /// mediator drawing from `seed` (draft-and-vote draws nothing). The
    /// first proposal is made at once. The packages mediator needs the
    /// parties' utilities: start it with [`SingleText::start`].
    pub fn new<S: Space<Outcome = O>>(
        space: &S,
        seats: usize,
        deadline: &Deadline,
        mediator: Mediator,
        seed: u64,
    ) -> Result<Self, SetupError> {
        if mediator == Mediator::Packages {
            return Err(SetupError::NeedsUtilities {
                mediator: mediator.name(),
            });
        }
        Self::setup::<S, crate::limits::AcceptAll>(
            space,
            seats,
            deadline,
            mediator,
            seed,
            None,
            DEFAULT_BUDGET,
        )
    }

    /// A negotiation as [`SingleText::new`] makes it, for any mediator: the
    /// packages mediator takes the utilities (and limits) of `ctx`, which
    /// every later move must give again. When no package is acceptable to
    /// every party, the packages mediator's negotiation is over at once,
    /// without agreement ([`SingleText::stop`] says why).
    pub fn start<S: Space<Outcome = O>, A: Acceptability<O>>(
        ctx: &Context<S, A>,
        seats: usize,
        deadline: &Deadline,
        mediator: Mediator,
        seed: u64,
    ) -> Result<Self, SetupError> {
        Self::start_with_budget(ctx, seats, deadline, mediator, seed, DEFAULT_BUDGET)
    }

    /// [`SingleText::start`] with the packages mediator examining at most
    /// `budget` packages per proposal (at least one).
    pub fn start_with_budget<S: Space<Outcome = O>, A: Acceptability<O>>(
        ctx: &Context<S, A>,
        seats: usize,
        deadline: &Deadline,
        mediator: Mediator,
        seed: u64,
        budget: usize,
    ) -> Result<Self, SetupError> {
        let search = match (mediator, ctx.utilities) {
            (Mediator::Packages, None) => {
                return Err(SetupError::NeedsUtilities {
                    mediator: mediator.name(),
                });
            }
            (Mediator::Packages, Some(utilities)) => Some(Search {
                space: ctx.space,
                limits: ctx.limits,
                utilities,
                seats,
                budget: budget.max(1),
            }),
            _ => None,
        };
        Self::setup(ctx.space, seats, deadline, mediator, seed, search, budget)
    }

    fn setup<S: Space<Outcome = O>, A: Acceptability<O>>(
        space: &S,
        seats: usize,
        deadline: &Deadline,
        mediator: Mediator,
        seed: u64,
        search: Option<Search<S, A>>,
        budget: usize,
    ) -> Result<Self, SetupError> {
        deadline.check()?;
        if seats < 2 {
            return Err(SetupError::TooFewSeats { seats });
        }
        let draft = match mediator {
            Mediator::DraftAndVote => Some(packages::middle_draft(space)?),
            Mediator::Veto | Mediator::HillClimbing | Mediator::Packages => None,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (current, stop) = match &search {
            Some(search) => match search.first_draft(&[]) {
                Found::Package(p) => (proposal_of(space, None, p, 0), None),
                Found::Nothing { exhaustive, .. } => (
                    proposal_of(space, None, packages::middle_draft(space)?, 0),
                    Some(Stop::NoAcceptablePackage { exhaustive }),
                ),
            },
            None => (propose(space, mediator, &mut rng, draft.as_ref(), 0), None),
        };
        Ok(SingleText {
            mediator,
            rng,
            max_rounds: deadline.steps,
            draft,
            adopted: false,
            current,
            resolved: 0,
            cast: vec![None; seats],
            counted: vec![false; seats],
            vetoed: Vec::new(),
            budget: budget.max(1),
            end: stop.map(|_| End::Deadline { agreement: None }),
            stop,
        })
    }

    /// The mediator.
    pub fn mediator(&self) -> Mediator {
        self.mediator
    }

    /// The current draft, if any.
    pub fn draft(&self) -> Option<&O> {
        self.draft.as_ref()
    }

    /// The last draft everyone accepted, if any.
    pub fn accepted_draft(&self) -> Option<&O> {
        self.draft.as_ref().filter(|_| self.adopted)
    }

    /// Why the packages mediator stopped, once it has.
    pub fn stop(&self) -> Option<Stop> {
        self.stop
    }

    /// Whether the packages mediator stopped on the frontier: no package
    /// it examined is better for everyone than the standing draft.
    pub fn on_frontier(&self) -> bool {
        matches!(self.stop, Some(Stop::Frontier { .. }))
    }

    /// Packages vetoed so far by the packages mediator's parties, in order.
    pub fn vetoed(&self) -> &[O] {
        &self.vetoed
    }

    /// The proposal being voted on (the last one, once over).
    pub fn proposal(&self) -> &Proposal<O> {
        &self.current
    }

    /// `seat`'s vote on the current proposal as cast, if it voted.
    pub fn vote_of(&self, seat: Seat) -> Option<bool> {
        self.cast.get(seat).copied().flatten()
    }

    /// Seats that have voted on the current proposal, in order.
    pub fn voted(&self) -> Vec<Seat> {
        (0..self.cast.len())
            .filter(|&s| self.cast[s].is_some())
            .collect()
    }

    fn finish(&mut self, emit: &mut impl FnMut(Event<O>), end: End<O>) {
        emit(Event::Over {
            proposal: self.current.number,
            end: Box::new(end.clone()),
        });
        self.end = Some(end);
    }

    /// The packages mediator has nothing left to propose: it says why and
    /// ends the negotiation, with the standing draft when everyone accepted
    /// one.
    fn stop_packages(&mut self, emit: &mut impl FnMut(Event<O>), exhaustive: bool, vetoed: bool) {
        let stop = match (&self.draft, vetoed) {
            (None, _) => Stop::NoAcceptablePackage { exhaustive },
            (Some(_), false) => Stop::Frontier { exhaustive },
            (Some(_), true) => Stop::Vetoed { exhaustive },
        };
        self.stop = Some(stop);
        emit(Event::Stopped {
            proposal: self.current.number,
            stop,
        });
        let end = match self.accepted_draft() {
            Some(d) => End::Agreement(Agreement {
                outcome: d.clone(),
                seats: (0..self.cast.len()).collect(),
            }),
            None => End::Deadline { agreement: None },
        };
        self.finish(emit, end);
    }

    fn deadline_end(&self) -> End<O> {
        End::Deadline {
            agreement: self.accepted_draft().map(|d| Agreement {
                outcome: d.clone(),
                seats: (0..self.cast.len()).collect(),
            }),
        }
    }
}

/// Proposal `n` of `outcome`, naming its one-issue change of `draft` when
/// it is one.
fn proposal_of<S: Space>(
    space: &S,
    draft: Option<&S::Outcome>,
    outcome: S::Outcome,
    n: u64,
) -> Proposal<S::Outcome> {
    let change = draft.and_then(|d| {
        let mut changed =
            (0..space.issues()).filter(|&i| space.value(d, i) != space.value(&outcome, i));
        match (changed.next(), changed.next()) {
            (Some(i), None) => Some((i, space.value(&outcome, i))),
            _ => None,
        }
    });
    Proposal {
        number: n,
        outcome,
        change,
    }
}

/// The mediator's proposal number `n` on `draft`.
fn propose<S: Space>(
    space: &S,
    mediator: Mediator,
    rng: &mut ChaCha8Rng,
    draft: Option<&S::Outcome>,
    n: u64,
) -> Proposal<S::Outcome> {
    let (outcome, change) = match (mediator, draft) {
        (Mediator::DraftAndVote, Some(d)) => match nth_change(space, d, n) {
            Some((i, v)) => (space.with_value(d, i, v), Some((i, v))),
            None => (d.clone(), None),
        },
        (Mediator::HillClimbing, Some(d)) => {
            let movable: Vec<usize> = (0..space.issues())
                .filter(|&i| space.cardinality(i) > 1)
                .collect();
            if movable.is_empty() {
                (d.clone(), None)
            } else {
                let i = movable[rng.random_range(0..movable.len())];
                let old = space.value(d, i);
                let mut v = rng.random_range(0..space.cardinality(i) - 1);
                if v >= old {
                    v += 1;
                }
                (space.with_value(d, i, v), Some((i, v)))
            }
        }
        _ => (space.random(rng), None),
    };
    Proposal {
        number: n,
        outcome,
        change,
    }
}

impl<O: Clone + PartialEq + std::fmt::Debug> Protocol for SingleText<O> {
    type Outcome = O;
    type Move = Vote;
    type Event = Event<O>;

    fn apply_with<S, A, F>(
        &mut self,
        seat: Seat,
        vote: Vote,
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
        if self.mediator == Mediator::Packages && ctx.utilities.is_none() {
            return Err(Rejection::NeedsUtilities {
                mediator: self.mediator.name(),
            });
        }
        if seat >= self.cast.len() {
            return Err(Rejection::NoSuchSeat {
                seat,
                seats: self.cast.len(),
            });
        }
        let number = self.current.number;
        if let Some(given) = vote.proposal.filter(|&g| g != number) {
            return Err(Rejection::NotCurrent {
                given,
                current: number,
            });
        }
        if self.cast[seat].is_some() {
            return Err(Rejection::AlreadyVoted { proposal: number });
        }
        let counted = vote.accept && ctx.limits.may_accept(seat, &self.current.outcome).is_ok();
        self.cast[seat] = Some(vote.accept);
        self.counted[seat] = counted;
        emit(Event::Voted {
            seat,
            proposal: number,
            accept: vote.accept,
            counted,
        });
        if self.cast.iter().any(Option::is_none) {
            return Ok(());
        }
        let is_change = self.mediator != Mediator::DraftAndVote || self.current.change.is_some();
        if self.counted.iter().all(|&c| c) && is_change {
            self.draft = Some(self.current.outcome.clone());
            self.adopted = true;
            emit(Event::Adopted {
                proposal: number,
                draft: self.current.outcome.clone(),
            });
        } else {
            if self.mediator == Mediator::Packages {
                self.vetoed.push(self.current.outcome.clone());
            }
            emit(Event::Vetoed { proposal: number });
        }
        if self.max_rounds.is_some_and(|m| number + 1 >= m as u64) {
            // The last round: no further proposal.
            self.resolved += 1;
            self.cast.iter_mut().for_each(|v| *v = None);
            let end = self.deadline_end();
            self.finish(emit, end);
            return Ok(());
        }
        self.resolved += 1;
        self.current = match ctx
            .utilities
            .filter(|_| self.mediator == Mediator::Packages)
        {
            Some(utilities) => {
                let search = Search {
                    space: ctx.space,
                    limits: ctx.limits,
                    utilities,
                    seats: self.cast.len(),
                    budget: self.budget,
                };
                let found = match &self.draft {
                    Some(d) => search.next_draft(d, &self.vetoed),
                    None => search.first_draft(&self.vetoed),
                };
                match found {
                    Found::Package(p) => proposal_of(ctx.space, self.draft.as_ref(), p, number + 1),
                    Found::Nothing { exhaustive, vetoed } => {
                        self.cast.iter_mut().for_each(|v| *v = None);
                        self.stop_packages(emit, exhaustive, vetoed);
                        return Ok(());
                    }
                }
            }
            None => propose(
                ctx.space,
                self.mediator,
                &mut self.rng,
                self.draft.as_ref(),
                number + 1,
            ),
        };
        self.cast.iter_mut().for_each(|v| *v = None);
        self.counted.iter_mut().for_each(|c| *c = false);
        emit(Event::Proposed(self.current.clone()));
        Ok(())
    }

    fn may_move(&self, seat: Seat) -> bool {
        self.end.is_none() && self.cast.get(seat).is_some_and(Option::is_none)
    }

    fn end(&self) -> Option<&End<O>> {
        self.end.as_ref()
    }

    fn close_at_deadline(&mut self) -> Events<Event<O>> {
        let mut events = Events::new();
        if self.end.is_none() {
            events.push(Event::Expired {
                proposal: self.current.number,
            });
            let end = self.deadline_end();
            self.finish(&mut |e| events.push(e), end);
        }
        events
    }

    fn rounds_started(&self) -> usize {
        self.resolved as usize + usize::from(self.cast.iter().any(Option::is_some))
    }

    fn input_of(event: &Event<O>) -> Option<Input<Vote>> {
        match event {
            Event::Voted {
                seat,
                proposal,
                accept,
                ..
            } => Some(Input::Move(
                *seat,
                Vote {
                    accept: *accept,
                    proposal: Some(*proposal),
                },
            )),
            Event::Expired { .. } => Some(Input::Expire),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod tests_packages;
