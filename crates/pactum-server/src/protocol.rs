//! Stacked alternating offers (protocol `"alternating_offers"`) as the
//! server plays it: a thin adapter over the engine's [`Sao`], which holds
//! the rules (see `pactum_protocol::sao`). This module maps the server's
//! names to the engine's seats, the engine's ends to the record's
//! `agreement` / `ended` entries, and its rejections to the HTTP errors.
//!
//! Rules the adapter keeps (the engine's, with the server's texts):
//! * negotiators move in scenario order; the first move is an offer (or
//!   `end`, or `leave`); on its turn a negotiator offers, accepts the
//!   standing offer, rejects it (clearing the acceptances gathered so far),
//!   ends the negotiation or leaves it;
//! * an offer or an acceptance must be a package the mover may accept
//!   itself: not below its reservation value, over none of its red lines
//!   ([`SeatLimits`]; a refusal is a 422 whose message only the mover sees);
//! * **leave**: the others go on and an agreement binds those who stayed;
//!   fewer than two left ends the negotiation without agreement;
//! * agreement when every remaining negotiator but the offerer accepted;
//!   after `deadline_rounds` rounds without one, the negotiation ends
//!   ("deadline reached"); a wall-clock time limit found passed before a
//!   move ends it too ("time limit reached", [`State::expire`]).
//!
//! The same functions serve the live path, the replay of a session's log
//! and `pactum verify`: one rule in one place.

use std::sync::Arc;
use std::time::Duration;

use pactum_core::{Outcome, Scenario};
use pactum_protocol::sao::{self, Sao};
use pactum_protocol::{
    AcceptAll, Acceptability, Clock, Context, Deadline, End, ManualClock, OutsideSpace, Protocol,
    Rejection, SetupError, Space, Unacceptable,
};

use crate::event::Event;
use crate::offers::package;

/// The only protocol of this version.
pub const ALTERNATING_OFFERS: &str = "alternating_offers";

/// The end reason of a session whose wall-clock time limit passed.
pub const TIME_LIMIT_REACHED: &str = "time limit reached";

/// The longest wall-clock time limit a session may have: 30 days.
pub const MAX_DEADLINE_SECONDS: u64 = 30 * 24 * 60 * 60;

/// A session's wall-clock time limit: `limit` from its creation at
/// `started_at_ms` (the `at_ms` of its `Created` entry). The engine reads
/// the time through a [`ManualClock`] set to the time elapsed since then,
/// at the server's clock (live) or at a recorded time (replay), so the
/// same times give the same decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeLimit {
    started_at_ms: i64,
    limit: Duration,
}

/// A time limit no session can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("deadline_seconds must be between 1 and {MAX_DEADLINE_SECONDS} (30 days), not {0}")]
pub struct BadTimeLimit(pub u64);

impl TimeLimit {
    /// A limit of `seconds` (1 to [`MAX_DEADLINE_SECONDS`]) from
    /// `started_at_ms`.
    pub fn new(started_at_ms: i64, seconds: u64) -> Result<Self, BadTimeLimit> {
        if seconds == 0 || seconds > MAX_DEADLINE_SECONDS {
            return Err(BadTimeLimit(seconds));
        }
        Ok(TimeLimit {
            started_at_ms,
            limit: Duration::from_secs(seconds),
        })
    }

    /// The limit a `Created` entry records, if any (`None` for other
    /// entries and sessions without one).
    pub fn of_created(created: &Event) -> Result<Option<Self>, BadTimeLimit> {
        match created {
            Event::Created {
                deadline_seconds: Some(s),
                at_ms,
                ..
            } => TimeLimit::new(*at_ms, *s).map(Some),
            _ => Ok(None),
        }
    }

    /// The limit in seconds.
    pub fn seconds(&self) -> u64 {
        self.limit.as_secs()
    }

    /// Time since the session's creation at `now_ms` (none before it).
    pub fn elapsed(&self, now_ms: i64) -> Duration {
        Duration::from_millis(u64::try_from(now_ms - self.started_at_ms).unwrap_or(0))
    }

    /// Whether the limit had passed at `now_ms`.
    pub fn passed(&self, now_ms: i64) -> bool {
        self.elapsed(now_ms) >= self.limit
    }

    /// Milliseconds left at `now_ms` (0 once passed).
    pub fn left_ms(&self, now_ms: i64) -> u64 {
        self.limit.saturating_sub(self.elapsed(now_ms)).as_millis() as u64
    }

    /// The engine's clock at `now_ms`: no step deadline (the rounds are
    /// the state's own), this time limit, the time elapsed by then.
    pub fn clock(&self, now_ms: i64) -> Clock {
        let source = ManualClock::new();
        source.set(self.elapsed(now_ms));
        let deadline = Deadline {
            steps: None,
            time_limit: Some(self.limit),
        };
        Clock::with_source(deadline, Arc::new(source))
    }
}

pub use crate::event::MoveKind;

/// How a negotiation ended, as the record states it: the engine's
/// [`End`] with the outcome and the reason written out for the record's
/// `agreement` or `ended` entry.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordedEnd {
    Agreement(Outcome),
    Ended(String),
}

/// Why a move was refused (nothing is stored for it).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MoveError {
    #[error("the negotiation is over")]
    Finished,
    #[error("out of turn: it is {0}'s turn")]
    OutOfTurn(String),
    #[error("the first move must be an offer")]
    FirstMoveNotOffer,
    #[error("you made the standing offer; you cannot {0} it")]
    OwnOffer(&'static str),
    #[error("you have left this negotiation")]
    HasLeft,
    /// Offering or accepting a package beyond the mover's own limits.
    #[error("you cannot {action} this package: {why}")]
    BeyondLimits {
        /// "offer", "accept" or "propose".
        action: &'static str,
        /// Which limit, worded for the mover.
        why: String,
    },
    /// Any other refusal of the rules, in the engine's words.
    #[error("{0}")]
    Refused(Rejection),
    #[error("this session cannot be played: {0}")]
    Setup(#[from] SetupError),
}

impl MoveError {
    /// The error of the engine's `rejection`, naming seats by `names`.
    pub fn of(rejection: Rejection, names: &[String]) -> Self {
        match rejection {
            Rejection::Over => MoveError::Finished,
            Rejection::OutOfTurn { turn } => {
                MoveError::OutOfTurn(names.get(turn).cloned().unwrap_or_default())
            }
            Rejection::FirstMoveNotOffer => MoveError::FirstMoveNotOffer,
            Rejection::OwnOffer { action } => MoveError::OwnOffer(action),
            Rejection::HasLeft { .. } => MoveError::HasLeft,
            Rejection::OffersUnacceptable(u) => MoveError::BeyondLimits {
                action: "offer",
                why: limit_text(&u),
            },
            Rejection::AcceptsUnacceptable(u) => MoveError::BeyondLimits {
                action: "accept",
                why: limit_text(&u),
            },
            other => MoveError::Refused(other),
        }
    }
}

/// The mover's limit a package breaks, worded for the mover alone (the
/// answer goes to nobody else, and nothing is recorded for the move).
pub fn limit_text(u: &Unacceptable) -> String {
    match u {
        Unacceptable::RedLine { .. } => "it crosses one of your red lines".into(),
        Unacceptable::BelowReservation {
            utility,
            reservation,
            ..
        } => format!("it is worth {utility:.4} to you, below your reservation value {reservation}"),
    }
}

/// Each negotiator's limits in a scenario, as the engine asks for them:
/// seat `s` is the scenario's `s`-th negotiator; it may not offer or accept
/// a package below its reservation value or over one of its red lines.
pub struct SeatLimits<'a> {
    scenario: &'a Scenario,
    parties: Vec<usize>,
}

impl<'a> SeatLimits<'a> {
    /// The limits of `scenario`'s negotiators (as their preferences are).
    pub fn new(scenario: &'a Scenario) -> Self {
        SeatLimits {
            scenario,
            parties: scenario.negotiators(),
        }
    }
}

impl Acceptability<Outcome> for SeatLimits<'_> {
    fn may_accept(&self, seat: usize, outcome: &Outcome) -> Result<(), Unacceptable> {
        let Some(party) = self.parties.get(seat).map(|&p| &self.scenario.parties()[p]) else {
            return Ok(());
        };
        let Some(prefs) = &party.preferences else {
            return Ok(());
        };
        if outcome.len() != self.scenario.issues().len() {
            return Ok(());
        }
        let name = || format!("{outcome:?}");
        if prefs.crosses_red_line(outcome) {
            return Err(Unacceptable::RedLine {
                package: name(),
                party: party.name.clone(),
            });
        }
        if let Some(reservation) = prefs.reservation_value {
            let utility = prefs.utility.utility(self.scenario.issues(), outcome);
            if utility < reservation {
                return Err(Unacceptable::BelowReservation {
                    package: name(),
                    party: party.name.clone(),
                    utility,
                    reservation,
                });
            }
        }
        Ok(())
    }
}

/// The space of offers as the adapter hands them to the engine: already
/// checked against the scenario by the caller (or, in a record verified
/// without its scenario, numbered by the verifier), so every package is in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Checked;

impl Space for Checked {
    type Outcome = Outcome;
    fn issues(&self) -> usize {
        0
    }
    fn cardinality(&self, _issue: usize) -> u32 {
        1
    }
    fn value(&self, outcome: &Outcome, issue: usize) -> u32 {
        outcome.get(issue).copied().unwrap_or(0)
    }
    fn with_value(&self, outcome: &Outcome, issue: usize, value: u32) -> Outcome {
        let mut o = outcome.clone();
        if let Some(v) = o.get_mut(issue) {
            *v = value;
        }
        o
    }
    fn outcome_of(&self, values: &[u32]) -> Result<Outcome, OutsideSpace> {
        Ok(values.to_vec())
    }
    fn check(&self, _outcome: &Outcome) -> Result<(), OutsideSpace> {
        Ok(())
    }
    fn random<R: rand::Rng + ?Sized>(&self, _rng: &mut R) -> Outcome {
        Vec::new()
    }
}

/// A session's wall-clock time limit as a view shows it at the time of the
/// request. A request that only reads writes nothing: once the limit has
/// passed the view says so, and the next move records the expiry.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TimeLimitView {
    /// The limit, in seconds from the session's creation.
    pub deadline_seconds: u64,
    /// Milliseconds left at this request (0 once passed).
    pub left_ms: u64,
    /// Whether the limit has passed: the negotiation is then over (the
    /// record shows it once a move finds it so).
    pub passed: bool,
}

impl TimeLimitView {
    /// The view of `limit` at `now_ms`.
    pub fn of(limit: &TimeLimit, now_ms: i64) -> Self {
        TimeLimitView {
            deadline_seconds: limit.seconds(),
            left_ms: limit.left_ms(now_ms),
            passed: limit.passed(now_ms),
        }
    }
}

/// The state of a session, rebuilt by replaying its moves: the engine's
/// state and, kept in step with it after every move, its public views.
#[derive(Debug, Clone)]
pub struct State {
    pub negotiators: Vec<String>,
    pub deadline_rounds: u64,
    pub moves: u64,
    /// The standing offer and the seat that made it.
    pub standing: Option<(usize, Outcome)>,
    pub accepted: Vec<bool>,
    /// Which seats have left.
    pub left: Vec<bool>,
    pub finished: Option<RecordedEnd>,
    /// The round as the server counts it: the engine's, and once a move
    /// that completed its round ended the negotiation, the round after it.
    round: u64,
    /// The wall-clock time limit, if the session has one.
    pub time_limit: Option<TimeLimit>,
    engine: Result<Sao<Outcome>, SetupError>,
}

impl State {
    pub fn new(negotiators: Vec<String>, deadline_rounds: u64) -> Self {
        let n = negotiators.len();
        let engine = usize::try_from(deadline_rounds)
            .map_err(|_| SetupError::TooFewSeats { seats: 0 })
            .and_then(|d| Sao::new(n, &Deadline::steps(d)));
        State {
            negotiators,
            deadline_rounds,
            moves: 0,
            standing: None,
            accepted: vec![false; n],
            left: vec![false; n],
            finished: None,
            round: 0,
            time_limit: None,
            engine,
        }
    }

    /// The current round (0-based).
    pub fn round(&self) -> u64 {
        self.round
    }

    /// The seat whose turn it is (or was, once over).
    pub fn turn(&self) -> usize {
        match &self.engine {
            Ok(e) => e.turn().unwrap_or(0),
            Err(_) => 0,
        }
    }

    /// The names of the negotiators who left, in turn order.
    pub fn left_names(&self) -> Vec<String> {
        self.negotiators
            .iter()
            .zip(&self.left)
            .filter(|(_, l)| **l)
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// Applies a move by `seat` as recorded (the limits were checked when
    /// it was made); `offer` must be `Some` exactly for offers (already
    /// validated against the scenario). Returns how the negotiation
    /// finished, if this move finished it.
    pub fn apply(
        &mut self,
        seat: usize,
        kind: MoveKind,
        offer: Option<Outcome>,
    ) -> Result<Option<RecordedEnd>, MoveError> {
        self.apply_within(seat, kind, offer, &AcceptAll)
    }

    /// [`State::apply`], checking the move against each seat's `limits`.
    pub fn apply_within<A: Acceptability<Outcome>>(
        &mut self,
        seat: usize,
        kind: MoveKind,
        offer: Option<Outcome>,
        limits: &A,
    ) -> Result<Option<RecordedEnd>, MoveError> {
        if self.finished.is_some() {
            return Err(MoveError::Finished);
        }
        let mv = match (kind, offer) {
            (MoveKind::Offer, Some(o)) => sao::Move::Offer(o),
            (MoveKind::Offer, None) => {
                return Err(MoveError::Refused(Rejection::OutsideSpace(
                    OutsideSpace::Length { issues: 1, got: 0 },
                )));
            }
            (MoveKind::Accept, _) => sao::Move::Accept,
            (MoveKind::Reject, _) => sao::Move::Reject,
            (MoveKind::End, _) => sao::Move::End,
            (MoveKind::Leave, _) => sao::Move::Leave,
        };
        let before = self.engine_round();
        let engine = self.engine.as_mut().map_err(|e| e.clone())?;
        let events = engine
            .apply(seat, mv, &Context::new(&Checked, limits))
            .map_err(|r| MoveError::of(r, &self.negotiators))?;
        self.moves += 1;
        let finish = events.iter().find_map(|e| match e {
            sao::Event::Over { end, .. } => Some(self.finish_of(end, false)),
            _ => None,
        });
        let last_in_round = !(seat + 1..self.negotiators.len()).any(|s| !self.left[s]);
        self.sync();
        if finish.is_some() && self.engine_round() == before && last_in_round {
            self.round += 1;
        }
        self.finished = finish.clone();
        Ok(finish)
    }

    /// The session's wall-clock time limit (none by default).
    pub fn with_time_limit(mut self, limit: Option<TimeLimit>) -> Self {
        self.time_limit = limit;
        self
    }

    /// Ends the negotiation if its wall-clock time limit had passed at
    /// `now_ms` (the engine's clock, fed the time since the session's
    /// creation); returns the end if this call ended it. Replaying a
    /// recorded expiry calls it with the recorded time, and reaches the
    /// same state.
    pub fn expire(&mut self, now_ms: i64) -> Option<RecordedEnd> {
        let limit = self.time_limit?;
        if self.finished.is_some() {
            return None;
        }
        let engine = self.engine.as_mut().ok()?;
        let events = engine.expire(&limit.clock(now_ms))?;
        let finish = events.iter().find_map(|e| match e {
            sao::Event::Over { end, .. } => Some(self.finish_of(end, true)),
            _ => None,
        })?;
        self.sync();
        self.finished = Some(finish.clone());
        Some(finish)
    }

    /// The server's form of the engine's end.
    fn finish_of(&self, end: &End<Outcome>, expired: bool) -> RecordedEnd {
        match end {
            End::Agreement(a) => RecordedEnd::Agreement(a.outcome.clone()),
            End::Deadline { agreement: Some(a) } => RecordedEnd::Agreement(a.outcome.clone()),
            End::Deadline { agreement: None } if expired => {
                RecordedEnd::Ended(TIME_LIMIT_REACHED.into())
            }
            End::Deadline { agreement: None } => RecordedEnd::Ended("deadline reached".into()),
            End::EndedBy { seat } => RecordedEnd::Ended(format!(
                "ended by {}",
                self.negotiators.get(*seat).map_or("?", String::as_str)
            )),
            End::Deserted => RecordedEnd::Ended("fewer than two negotiators remain".into()),
        }
    }

    fn engine_round(&self) -> u64 {
        self.engine.as_ref().map_or(0, |e| e.round() as u64)
    }

    /// Copies the engine's state into the public views.
    fn sync(&mut self) {
        self.round = self.engine_round();
        let Ok(e) = &self.engine else { return };
        self.standing = e.standing().map(|(o, s)| (s, o.clone()));
        let proposer = self.standing.as_ref().map(|(s, _)| *s);
        for s in 0..self.negotiators.len() {
            self.accepted[s] = Some(s) != proposer && e.has_accepted(s);
            self.left[s] = !e.is_active(s);
        }
    }
}

/// The event the server appends when a negotiation finishes so in `round`
/// (the live path and offline replay build it here alike).
pub fn finish_event(scenario: &Scenario, finish: &RecordedEnd, round: u64) -> Event {
    match finish {
        RecordedEnd::Agreement(o) => Event::Agreement {
            offer: package(scenario, o),
            round,
        },
        RecordedEnd::Ended(reason) => Event::Ended {
            reason: reason.clone(),
            round,
        },
    }
}
