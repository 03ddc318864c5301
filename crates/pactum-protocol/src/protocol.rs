//! What every protocol is: a state machine over moves by seats, and the
//! replay of a record.
//!
//! Rules kept here:
//! * a move is applied only through [`Protocol::apply`] (or
//!   [`Protocol::apply_with`], which hands the events to a callback instead
//!   of collecting them), which returns the events it caused or a typed
//!   [`Rejection`] and leaves the state unchanged on a rejection;
//! * time is read only by [`Protocol::expire`], which the caller invokes
//!   before it asks for (or accepts) a move; a round deadline is the
//!   protocol's own and ends the negotiation on the move that completes
//!   the last round;
//! * replaying the inputs a record holds (its moves and its expiry)
//!   reaches the same state ([`replay`]);
//! * what a protocol may consult is in its [`Context`]: the outcome space,
//!   each seat's limits and, for a mediator that needs them, the seats'
//!   utilities — the caller's, through the same context at every move (a
//!   replay passes the same ones).

use crate::clock::Clock;
use crate::end::{End, Events};
use crate::limits::{Acceptability, Seat, Utilities};
use crate::rejection::Rejection;
use crate::space::Space;

/// What a protocol consults while applying a move: the outcome space,
/// each seat's limits and, when the caller gives them, each seat's
/// utilities.
pub struct Context<'a, S: Space, A> {
    /// The outcome space.
    pub space: &'a S,
    /// Each seat's limits (reservation value, red lines).
    pub limits: &'a A,
    /// Each seat's utilities, for a mediator that proposes from them
    /// (`None`: not given; such a mediator then refuses to start or move).
    pub utilities: Option<&'a dyn Utilities<S::Outcome>>,
}

impl<'a, S: Space, A> Context<'a, S, A> {
    /// A context of `space` and `limits`, without utilities.
    pub fn new(space: &'a S, limits: &'a A) -> Self {
        Context {
            space,
            limits,
            utilities: None,
        }
    }

    /// A context of `space`, `limits` and the seats' `utilities`.
    pub fn with_utilities(
        space: &'a S,
        limits: &'a A,
        utilities: &'a dyn Utilities<S::Outcome>,
    ) -> Self {
        Context {
            space,
            limits,
            utilities: Some(utilities),
        }
    }
}

impl<S: Space, A> Clone for Context<'_, S, A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: Space, A> Copy for Context<'_, S, A> {}

impl<S: Space + std::fmt::Debug, A: std::fmt::Debug> std::fmt::Debug for Context<'_, S, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("space", self.space)
            .field("limits", self.limits)
            .field("utilities", &self.utilities.map(|_| "given"))
            .finish()
    }
}

/// One input of a record: a move by a seat, or the deadline passing.
#[derive(Debug, Clone, PartialEq)]
pub enum Input<M> {
    /// A seat's move.
    Move(Seat, M),
    /// The wall-clock deadline passed (before the next move).
    Expire,
}

/// A negotiation protocol's state machine.
pub trait Protocol {
    /// How outcomes are held.
    type Outcome: Clone + PartialEq + std::fmt::Debug;
    /// A seat's move.
    type Move: Clone + std::fmt::Debug;
    /// What a move (or the deadline) brought about.
    type Event: Clone + std::fmt::Debug;

    /// Applies `seat`'s move, handing each event it causes to `emit` in
    /// order; or says why it is refused (the state then is unchanged and
    /// nothing was emitted). The allocation-free door, for hot loops.
    fn apply_with<S, A, F>(
        &mut self,
        seat: Seat,
        mv: Self::Move,
        ctx: &Context<S, A>,
        emit: &mut F,
    ) -> Result<(), Rejection>
    where
        S: Space<Outcome = Self::Outcome>,
        A: Acceptability<Self::Outcome>,
        F: FnMut(Self::Event);

    /// Applies `seat`'s move: the events it caused, or why it is refused
    /// (the state then is unchanged).
    fn apply<S, A>(
        &mut self,
        seat: Seat,
        mv: Self::Move,
        ctx: &Context<S, A>,
    ) -> Result<Events<Self::Event>, Rejection>
    where
        S: Space<Outcome = Self::Outcome>,
        A: Acceptability<Self::Outcome>,
    {
        let mut events = Events::new();
        self.apply_with(seat, mv, ctx, &mut |e| events.push(e))?;
        Ok(events)
    }

    /// Whether `seat` may move now.
    fn may_move(&self, seat: Seat) -> bool;

    /// How the negotiation ended, once it has.
    fn end(&self) -> Option<&End<Self::Outcome>>;

    /// Ends the negotiation at the deadline now (what [`Protocol::expire`]
    /// does when time is up; a replay applies a recorded expiry with it).
    /// Nothing when it is already over.
    fn close_at_deadline(&mut self) -> Events<Self::Event>;

    /// Rounds started so far (a round with at least one move, or the one
    /// in play; an agreement in the first round gives 1).
    fn rounds_started(&self) -> usize;

    /// Checks the clock: ends the negotiation at the deadline if time is
    /// up, with the events of that end (`None`: still open, or already
    /// over). Call it before asking for (or accepting) each move.
    fn expire(&mut self, clock: &Clock) -> Option<Events<Self::Event>> {
        (self.end().is_none() && clock.out_of_time()).then(|| self.close_at_deadline())
    }

    /// The input an event records, if it records one (a move, or an
    /// expiry); derived events (agreement, settlement, …) record none.
    fn input_of(event: &Self::Event) -> Option<Input<Self::Move>>;
}

/// Replays the inputs recorded in `events` on `state` (a fresh state built
/// as the original was): every recorded move is applied again, every
/// recorded expiry closes at the deadline. The result must equal the
/// original's state; a move the rules refuse is a record that does not
/// replay.
pub fn replay<'e, P, S, A>(
    mut state: P,
    events: impl IntoIterator<Item = &'e P::Event>,
    ctx: &Context<S, A>,
) -> Result<P, Rejection>
where
    P: Protocol,
    P::Event: 'e,
    S: Space<Outcome = P::Outcome>,
    A: Acceptability<P::Outcome>,
{
    for event in events {
        match P::input_of(event) {
            Some(Input::Move(seat, mv)) => {
                state.apply(seat, mv, ctx)?;
            }
            Some(Input::Expire) => {
                state.close_at_deadline();
            }
            None => {}
        }
    }
    Ok(state)
}
