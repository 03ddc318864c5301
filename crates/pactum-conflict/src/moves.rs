//! Each DM's unilateral moves and unilateral improvements.
//!
//! Rules: from a state, DM i can move to every other feasible state that
//! differs only in options i controls (any non-empty set of them), each
//! changed option changing in a direction it allows; an improvement is a
//! move to a state i strictly prefers. Targets are listed in ascending
//! state index.

use crate::model::Conflict;
use crate::states::StateSpace;

/// Every DM's unilateral moves and improvements, as lists of state indices.
#[derive(Debug, Clone)]
pub struct Moves {
    /// `moves[dm][state]`: the states `dm` can move to.
    moves: Vec<Vec<Vec<usize>>>,
    /// `improvements[dm][state]`: the moves `dm` strictly prefers.
    improvements: Vec<Vec<Vec<usize>>>,
}

impl Moves {
    /// Computes the moves of every DM from every state.
    pub fn new(conflict: &Conflict, states: &StateSpace) -> Self {
        let mut moves = Vec::new();
        let mut improvements = Vec::new();
        for dm in 0..conflict.decision_makers().len() {
            let mask = conflict.mask(dm);
            let scores = states.scores(dm);
            let mut m = Vec::with_capacity(states.len());
            let mut up = Vec::with_capacity(states.len());
            for (s, &code) in states.codes().iter().enumerate() {
                let mut targets = Vec::new();
                // Every non-empty subset of the DM's options, as a flip mask.
                let mut flip = mask;
                while flip != 0 {
                    let allowed = (0..conflict.options().len())
                        .filter(|k| flip >> k & 1 == 1)
                        .all(|k| {
                            let from = code >> k & 1 == 1;
                            conflict.options()[k].direction.allows(from, !from)
                        });
                    if allowed && let Some(t) = states.index_of(code ^ flip) {
                        targets.push(t);
                    }
                    flip = (flip - 1) & mask;
                }
                targets.sort_unstable();
                up.push(
                    targets
                        .iter()
                        .copied()
                        .filter(|&t| scores[t] > scores[s])
                        .collect(),
                );
                m.push(targets);
            }
            moves.push(m);
            improvements.push(up);
        }
        Moves {
            moves,
            improvements,
        }
    }

    /// The states `dm` can move to from state `s`.
    pub fn moves(&self, dm: usize, s: usize) -> &[usize] {
        &self.moves[dm][s]
    }

    /// The states `dm` can improve to from state `s`.
    pub fn improvements(&self, dm: usize, s: usize) -> &[usize] {
        &self.improvements[dm][s]
    }

    /// The number of DMs.
    pub fn dms(&self) -> usize {
        self.moves.len()
    }
}
