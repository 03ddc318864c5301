//! Automated negotiators: the [`Negotiator`] trait and the built-in strategies.
//!
//! A negotiator sees only its own preferences (a [`PartyPrefs`]), the clock
//! the protocol shows it ([`Now`]) and the offers made; the protocol decides
//! whether its moves are valid. Adding a strategy is one file: implement the
//! trait and register a constructor in [`STRATEGIES`].
//!
//! The classic strategies are built from their seat alone; the `llm`
//! strategy ([`llm`]) also needs a language model, which the caller hands
//! to a [`Builder`] (the library never reads the environment or flags).
//! Naming `llm` without one is an error ([`SimError::NoModel`]), never a
//! panic.

use std::sync::Arc;

use pactum_protocol::partial_rounds::{self, PartialRounds};

use crate::error::{ModelError, SimError};
use crate::prefs::{PartyPrefs, Prepared};
use crate::space::{OutcomeId, SimSpace};

pub mod frequency;
pub mod genius_td;
pub mod llm;
pub mod micro;
pub mod random;
pub mod time_based;
pub mod tit_for_tat;

/// What a negotiator is told when it must act.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Now {
    /// Round, from 0.
    pub step: usize,
    /// Rounds allowed, if the deadline is in rounds.
    pub n_steps: Option<usize>,
    /// Relative time in [0, 1]: `(step + 1) / (n_steps + 1)`, or the share of
    /// the wall-clock limit used, whichever is larger (NegMAS's convention).
    pub time: f64,
}

/// An answer to the standing offer. `Reject` here comes with a
/// counter-offer (NegMAS's `REJECT_OFFER`); a rejection without one is
/// `RejectWithoutOffer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    /// Accept the standing offer.
    Accept,
    /// Reject and counter-offer (the protocol then asks for the counter-offer).
    Reject,
    /// Reject without a counter-offer (the engine's `sao::Move::Reject`,
    /// a live session's `reject`): the standing offer stays, the
    /// acceptances gathered for it are cleared, and the next seat answers
    /// it. No built-in strategy does this; a scripted re-run of a live
    /// session does.
    RejectWithoutOffer,
    /// Walk away: the negotiation ends without agreement.
    End,
    /// Leave a multilateral negotiation: the others go on, and an
    /// agreement they reach does not bind the seat that left (NegMAS
    /// 0.16's LEAVE; no built-in strategy leaves).
    Leave,
}

/// What a negotiator says or notes about a move it made: the words it sent
/// with it, what those words leaked of its private preferences, and
/// whether a fallback strategy made the move instead of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Note {
    /// Words sent with the move: plain text, at most 500 characters.
    pub message: Option<String>,
    /// What the message states of the sender's reservation value, weights
    /// or red lines, one entry each (empty: nothing flagged).
    pub leaks: Vec<String>,
    /// Why a fallback strategy made this move, if it did.
    pub fallback: Option<String>,
}

/// An automated negotiator. Seats are numbered in protocol order.
pub trait Negotiator: Send {
    /// Answers the standing `offer`, made by seat `proposer`.
    fn respond(&mut self, now: &Now, offer: OutcomeId, proposer: usize) -> Response;

    /// The next offer (the first move, or the counter-offer after a
    /// rejection). `None` ends the negotiation.
    fn propose(&mut self, now: &Now) -> Option<OutcomeId>;

    /// Told of every offer another seat makes, as it is made.
    fn on_offer(&mut self, _now: &Now, _offer: OutcomeId, _proposer: usize) {}

    /// The note on the move just made (taken: asked once after each move
    /// the engine took in alternating offers). Classic strategies have none.
    fn take_note(&mut self) -> Option<Note> {
        None
    }

    /// The negotiator's opponent model, where its strategy keeps one: its
    /// estimate of the opponent's utility of `outcome` (bilateral
    /// negotiations; any scale, only the ranking is read). `None`: no
    /// model. Leagues that score concealment ask it once the negotiation
    /// is over.
    fn opponent_utility(&self, _outcome: OutcomeId) -> Option<f64> {
        None
    }

    /// The opponent model's estimates of every one of `outcomes`, in
    /// order: `Ok(None)` without a model; an error when the model failed
    /// to answer (a negotiator written in another language may). By
    /// default [`Negotiator::opponent_utility`] of each outcome.
    fn opponent_utilities(&self, outcomes: &[OutcomeId]) -> Result<Option<Vec<f64>>, ModelError> {
        Ok(outcomes.iter().map(|&o| self.opponent_utility(o)).collect())
    }

    /// Single-text protocols: accept (`true`) or veto the mediator's
    /// `proposal` to replace the current draft (`None`: no draft yet, the
    /// alternative is no agreement).
    fn vote(&mut self, now: &Now, current: Option<OutcomeId>, proposal: OutcomeId) -> bool;

    /// Whether the negotiator plays partial rounds free-form, move by move
    /// ([`Negotiator::partial_move`]), rather than through the runner's
    /// package adapter (the built-in strategies think in whole packages).
    fn plays_free_form(&self) -> bool {
        false
    }

    /// Partial rounds, free-form: the seat's next move in `game` (the
    /// engine's state: open issues, the round's proposals), or `None` to
    /// wait while the others move.
    fn partial_move(
        &mut self,
        _now: &Now,
        _game: &PartialRounds<OutcomeId>,
    ) -> Option<partial_rounds::Move> {
        None
    }
}

/// What a negotiator is given when it takes its seat.
#[derive(Debug, Clone)]
pub struct SeatInfo {
    /// Position in the protocol's order.
    pub seat: usize,
    /// Number of seats.
    pub parties: usize,
    /// Its own preferences, nobody else's.
    pub prefs: Arc<PartyPrefs>,
    /// The (public) outcome space.
    pub space: Arc<SimSpace>,
    /// Seed for strategies that draw random numbers.
    pub seed: u64,
}

/// The default vote: accept a change that is at least as good as the
/// current draft (or, with no draft, at least the reservation value) and
/// crosses no red line.
pub fn vote_by_utility(
    prefs: &PartyPrefs,
    current: Option<OutcomeId>,
    proposal: OutcomeId,
) -> bool {
    if !prefs.is_rational(proposal) {
        return false;
    }
    match current {
        Some(c) => prefs.utility(proposal) >= prefs.utility(c),
        None => true,
    }
}

type Constructor = fn(&SeatInfo) -> Box<dyn Negotiator>;

/// Built-in strategies: name, one-line description, constructor.
pub const STRATEGIES: &[(&str, &str, Constructor)] = &[
    (
        "boulware",
        "NegMAS BoulwareTBNegotiator: aspiration 1 − t^4",
        |s| Box::new(time_based::TimeBased::new(s, time_based::BOULWARE)),
    ),
    (
        "linear",
        "NegMAS LinearTBNegotiator: aspiration 1 − t",
        |s| Box::new(time_based::TimeBased::new(s, time_based::LINEAR)),
    ),
    (
        "conceder",
        "NegMAS ConcederTBNegotiator: aspiration 1 − t^0.25",
        |s| Box::new(time_based::TimeBased::new(s, time_based::CONCEDER)),
    ),
    (
        "genius-boulware",
        "GENIUS time-dependent agent, e = 0.2",
        |s| Box::new(genius_td::TimeDependent::new(s, 0.2)),
    ),
    ("genius-linear", "GENIUS time-dependent agent, e = 1", |s| {
        Box::new(genius_td::TimeDependent::new(s, 1.0))
    }),
    (
        "genius-conceder",
        "GENIUS time-dependent agent, e = 2",
        |s| Box::new(genius_td::TimeDependent::new(s, 2.0)),
    ),
    (
        "hardliner",
        "GENIUS hardliner (time-dependent, e = 0): never concedes",
        |s| Box::new(genius_td::TimeDependent::new(s, 0.0)),
    ),
    (
        "random",
        "random rational offers, accepts rational offers with probability 1/2 (seeded)",
        |s| Box::new(random::RandomNegotiator::new(s)),
    ),
    (
        "tit-for-tat",
        "naive tit-for-tat: mirrors the opponent's concession",
        |s| Box::new(tit_for_tat::TitForTat::new(s)),
    ),
    (
        "micro",
        "MiCRO (de Jonge): concedes one outcome per new opponent offer; needs about as many rounds as it has rational outcomes",
        |s| Box::new(micro::Micro::new(s)),
    ),
    (
        "nash-seeker",
        "frequency opponent model, aims at the estimated Nash point",
        |s| Box::new(frequency::NashSeeker::new(s)),
    ),
];

/// The strategy played by a language model ([`llm`]).
pub const LLM: &str = "llm";

/// The `llm` strategy's one-line description.
pub const LLM_DESCRIPTION: &str = "a language model chooses among candidate packages near a time-based aspiration and writes a message; guarded, with a classic fallback (needs an endpoint)";

/// Every strategy (the classic ones, then `llm`): name and description.
pub fn described() -> Vec<(&'static str, &'static str)> {
    STRATEGIES
        .iter()
        .map(|s| (s.0, s.1))
        .chain([(LLM, LLM_DESCRIPTION)])
        .collect()
}

/// Names of every strategy, comma-separated.
pub fn strategy_names() -> String {
    described()
        .iter()
        .map(|s| s.0)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Names of the classic strategies (those built from their seat alone),
/// comma-separated.
pub fn classic_names() -> String {
    STRATEGIES
        .iter()
        .map(|s| s.0)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks a strategy name (`llm` included: whether a model is there to
/// play it is [`Builder::check`]'s question).
pub fn check(name: &str) -> Result<(), SimError> {
    if name == LLM {
        return Ok(());
    }
    constructor(name).map(|_| ())
}

/// Builds negotiators by strategy name, with what the strategies beyond
/// the classic ones need: the language model of the `llm` strategy.
/// `Builder::default()` builds the classic strategies only.
#[derive(Clone, Default)]
pub struct Builder {
    model: Option<Arc<llm::LlmModel>>,
}

impl Builder {
    /// A builder seating `llm` through `model`.
    pub fn with_model(model: Arc<llm::LlmModel>) -> Self {
        Builder { model: Some(model) }
    }

    /// The language model, if any.
    pub fn model(&self) -> Option<&Arc<llm::LlmModel>> {
        self.model.as_ref()
    }

    /// Checks that `name` is a strategy this builder can seat.
    pub fn check(&self, name: &str) -> Result<(), SimError> {
        if name == LLM && self.model.is_none() {
            return Err(SimError::NoModel);
        }
        check(name)
    }

    /// A negotiator of the named strategy in the given seat of `prepared`.
    pub fn build(
        &self,
        name: &str,
        prepared: &Prepared,
        seat: &SeatInfo,
    ) -> Result<Box<dyn Negotiator>, SimError> {
        if name == LLM {
            let model = self.model.clone().ok_or(SimError::NoModel)?;
            return Ok(Box::new(llm::Llm::new(seat, prepared, model)?));
        }
        build(name, seat)
    }
}

fn constructor(name: &str) -> Result<Constructor, SimError> {
    if name == LLM {
        return Err(SimError::NoModel);
    }
    STRATEGIES
        .iter()
        .find(|s| s.0 == name)
        .map(|s| s.2)
        .ok_or_else(|| SimError::UnknownStrategy {
            name: name.to_string(),
            available: strategy_names(),
        })
}

/// A negotiator of the named classic strategy in the given seat (`llm`
/// needs a [`Builder`] with a model).
pub fn build(name: &str, seat: &SeatInfo) -> Result<Box<dyn Negotiator>, SimError> {
    Ok(constructor(name)?(seat))
}
