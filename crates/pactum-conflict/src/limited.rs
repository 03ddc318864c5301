//! Limited-move stability L_h (Kilgour 1985; Fang, Hipel & Kilgour 1993,
//! ch. 5): a DM looks h moves ahead, the two DMs moving in turn, each
//! choosing its move by what the rest of the horizon makes of it.
//!
//! Rules, for two DMs i and j: the anticipated final state G_0(i, s) = s;
//! for h ≥ 1, G_h(i, s) = G_{h−1}(j, t*) where t* is i's unilateral move
//! from s whose anticipated final state G_{h−1}(j, t*) i prefers most, if i
//! strictly prefers that state to s; otherwise G_h(i, s) = s (i stays).
//! State s is L_h stable for i when G_h(i, s) = s. L_1 is Nash stability.
//! The published definition assumes i never has two best moves with
//! different outcomes; when it has (ties in preferences), the move to the
//! state of lowest id among the best is taken, so results are determined.
//! Defined for two DMs only: with more, who moves next is not given, and
//! [`LimitedError::NotTwoDecisionMakers`] is returned. The horizon is at
//! least 1 and at most [`MAX_HORIZON`]; the work is h × (states + moves).

use crate::error::LimitedError;
use crate::model::Conflict;
use crate::moves::Moves;
use crate::states::StateSpace;

/// The longest horizon analysed.
pub const MAX_HORIZON: usize = crate::error::MAX_HORIZON;

/// Per DM, per state index: whether the state is L_h stable at `horizon`.
pub fn limited_move_stable(
    conflict: &Conflict,
    states: &StateSpace,
    moves: &Moves,
    horizon: usize,
) -> Result<Vec<Vec<bool>>, LimitedError> {
    let dms = conflict.decision_makers().len();
    if dms != 2 || moves.dms() != 2 {
        return Err(LimitedError::NotTwoDecisionMakers(dms));
    }
    if horizon == 0 || horizon > MAX_HORIZON {
        return Err(LimitedError::Horizon {
            horizon,
            max: MAX_HORIZON,
        });
    }
    let finals = anticipated(states, moves, horizon);
    Ok((0..2)
        .map(|i| finals[i].iter().enumerate().map(|(s, &f)| f == s).collect())
        .collect())
}

/// `G_horizon(i, s)` for both DMs and every state, built up from G_0.
fn anticipated(states: &StateSpace, moves: &Moves, horizon: usize) -> [Vec<usize>; 2] {
    let n = states.len();
    let mut g: [Vec<usize>; 2] = [(0..n).collect(), (0..n).collect()];
    for _ in 0..horizon {
        let next = |i: usize| -> Vec<usize> {
            let (score, other) = (states.scores(i), &g[1 - i]);
            (0..n)
                .map(|s| {
                    let mut best: Option<usize> = None;
                    for &t in moves.moves(i, s) {
                        let f = other[t];
                        if best.is_none_or(|b| score[f] > score[b]) {
                            best = Some(f);
                        }
                    }
                    match best {
                        Some(f) if score[f] > score[s] => f,
                        _ => s,
                    }
                })
                .collect()
        };
        g = [next(0), next(1)];
    }
    g
}
