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
//!
//! Negotiators need not be built-in: [`negotiate_with`] seats negotiators
//! the caller builds (a strategy written in another language, say). Such a
//! negotiator may fail (raise an error, answer nonsense); it then reports a
//! [`Fault`] to the negotiation's [`Faults`] and makes a fallback move that
//! ends or stalls the protocol (no offer, a walk-out, a veto). Runner policy:
//! the first fault reported ends the negotiation as an invalid move by its
//! seat in its round, without agreement, whatever the fallback move did;
//! the trace ends with the failed move (the failing seat's fallback answer,
//! the answers after it and later rounds are dropped).

use std::sync::{Arc, Mutex};

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

/// A negotiator's failure, reported by the negotiator itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The failing seat.
    pub seat: usize,
    /// The round it failed in, from 0.
    pub step: usize,
    /// What went wrong, naming the negotiator.
    pub reason: String,
}

/// Where the negotiators of one negotiation report their faults; only the
/// first is kept.
#[derive(Debug, Default)]
pub struct Faults(Mutex<Option<Fault>>);

impl Faults {
    /// Reports a fault (ignored when one was reported already).
    pub fn report(&self, fault: Fault) {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Some(fault);
        }
    }

    /// Whether a fault was reported.
    pub fn any(&self) -> bool {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).is_some()
    }

    /// Takes the first fault reported, leaving none.
    pub fn take(&self) -> Option<Fault> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// Plays `protocol` on `session` until it ends (`seed`: the mediator's,
/// for the single text).
pub fn run(session: &mut Session, protocol: ProtocolKind, seed: u64) -> NegotiationResult {
    run_checked(session, protocol, seed, &Faults::default())
}

/// [`run`], ending the negotiation as an invalid move when a negotiator
/// reported a fault to `faults` (module docs: runner policy).
pub fn run_checked(
    session: &mut Session,
    protocol: ProtocolKind,
    seed: u64,
    faults: &Faults,
) -> NegotiationResult {
    let mut played = match protocol {
        ProtocolKind::Sao => drive::sao::play(session),
        ProtocolKind::SingleText(m) => drive::single_text::play(session, m, seed),
        ProtocolKind::PartialRounds => drive::partial_rounds::play(session),
    };
    if let Some(f) = faults.take() {
        cut_trace(&mut session.trace, &f);
        played = Played::invalid(f.seat, f.reason, f.step + 1, played.left);
    }
    score(session, played)
}

/// Drops what the trace holds after the failed move: later rounds, and in
/// the fault's round the failing seat's (fallback) answer and those after it.
fn cut_trace(trace: &mut Trace, f: &Fault) {
    trace.events.retain(|e| e.step <= f.step);
    for e in trace.events.iter_mut().filter(|e| e.step == f.step) {
        if let Some(k) = e.responses.iter().position(|&(seat, _)| seat == f.seat) {
            e.responses.truncate(k);
        }
    }
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
    negotiate_built(
        prepared,
        strategies,
        &negotiator::Builder::default(),
        config,
        time,
    )
}

/// [`negotiate_on`] with the negotiators `builder` builds (the `llm`
/// strategy needs a builder holding a language model).
pub fn negotiate_built(
    prepared: &Prepared,
    strategies: &[&str],
    builder: &negotiator::Builder,
    config: &Config,
    time: Arc<dyn TimeSource>,
) -> Result<NegotiationResult, SimError> {
    check_strategy_count(prepared, strategies)?;
    for s in strategies {
        builder.check(s)?;
    }
    negotiate_with(
        prepared,
        config,
        time,
        &mut |info| builder.build(strategies[info.seat], prepared, info),
        &Faults::default(),
    )
}

/// Refuses a list of strategies that is not one per negotiator.
pub(crate) fn check_strategy_count(
    prepared: &Prepared,
    strategies: &[&str],
) -> Result<(), SimError> {
    let n = prepared.prefs.len();
    if strategies.len() != n {
        return Err(SimError::StrategyCount {
            given: strategies.len(),
            parties: n,
            names: prepared.names().join(", "),
        });
    }
    Ok(())
}

/// A negotiator built for a seat, or why it could not be.
pub type Built = Result<Box<dyn negotiator::Negotiator>, SimError>;

/// Seats the negotiators `seat` builds (asked once per seat, in seat order,
/// with what the seat is given: its own preferences and a seed derived from
/// the configuration's) and plays the negotiation on the given time source.
/// A fault a negotiator reports to `faults` ends the negotiation as an
/// invalid move (module docs).
pub fn negotiate_with(
    prepared: &Prepared,
    config: &Config,
    time: Arc<dyn TimeSource>,
    seat: &mut dyn FnMut(&SeatInfo) -> Built,
    faults: &Faults,
) -> Result<NegotiationResult, SimError> {
    let n = prepared.prefs.len();
    config.deadline.check()?;
    if prepared.space.is_searched() && config.protocol != ProtocolKind::Sao {
        return Err(SimError::NeedsEnumeration {
            what: format!("the {} protocol", config.protocol.name()),
            outcomes: prepared.scenario.outcome_count(),
            limit: crate::space::MAX_OUTCOMES,
        });
    }
    let negotiators = (0..n)
        .map(|k| {
            seat(&SeatInfo {
                seat: k,
                parties: n,
                prefs: prepared.prefs[k].clone(),
                space: prepared.space.clone(),
                seed: derive_seed(config.seed, k as u64 + 1),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut session = Session::with_clock(
        prepared.space.clone(),
        prepared.prefs.clone(),
        negotiators,
        Clock::with_source(config.deadline, time),
        config.record,
    );
    Ok(run_checked(
        &mut session,
        config.protocol,
        derive_seed(config.seed, 0),
        faults,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::negotiator::{Negotiator, Now, Response};
    use crate::test_support::line;

    /// Offers its best option and rejects everything; in round `fail_at`
    /// it reports a fault and makes the fallback move instead.
    struct Failing {
        seat: usize,
        fail_at: usize,
        faults: Arc<Faults>,
    }

    impl Failing {
        fn failed(&self, now: &Now) -> bool {
            if now.step == self.fail_at {
                self.faults.report(Fault {
                    seat: self.seat,
                    step: now.step,
                    reason: format!("seat {} failed", self.seat),
                });
            }
            self.faults.any()
        }
    }

    impl Negotiator for Failing {
        fn respond(&mut self, now: &Now, _: OutcomeId, _: usize) -> Response {
            if self.failed(now) {
                Response::End
            } else {
                Response::Reject
            }
        }
        fn propose(&mut self, now: &Now) -> Option<OutcomeId> {
            (!self.failed(now)).then_some(if self.seat == 0 { 4 } else { 0 })
        }
        fn vote(&mut self, now: &Now, _: Option<OutcomeId>, _: OutcomeId) -> bool {
            !self.failed(now)
        }
    }

    fn play(protocol: ProtocolKind, fail_at: usize) -> NegotiationResult {
        let p = line();
        let faults = Arc::new(Faults::default());
        let config = Config {
            protocol,
            record: true,
            ..Config::sao(10, 7)
        };
        negotiate_with(
            &p,
            &config,
            Arc::new(WallClock::start()),
            &mut |info| {
                Ok(match info.seat {
                    1 => Box::new(Failing {
                        seat: 1,
                        fail_at,
                        faults: faults.clone(),
                    }),
                    _ => negotiator::build("hardliner", info)?,
                })
            },
            &faults,
        )
        .unwrap()
    }

    #[test]
    fn a_fault_ends_alternating_offers_as_an_invalid_move() {
        let r = play(ProtocolKind::Sao, 3);
        assert_eq!(
            r.end,
            End::Invalid {
                seat: 1,
                reason: "seat 1 failed".into()
            }
        );
        assert_eq!((r.agreement, r.steps), (None, 4));
        assert_eq!(r.utilities, vec![0.0, 0.0]);
        let last = r.trace.events.last().unwrap();
        assert_eq!(last.step, 3);
        // The failing seat's fallback answer is not in the trace.
        assert!(last.responses.is_empty(), "{:?}", last.responses);
    }

    #[test]
    fn a_fault_in_a_vote_ends_the_single_text_in_its_round() {
        let r = play(ProtocolKind::SingleText(Mediator::Veto), 2);
        assert!(matches!(r.end, End::Invalid { seat: 1, .. }), "{:?}", r.end);
        assert_eq!((r.agreement, r.steps), (None, 3));
        assert_eq!(r.trace.events.len(), 3);
        let last = r.trace.events.last().unwrap();
        assert_eq!(last.responses.iter().map(|x| x.0).collect::<Vec<_>>(), [0]);
    }

    #[test]
    fn without_faults_the_negotiation_runs_to_its_end() {
        let r = play(ProtocolKind::Sao, 99);
        assert_eq!((r.end.clone(), r.steps), (End::Deadline, 10));
    }
}
