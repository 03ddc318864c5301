//! Partial rounds in a simulation, through a simple adapter for the
//! built-in negotiators (which think in whole packages):
//!
//! * each round, every seat in turn proposes its next offer (`propose`) as
//!   a package over the open issues (its values of those issues); `None`
//!   ends the negotiation;
//! * then every seat in turn considers the other seats' open proposals of
//!   the round, in the order made: it accepts one when it would accept the
//!   package the proposal completes (the settled issues plus the proposal)
//!   as a standing offer (`respond` answers `Accept`); `End` ends the
//!   negotiation; anything else declines it;
//! * then every seat closes its part of the round.
//!
//! Since every proposal covers all the open issues, an accepted proposal
//! completes the agreement: the adapter plays simultaneous offers with
//! settlements, not piecemeal bargaining. Every seat is told of each
//! proposal, as the package it would complete.
//!
//! When every seat plays free-form ([`Negotiator::plays_free_form`]: a
//! scripted re-run of a record does), the runner asks the seats in turn,
//! round after round of asking, for their next move
//! ([`Negotiator::partial_move`]) — a proposal of some issues, an
//! acceptance, closing their part, the end — or lets them wait; so any
//! order of moves the rules allow can be played. When every seat waits in
//! a row, nobody can move any more and the negotiation stops there,
//! without agreement, as at a deadline.
//!
//! [`Negotiator::plays_free_form`]: crate::negotiator::Negotiator::plays_free_form
//! [`Negotiator::partial_move`]: crate::negotiator::Negotiator::partial_move

use pactum_protocol::partial_rounds::{Move, PartialRounds};
use pactum_protocol::{Context, Protocol, Space};

use super::Played;
use crate::negotiator::Response;
use crate::session::{Limits, Session, now};
use crate::space::OutcomeId;
use crate::trace;

pub(crate) fn play(s: &mut Session) -> Played {
    let space = s.space.clone();
    let prefs = s.prefs.clone();
    let limits = Limits(&prefs);
    let ctx = Context::new(&*space, &limits);
    let n = s.seats();
    let deadline = *s.clock.deadline();
    let mut game = match PartialRounds::<OutcomeId>::new(space.issues(), n, &deadline) {
        Ok(g) => g,
        Err(e) => return Played::invalid(0, e.to_string(), 0, Vec::new()),
    };
    if s.negotiators.iter().all(|n| n.plays_free_form()) {
        return free_form(s, game, &ctx);
    }
    let mut next_id = 0u64;
    // (id, proposer, the package it completes)
    let mut round: Vec<(u64, usize, OutcomeId)> = Vec::new();
    // The time read before the latest expiry check: each move is stamped
    // with it (the round's closing rejections with the last one).
    let mut stamp = None;
    'play: while game.end().is_none() {
        let step = game.round() as usize;
        round.clear();
        for seat in 0..n {
            stamp = s.stamp();
            if game.expire(&s.clock).is_some() {
                let at = s.stamp();
                s.trace.expired(at);
                break 'play;
            }
            let now = now(&s.clock, step);
            let mv = match s.negotiators[seat].propose(&now) {
                Some(offer) if space.contains(offer) => {
                    next_id += 1;
                    round.push((next_id, seat, offer));
                    Move::Propose {
                        id: next_id,
                        issues: game
                            .open_issues()
                            .into_iter()
                            .map(|i| (i, space.value(offer, i)))
                            .collect(),
                    }
                }
                Some(offer) => {
                    let reason = pactum_protocol::Rejection::from(
                        Space::check(&*space, &offer).unwrap_err(),
                    );
                    return Played::invalid(seat, reason.to_string(), step + 1, Vec::new());
                }
                None => Move::End,
            };
            let proposing = matches!(mv, Move::Propose { .. });
            let kept = s.trace.enabled.then(|| mv.clone());
            if let Err(r) = game.apply(seat, mv, &ctx) {
                return Played::invalid(seat, r.to_string(), step + 1, Vec::new());
            }
            if let Some(mv) = kept {
                s.trace.moved(seat, stamp, || trace::Move::Partial(mv));
            }
            if !proposing {
                break 'play;
            }
            s.trace
                .offer(step, now.time, Some(seat), round[round.len() - 1].2);
            for (j, neg) in s.negotiators.iter_mut().enumerate() {
                if j != seat {
                    neg.on_offer(&now, round[round.len() - 1].2, seat);
                }
            }
        }
        for seat in 0..n {
            for &(id, proposer, package) in &round {
                if proposer == seat || game.end().is_some() {
                    continue;
                }
                if !game.proposals().iter().any(|p| p.id == id && p.open) {
                    continue;
                }
                stamp = s.stamp();
                if game.expire(&s.clock).is_some() {
                    let at = s.stamp();
                    s.trace.expired(at);
                    break 'play;
                }
                let now = now(&s.clock, step);
                let mv = match s.negotiators[seat].respond(&now, package, proposer) {
                    Response::Accept => Move::Accept { id },
                    Response::End => Move::End,
                    Response::Reject | Response::RejectWithoutOffer | Response::Leave => continue,
                };
                if let Err(r) = game.apply(seat, mv.clone(), &ctx) {
                    return Played::invalid(seat, r.to_string(), step + 1, Vec::new());
                }
                s.trace.moved(seat, stamp, || trace::Move::Partial(mv));
            }
        }
        for seat in 0..n {
            if game.end().is_some() {
                break 'play;
            }
            if let Err(r) = game.apply(seat, Move::Reject, &ctx) {
                return Played::invalid(seat, r.to_string(), step + 1, Vec::new());
            }
            s.trace
                .moved(seat, stamp, || trace::Move::Partial(Move::Reject));
        }
    }
    Played::from_engine(game.end(), game.rounds_started(), Vec::new())
}

/// Free-form partial rounds: the seats asked in turn for their next move.
fn free_form(
    s: &mut Session,
    mut game: PartialRounds<OutcomeId>,
    ctx: &Context<'_, crate::space::SimSpace, Limits<'_>>,
) -> Played {
    let n = s.seats();
    let (mut seat, mut waiting) = (0, 0);
    while game.end().is_none() {
        let stamp = s.stamp();
        if game.expire(&s.clock).is_some() {
            let at = s.stamp();
            s.trace.expired(at);
            break;
        }
        let step = game.round() as usize;
        let now = now(&s.clock, step);
        match s.negotiators[seat].partial_move(&now, &game) {
            Some(mv) => {
                waiting = 0;
                let kept = s.trace.enabled.then(|| mv.clone());
                if let Err(r) = game.apply(seat, mv, ctx) {
                    return Played::invalid(seat, r.to_string(), step + 1, Vec::new());
                }
                if let Some(mv) = kept {
                    s.trace.moved(seat, stamp, || trace::Move::Partial(mv));
                }
            }
            None => {
                waiting += 1;
                if waiting == n {
                    break;
                }
            }
        }
        seat = (seat + 1) % n;
    }
    Played::from_engine(game.end(), game.rounds_started(), Vec::new())
}
