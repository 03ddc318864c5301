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
//!   `propose`); an offer with nothing to answer is a `propose`; a pass (a
//!   rejection without a counter-offer, which live sessions allow) has no
//!   negotiator answer and is refused up front ([`ScriptError::Pass`]);
//! * single text: each vote is the seat's next `vote`;
//! * partial rounds go through the runner's adapter (every seat proposes a
//!   whole package, then accepts or declines the others' proposals, then
//!   closes): a proposal must cover every issue ([`ScriptError::Piecemeal`]),
//!   an acceptance answers the proposal of the seat named, closing moves are
//!   the adapter's own;
//! * a seat whose moves have run out ends the negotiation (or vetoes); the
//!   moves never asked for are counted in [`Replayed::unplayed`].

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use pactum_protocol::{partial_rounds, sao};

use crate::error::SimError;
use crate::negotiator::{Negotiator, Now, Response};
use crate::prefs::Prepared;
use crate::runner::{NegotiationResult, ProtocolKind, run};
use crate::session::{Clock, Deadline, Session};
use crate::space::{OutcomeId, OutcomeSpace};
use crate::trace::{Move, Step};

/// Why a list of moves cannot be replayed through the runner.
#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    /// An alternating-offers rejection without a counter-offer.
    #[error(
        "move {index}: seat {seat} rejects without a counter-offer, which no simulated negotiator can do (a rejection there always comes with one)"
    )]
    Pass {
        /// Position of the move in the list, from 0.
        index: usize,
        /// The seat.
        seat: usize,
    },
    /// A partial-rounds proposal of some issues only.
    #[error(
        "move {index}: seat {seat} proposes some issues only; the runner's partial-rounds adapter plays whole packages"
    )]
    Piecemeal {
        /// Position of the move in the list, from 0.
        index: usize,
        /// The seat.
        seat: usize,
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
    let n = prepared.prefs.len();
    // Each seat's moves, and whether each answers a `respond` (in partial
    // rounds an ending move is a `respond` answer once every seat proposed).
    let mut queues: Vec<VecDeque<(Move, bool)>> = vec![VecDeque::new(); n];
    // Partial rounds: who made each proposal; proposals of the round so far.
    let mut proposers: Vec<(u64, usize)> = Vec::new();
    let mut proposed = 0usize;
    let issues = prepared.space.issues();
    for (index, step) in steps.iter().enumerate() {
        let foreign = ScriptError::Foreign {
            index,
            seat: step.seat,
            protocol: protocol.name(),
        };
        if step.seat >= n {
            return Err(foreign);
        }
        match (&step.mv, protocol) {
            (Move::Sao(sao::Move::Reject), ProtocolKind::Sao) => {
                return Err(ScriptError::Pass {
                    index,
                    seat: step.seat,
                });
            }
            (Move::Sao(_), ProtocolKind::Sao) | (Move::Vote(_), ProtocolKind::SingleText(_)) => {}
            (Move::Partial(mv), ProtocolKind::PartialRounds) => match mv {
                partial_rounds::Move::Propose { id, issues: pairs } => {
                    let mut covered: Vec<usize> = pairs.iter().map(|&(i, _)| i).collect();
                    covered.sort_unstable();
                    covered.dedup();
                    if covered.len() != issues || pairs.len() != issues {
                        return Err(ScriptError::Piecemeal {
                            index,
                            seat: step.seat,
                        });
                    }
                    proposers.push((*id, step.seat));
                    proposed += 1;
                }
                // Closing is the adapter's own move.
                partial_rounds::Move::Reject => {
                    proposed = 0;
                    continue;
                }
                partial_rounds::Move::Accept { .. } => {}
                partial_rounds::Move::End => {
                    queues[step.seat].push_back((step.mv.clone(), proposed == n));
                    continue;
                }
            },
            _ => return Err(foreign),
        }
        let responding = !matches!(step.mv, Move::Partial(partial_rounds::Move::Propose { .. }));
        queues[step.seat].push_back((step.mv.clone(), responding));
    }
    let total: usize = queues.iter().map(VecDeque::len).sum();
    let played = Arc::new(AtomicUsize::new(0));
    let proposers = Arc::new(proposers);
    let negotiators: Vec<Box<dyn Negotiator>> = queues
        .into_iter()
        .map(|moves| {
            Box::new(Scripted {
                moves,
                played: played.clone(),
                pending: None,
                space: prepared.space.clone(),
                proposers: proposers.clone(),
                partial: protocol == ProtocolKind::PartialRounds,
            }) as Box<dyn Negotiator>
        })
        .collect();
    let mut session = Session::with_clock(
        prepared.space.clone(),
        prepared.prefs.clone(),
        negotiators,
        Clock::start(deadline),
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
    /// The seat's moves, each with whether it answers a `respond`.
    moves: VecDeque<(Move, bool)>,
    /// Moves taken, all seats together.
    played: Arc<AtomicUsize>,
    /// The counter-offer of a rejection, asked for next.
    pending: Option<OutcomeId>,
    space: Arc<OutcomeSpace>,
    /// Partial rounds: each proposal's id and proposer, in order.
    proposers: Arc<Vec<(u64, usize)>>,
    /// Playing partial rounds (where declining is no move).
    partial: bool,
}

impl Scripted {
    fn take(&mut self) -> Option<Move> {
        let (mv, _) = self.moves.pop_front()?;
        self.played.fetch_add(1, Ordering::Relaxed);
        Some(mv)
    }

    fn proposer_of(&self, id: u64) -> Option<usize> {
        self.proposers
            .iter()
            .find(|(p, _)| *p == id)
            .map(|&(_, s)| s)
    }
}

impl Negotiator for Scripted {
    fn respond(&mut self, _now: &Now, _offer: OutcomeId, proposer: usize) -> Response {
        if self.partial {
            // The adapter asks about each open proposal of the round; a
            // proposal not accepted is declined, which is no move.
            return match self.moves.front() {
                Some((Move::Partial(partial_rounds::Move::Accept { id }), _))
                    if self.proposer_of(*id) == Some(proposer) =>
                {
                    self.take();
                    Response::Accept
                }
                Some((Move::Partial(partial_rounds::Move::End), true)) => {
                    self.take();
                    Response::End
                }
                _ => Response::Reject,
            };
        }
        match self.take() {
            Some(Move::Sao(sao::Move::Accept)) => Response::Accept,
            Some(Move::Sao(sao::Move::Offer(o))) => {
                self.pending = Some(o);
                Response::Reject
            }
            Some(Move::Sao(sao::Move::Leave)) => Response::Leave,
            _ => Response::End,
        }
    }

    fn propose(&mut self, _now: &Now) -> Option<OutcomeId> {
        if let Some(o) = self.pending.take() {
            return Some(o);
        }
        match self.take()? {
            Move::Sao(sao::Move::Offer(o)) => Some(o),
            Move::Partial(partial_rounds::Move::Propose { issues, .. }) => {
                let mut values = vec![0; issues.len()];
                for (i, v) in issues {
                    values[i] = v;
                }
                self.space.encode(&values).ok()
            }
            _ => None,
        }
    }

    fn vote(&mut self, _now: &Now, _current: Option<OutcomeId>, _proposal: OutcomeId) -> bool {
        matches!(self.take(), Some(Move::Vote(true)))
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

    #[test]
    fn a_pass_cannot_be_replayed() {
        let steps = [Step {
            seat: 0,
            mv: Move::Sao(sao::Move::Reject),
        }];
        let e = replay(
            &prepared(),
            ProtocolKind::Sao,
            Deadline::steps(5),
            0,
            &steps,
        );
        assert!(matches!(e, Err(ScriptError::Pass { index: 0, seat: 0 })));
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
}
