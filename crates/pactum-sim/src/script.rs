//! Re-running a negotiation from its moves: scripted negotiators answer the
//! runner with the moves of a given list ([`Step`]s, as a recorded trace or
//! a live session's record holds them), so the same runner and the same
//! engine rules decide the result.
//!
//! Rules kept here:
//!
//! * each seat is given its own moves, in the order listed; the runner asks
//!   the seats in the protocol's order, so a list played in that order is
//!   played move for move;
//! * alternating offers: an offer answering another seat's standing offer is
//!   the negotiator's rejection with that counter-offer (`Reject`, then
//!   `propose`); an offer with nothing to answer is a `propose`; a
//!   rejection without a counter-offer is `RejectWithoutOffer`;
//! * single text: each vote is the seat's next `vote`;
//! * partial rounds are played free-form: each seat plays its next move
//!   when it is the next of the list (the runner asks the seats in turn,
//!   and a seat whose move is not the next one waits), so any order of
//!   moves the rules allow is played as listed, proposals of some issues
//!   included;
//! * a seat whose moves have run out ends the negotiation (or vetoes); the
//!   moves never asked for are counted in [`Replayed::unplayed`];
//! * time ([`replay_timed`]): the clock reads, at each point, the recorded
//!   time of the next move to be played, and after the last one the
//!   recorded time of the expiry (if the negotiation ran out of time), so
//!   the runner's deadline checks find the time up exactly where the
//!   original did; without times ([`replay`]) the negotiation runs on the
//!   real clock.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use pactum_protocol::{partial_rounds, sao};

use crate::error::SimError;
use crate::negotiator::{Negotiator, Now, Response};
use crate::prefs::Prepared;
use crate::runner::{NegotiationResult, ProtocolKind, run};
use crate::session::{Clock, Deadline, Session, TimeSource};
use crate::space::OutcomeId;
pub use crate::trace::MoveTimes;
use crate::trace::{Move, Step};

/// Why a list of moves cannot be replayed through the runner.
#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    /// Times given for another number of moves than listed.
    #[error("{times} move times for {moves} moves")]
    Times {
        /// Moves listed.
        moves: usize,
        /// Times given.
        times: usize,
    },
    /// A move of another protocol than the one replayed, or of no seat.
    #[error("move {index}: not a move of seat {seat} under {protocol}")]
    Foreign {
        /// Position of the move in the list, from 0.
        index: usize,
        /// The seat.
        seat: usize,
        /// The protocol replayed.
        protocol: &'static str,
    },
    /// The negotiation cannot be set up.
    #[error(transparent)]
    Setup(#[from] SimError),
}

/// The result of a replay and how much of the list it played.
#[derive(Debug, Clone)]
pub struct Replayed {
    /// How the negotiation came out (with its trace).
    pub result: NegotiationResult,
    /// Moves of the list never asked for (0 when the list is exactly the
    /// negotiation's).
    pub unplayed: usize,
}

/// Plays `protocol` on `prepared` within `deadline` with every seat's moves
/// taken from `steps` (`seed`: the mediator's, as in
/// [`negotiate`](crate::runner::negotiate), which derives it from its
/// config's seed with stream 0). The trace is recorded.
pub fn replay(
    prepared: &Prepared,
    protocol: ProtocolKind,
    deadline: Deadline,
    mediator_seed: u64,
    steps: &[Step],
) -> Result<Replayed, ScriptError> {
    deadline.check().map_err(SimError::from)?;
    play(prepared, protocol, mediator_seed, steps, |_| {
        Clock::start(deadline)
    })
}

/// [`replay`] on the recorded times: the runner's clock reads the time of
/// the next move to be played (then that of the expiry), so a negotiation
/// that ran out of its wall-clock time runs out at the same point.
pub fn replay_timed(
    prepared: &Prepared,
    protocol: ProtocolKind,
    deadline: Deadline,
    mediator_seed: u64,
    steps: &[Step],
    times: MoveTimes,
) -> Result<Replayed, ScriptError> {
    deadline.check().map_err(SimError::from)?;
    if times.moves.len() != steps.len() {
        return Err(ScriptError::Times {
            moves: steps.len(),
            times: times.moves.len(),
        });
    }
    play(prepared, protocol, mediator_seed, steps, |played| {
        Clock::with_source(
            deadline,
            Arc::new(ScriptClock {
                times: Arc::new(times),
                played,
            }),
        )
    })
}

/// The clock of a timed replay: the recorded time of the next move.
#[derive(Debug)]
struct ScriptClock {
    times: Arc<MoveTimes>,
    /// Moves played so far, all seats together.
    played: Arc<AtomicUsize>,
}

impl TimeSource for ScriptClock {
    fn elapsed(&self) -> Duration {
        let next = self.played.load(Ordering::Relaxed);
        match self.times.moves.get(next) {
            Some(&at) => at,
            None => self
                .times
                .expired
                .unwrap_or_else(|| self.times.moves.last().copied().unwrap_or_default()),
        }
    }
}

/// Plays the list on the clock `clock` makes from the shared count of
/// moves played.
fn play(
    prepared: &Prepared,
    protocol: ProtocolKind,
    mediator_seed: u64,
    steps: &[Step],
    clock: impl FnOnce(Arc<AtomicUsize>) -> Clock,
) -> Result<Replayed, ScriptError> {
    let n = prepared.prefs.len();
    // Each seat's moves, with their places in the list.
    let mut queues: Vec<VecDeque<(usize, Move)>> = vec![VecDeque::new(); n];
    for (index, step) in steps.iter().enumerate() {
        let fits = matches!(
            (&step.mv, protocol),
            (Move::Sao(_), ProtocolKind::Sao)
                | (Move::Vote(_), ProtocolKind::SingleText(_))
                | (Move::Partial(_), ProtocolKind::PartialRounds)
        );
        if step.seat >= n || !fits {
            return Err(ScriptError::Foreign {
                index,
                seat: step.seat,
                protocol: protocol.name(),
            });
        }
        queues[step.seat].push_back((index, step.mv.clone()));
    }
    let total: usize = queues.iter().map(VecDeque::len).sum();
    let played = Arc::new(AtomicUsize::new(0));
    let negotiators: Vec<Box<dyn Negotiator>> = queues
        .into_iter()
        .map(|moves| {
            Box::new(Scripted {
                moves,
                played: played.clone(),
                pending: None,
                partial: protocol == ProtocolKind::PartialRounds,
            }) as Box<dyn Negotiator>
        })
        .collect();
    let mut session = Session::with_clock(
        prepared.space.clone(),
        prepared.prefs.clone(),
        negotiators,
        clock(played.clone()),
        true,
    );
    let result = run(&mut session, protocol, mediator_seed);
    Ok(Replayed {
        result,
        unplayed: total - played.load(Ordering::Relaxed),
    })
}

/// A negotiator answering with its seat's moves of a list.
struct Scripted {
    /// The seat's moves, each with its place in the list.
    moves: VecDeque<(usize, Move)>,
    /// Moves taken, all seats together.
    played: Arc<AtomicUsize>,
    /// The counter-offer of a rejection, asked for next.
    pending: Option<OutcomeId>,
    /// Playing partial rounds (free-form, in the list's order).
    partial: bool,
}

impl Scripted {
    fn take(&mut self) -> Option<Move> {
        let (_, mv) = self.moves.pop_front()?;
        self.played.fetch_add(1, Ordering::Relaxed);
        Some(mv)
    }
}

impl Negotiator for Scripted {
    fn respond(&mut self, _now: &Now, _offer: OutcomeId, _proposer: usize) -> Response {
        match self.take() {
            Some(Move::Sao(sao::Move::Accept)) => Response::Accept,
            Some(Move::Sao(sao::Move::Offer(o))) => {
                self.pending = Some(o);
                Response::Reject
            }
            Some(Move::Sao(sao::Move::Leave)) => Response::Leave,
            Some(Move::Sao(sao::Move::Reject)) => Response::RejectWithoutOffer,
            _ => Response::End,
        }
    }

    fn propose(&mut self, _now: &Now) -> Option<OutcomeId> {
        if let Some(o) = self.pending.take() {
            return Some(o);
        }
        match self.take()? {
            Move::Sao(sao::Move::Offer(o)) => Some(o),
            _ => None,
        }
    }

    fn vote(&mut self, _now: &Now, _current: Option<OutcomeId>, _proposal: OutcomeId) -> bool {
        matches!(self.take(), Some(Move::Vote(true)))
    }

    fn plays_free_form(&self) -> bool {
        self.partial
    }

    fn partial_move(
        &mut self,
        _now: &Now,
        _game: &partial_rounds::PartialRounds<OutcomeId>,
    ) -> Option<partial_rounds::Move> {
        let next = self.played.load(Ordering::Relaxed);
        if self.moves.front().is_none_or(|(index, _)| *index != next) {
            return None;
        }
        match self.take()? {
            Move::Partial(mv) => Some(mv),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::{Config, Mediator, negotiate};

    fn prepared() -> Prepared {
        let text = include_str!("../../../examples/car-purchase.toml");
        let loaded = pactum_core::native::from_toml("t.toml", text).unwrap();
        Prepared::new(loaded.scenario).unwrap()
    }

    fn rerun(protocol: ProtocolKind, strategies: &[&str], seed: u64) {
        let p = prepared();
        let config = Config {
            protocol,
            deadline: Deadline::steps(20),
            seed,
            record: true,
        };
        let original = negotiate(&p, strategies, &config).unwrap();
        let again = replay(
            &p,
            protocol,
            config.deadline,
            crate::runner::derive_seed(seed, 0),
            &original.trace.moves,
        )
        .unwrap();
        assert_eq!(again.unplayed, 0);
        assert_eq!(again.result.agreement, original.agreement);
        assert_eq!(again.result.utilities, original.utilities);
        assert_eq!(again.result.steps, original.steps);
        assert_eq!(again.result.end, original.end);
        assert_eq!(again.result.trace.moves, original.trace.moves);
    }

    #[test]
    fn a_recorded_run_replays_move_for_move_in_every_protocol() {
        for seed in 0..4 {
            rerun(ProtocolKind::Sao, &["boulware", "conceder"], seed);
            rerun(ProtocolKind::Sao, &["random", "linear"], seed);
            rerun(
                ProtocolKind::SingleText(Mediator::HillClimbing),
                &["random", "conceder"],
                seed,
            );
            rerun(
                ProtocolKind::SingleText(Mediator::DraftAndVote),
                &["linear", "random"],
                seed,
            );
            rerun(ProtocolKind::PartialRounds, &["random", "boulware"], seed);
        }
    }

    fn sao_steps(moves: &[(usize, sao::Move<OutcomeId>)]) -> Vec<Step> {
        moves
            .iter()
            .map(|(seat, mv)| Step {
                seat: *seat,
                mv: Move::Sao(mv.clone()),
            })
            .collect()
    }

    #[test]
    fn a_rejection_without_a_counter_offer_replays() {
        let p = prepared();
        let both = |skip: usize| {
            (0..p.space.len() as OutcomeId)
                .filter(|&o| p.prefs.iter().all(|q| q.is_rational(o)))
                .nth(skip)
                .unwrap()
        };
        let (a, b) = (both(0), both(1));
        let steps = sao_steps(&[
            (0, sao::Move::Offer(a)),
            (1, sao::Move::Reject),
            (0, sao::Move::Offer(b)),
            (1, sao::Move::Accept),
        ]);
        let r = replay(&p, ProtocolKind::Sao, Deadline::steps(5), 0, &steps);
        let r = r.unwrap();
        assert_eq!(r.unplayed, 0);
        assert_eq!(r.result.trace.moves, steps);
        assert_eq!(r.result.steps, 2);
    }

    #[test]
    fn a_timed_replay_runs_out_of_time_where_the_record_did() {
        let p = prepared();
        let offer = |seat: usize| p.prefs[seat].sorted.last().copied().unwrap();
        let steps = sao_steps(&[
            (0, sao::Move::Offer(offer(0))),
            (1, sao::Move::Offer(offer(1))),
            (0, sao::Move::Offer(offer(0))),
        ]);
        let deadline = Deadline {
            steps: Some(20),
            time_limit: Some(Duration::from_secs(5)),
        };
        let secs = |s: &[u64]| s.iter().map(|&s| Duration::from_secs(s)).collect();
        // The record ran out of time after its third move.
        let times = MoveTimes {
            moves: secs(&[1, 2, 3]),
            expired: Some(Duration::from_secs(7)),
        };
        let r = replay_timed(&p, ProtocolKind::Sao, deadline, 0, &steps, times).unwrap();
        assert_eq!((r.unplayed, r.result.steps), (0, 2));
        assert_eq!(r.result.end, crate::End::Deadline);
        // A move made after the limit is not played: time ran out first.
        let late = MoveTimes {
            moves: secs(&[1, 6, 7]),
            expired: None,
        };
        let r = replay_timed(&p, ProtocolKind::Sao, deadline, 0, &steps, late).unwrap();
        assert_eq!((r.unplayed, r.result.steps), (2, 1));
        assert_eq!(r.result.end, crate::End::Deadline);
        // Times must match the moves one for one.
        let short = MoveTimes {
            moves: secs(&[1]),
            expired: None,
        };
        let e = replay_timed(&p, ProtocolKind::Sao, deadline, 0, &steps, short);
        assert!(matches!(e, Err(ScriptError::Times { moves: 3, times: 1 })));
    }

    #[test]
    fn moves_of_another_protocol_are_refused() {
        let steps = [Step {
            seat: 1,
            mv: Move::Vote(true),
        }];
        let e = replay(
            &prepared(),
            ProtocolKind::Sao,
            Deadline::steps(5),
            0,
            &steps,
        );
        assert!(matches!(e, Err(ScriptError::Foreign { index: 0, .. })));
    }

    #[test]
    fn moves_left_over_are_counted() {
        let p = prepared();
        let steps = [
            Step {
                seat: 0,
                mv: Move::Sao(sao::Move::End),
            },
            Step {
                seat: 1,
                mv: Move::Sao(sao::Move::Accept),
            },
        ];
        let r = replay(&p, ProtocolKind::Sao, Deadline::steps(5), 0, &steps).unwrap();
        assert_eq!(r.unplayed, 1);
        assert_eq!(r.result.end, crate::End::Ended { seat: 0 });
    }

    #[test]
    fn partial_rounds_replay_in_any_order_with_proposals_of_some_issues() {
        let p = prepared();
        let agreed = (0..p.space.len() as OutcomeId)
            .find(|&o| p.prefs.iter().all(|q| q.is_rational(o)))
            .unwrap();
        let values = p.space.decode(agreed);
        let (first, rest): (Vec<_>, Vec<_>) = values
            .iter()
            .enumerate()
            .map(|(i, &v)| (i, v))
            .partition(|&(i, _)| i == 0);
        let partial = |seat: usize, mv: partial_rounds::Move| Step {
            seat,
            mv: Move::Partial(mv),
        };
        // Seat 1 accepts seat 0's proposal of the first issue before it
        // proposes anything itself; then the rest, proposed by seat 1.
        let steps = vec![
            partial(
                0,
                partial_rounds::Move::Propose {
                    id: 7,
                    issues: first,
                },
            ),
            partial(1, partial_rounds::Move::Accept { id: 7 }),
            partial(
                1,
                partial_rounds::Move::Propose {
                    id: 9,
                    issues: rest,
                },
            ),
            partial(0, partial_rounds::Move::Accept { id: 9 }),
        ];
        let r = replay(
            &p,
            ProtocolKind::PartialRounds,
            Deadline::steps(5),
            0,
            &steps,
        )
        .unwrap();
        assert_eq!(r.unplayed, 0);
        assert_eq!(r.result.agreement, Some(agreed));
        assert_eq!(r.result.trace.moves, steps);
        // Moves that stop before the end: nobody can move, no agreement.
        let r = replay(
            &p,
            ProtocolKind::PartialRounds,
            Deadline::steps(5),
            0,
            &steps[..2],
        )
        .unwrap();
        assert_eq!((r.unplayed, r.result.agreement), (0, None));
    }
}
