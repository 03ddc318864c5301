//! Drives a protocol to the end and scores the result.
//!
//! [`negotiate`] is the one-call entry point: seat the named strategies on a
//! prepared scenario, play until agreement, walk-out, invalid move or
//! deadline, and report every party's utility (its reservation value — or
//! worst utility where it has none — when there is no agreement).
//!
//! Discounting follows GENIUS: a party with discount factor d (0 < d < 1)
//! values a result reached at relative time t at u·d^t, its utility of no
//! agreement included. t is the relative time of the round in which the
//! negotiation ended ((s + 1)/(N + 1) for round s of N, or the share of a
//! wall-clock limit used), and 1 when the deadline passed. The undiscounted
//! utilities are always reported; the discounted ones beside them whenever
//! some party has a discount factor. Negotiators decide on undiscounted
//! utilities, as GENIUS's time-dependent agents do (they bid and accept on
//! `getUtility`, not `getUtilityWithDiscount`).

use std::sync::Arc;

use serde::Serialize;

use crate::drive::{self, Played};
use crate::error::SimError;
use crate::negotiator::{self, SeatInfo};
use crate::prefs::Prepared;
use crate::session::{Clock, Deadline, End, Session, TimeSource, WallClock};
use crate::space::OutcomeId;
use crate::trace::Trace;
pub use pactum_protocol::derive_seed;
pub use pactum_protocol::single_text::Mediator;

/// Which protocol to play.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolKind {
    /// Stacked alternating offers.
    Sao,
    /// Mediated single negotiating text.
    SingleText(Mediator),
    /// Free-form rounds with partial agreements (through the simple
    /// adapter of `drive::partial_rounds`: whole packages over the open
    /// issues).
    PartialRounds,
}

impl ProtocolKind {
    /// The protocol's name in results.
    pub fn name(&self) -> &'static str {
        match self {
            ProtocolKind::Sao => "sao",
            ProtocolKind::SingleText(_) => "single-text",
            ProtocolKind::PartialRounds => "partial-rounds",
        }
    }
}

/// Everything about a negotiation except who plays.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// The protocol.
    pub protocol: ProtocolKind,
    /// When it must end.
    pub deadline: Deadline,
    /// Seed of the negotiators and the mediator.
    pub seed: u64,
    /// Keep the full trace (off in tournaments).
    pub record: bool,
}

impl Config {
    /// Stacked alternating offers for `steps` rounds, not recorded.
    pub fn sao(steps: usize, seed: u64) -> Self {
        Config {
            protocol: ProtocolKind::Sao,
            deadline: Deadline::steps(steps),
            seed,
            record: false,
        }
    }
}

/// How a negotiation came out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NegotiationResult {
    /// The agreed package, if any.
    pub agreement: Option<OutcomeId>,
    /// Every seat's utility of the result, in seat order (a seat that left
    /// is not bound by an agreement: it gets its utility of no agreement).
    pub utilities: Vec<f64>,
    /// Rounds started (an agreement in the first round gives 1).
    pub steps: usize,
    /// How it ended.
    pub end: End,
    /// Seats that left, in the order they did.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub left: Vec<usize>,
    /// What happened, when recorded.
    pub trace: Trace,
    /// Relative time at which the negotiation ended, in [0, 1]: that of its
    /// last round, 1 when the deadline passed.
    #[serde(skip)]
    pub time: f64,
    /// The discounted result, when some seat has a discount factor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discounted: Option<Discounted>,
}

/// A result as discounting values it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Discounted {
    /// Relative time at which the negotiation ended, in [0, 1].
    pub time: f64,
    /// Every seat's utility of the result times d^time (unchanged for a seat
    /// without a discount factor), in seat order.
    pub utilities: Vec<f64>,
}

/// Plays `protocol` on `session` until it ends (`seed`: the mediator's,
/// for the single text).
pub fn run(session: &mut Session, protocol: ProtocolKind, seed: u64) -> NegotiationResult {
    let played = match protocol {
        ProtocolKind::Sao => drive::sao::play(session),
        ProtocolKind::SingleText(m) => drive::single_text::play(session, m, seed),
        ProtocolKind::PartialRounds => drive::partial_rounds::play(session),
    };
    score(session, played)
}

/// Scores what was played.
fn score(session: &mut Session, played: Played) -> NegotiationResult {
    let Played {
        end,
        agreement,
        steps,
        left,
    } = played;
    let utilities: Vec<f64> = session
        .prefs
        .iter()
        .enumerate()
        .map(|(seat, p)| match agreement {
            Some(a) if !left.contains(&seat) => p.utility(a),
            _ => p.disagreement(),
        })
        .collect();
    let time = match end {
        End::Deadline => 1.0,
        _ => session.clock.time(steps.saturating_sub(1)),
    };
    let discounted = session
        .prefs
        .iter()
        .any(|p| p.discount.is_some())
        .then(|| Discounted {
            time,
            utilities: session
                .prefs
                .iter()
                .zip(&utilities)
                .map(|(p, &u)| p.discounted(u, time))
                .collect(),
        });
    NegotiationResult {
        agreement,
        utilities,
        steps,
        end,
        left,
        trace: std::mem::take(&mut session.trace),
        time,
        discounted,
    }
}

/// Seats `strategies` (one per negotiator, in scenario order; the first
/// proposes first) and plays the negotiation.
pub fn negotiate(
    prepared: &Prepared,
    strategies: &[&str],
    config: &Config,
) -> Result<NegotiationResult, SimError> {
    negotiate_on(prepared, strategies, config, Arc::new(WallClock::start()))
}

/// [`negotiate`] on a given time source (read only for a wall-clock limit),
/// e.g. a [`ManualClock`](crate::ManualClock) for deterministic
/// tests of time limits.
pub fn negotiate_on(
    prepared: &Prepared,
    strategies: &[&str],
    config: &Config,
    time: Arc<dyn TimeSource>,
) -> Result<NegotiationResult, SimError> {
    let n = prepared.prefs.len();
    if strategies.len() != n {
        return Err(SimError::StrategyCount {
            given: strategies.len(),
            parties: n,
            names: prepared.names().join(", "),
        });
    }
    config.deadline.check()?;
    let negotiators = strategies
        .iter()
        .enumerate()
        .map(|(seat, name)| {
            let info = SeatInfo {
                seat,
                parties: n,
                prefs: prepared.prefs[seat].clone(),
                space: prepared.space.clone(),
                seed: derive_seed(config.seed, seat as u64 + 1),
            };
            negotiator::build(name, &info)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut session = Session::with_clock(
        prepared.space.clone(),
        prepared.prefs.clone(),
        negotiators,
        Clock::with_source(config.deadline, time),
        config.record,
    );
    Ok(run(
        &mut session,
        config.protocol,
        derive_seed(config.seed, 0),
    ))
}
