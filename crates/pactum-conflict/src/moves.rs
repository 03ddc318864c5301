//! Each DM's unilateral moves and unilateral improvements.
//!
//! Rules: from a state, DM i can move to every other feasible state that
//! differs only in options i controls (any non-empty set of them), each
//! changed option changing in a direction it allows; an improvement is a
//! move to a state i strictly prefers. Targets are listed in ascending
//! state index.
//!
//! Layout: per DM, the targets of every state sit in one flat list with
//! offsets (no list per state), so a million states cost one allocation per
//! DM. An option that may only be taken is locked once taken, one that may
//! only be withdrawn is locked while not taken: a flip is allowed when it
//! touches no locked option.

use crate::model::{Conflict, Direction};
use crate::states::StateSpace;

/// One DM's targets from every state: `targets[start[s]..start[s + 1]]`.
#[derive(Debug, Clone, Default)]
struct Lists {
    start: Vec<usize>,
    targets: Vec<usize>,
}

impl Lists {
    fn get(&self, s: usize) -> &[usize] {
        &self.targets[self.start[s]..self.start[s + 1]]
    }
}

/// The options locked at a state: those a flip may not touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locks {
    forward: u64,
    backward: u64,
}

impl Locks {
    /// The directions of `conflict`'s options as masks.
    pub fn new(conflict: &Conflict) -> Self {
        let mut locks = Locks {
            forward: 0,
            backward: 0,
        };
        for (k, o) in conflict.options().iter().enumerate() {
            match o.direction {
                Direction::Both => {}
                Direction::Forward => locks.forward |= 1 << k,
                Direction::Backward => locks.backward |= 1 << k,
            }
        }
        locks
    }

    /// The options that may not change from the state with `code`.
    pub fn at(&self, code: u64) -> u64 {
        (self.forward & code) | (self.backward & !code)
    }

    /// The options with a restricted direction.
    pub fn directed(&self) -> u64 {
        self.forward | self.backward
    }
}

/// Every DM's unilateral moves and improvements, as lists of state indices.
#[derive(Debug, Clone)]
pub struct Moves {
    /// `moves[dm]`: the states `dm` can move to, per state.
    moves: Vec<Lists>,
    /// `improvements[dm]`: the moves `dm` strictly prefers, per state.
    improvements: Vec<Lists>,
}

impl Moves {
    /// Computes the moves of every DM from every state.
    pub fn new(conflict: &Conflict, states: &StateSpace) -> Self {
        let locks = Locks::new(conflict);
        let mut moves = Vec::new();
        let mut improvements = Vec::new();
        for dm in 0..conflict.decision_makers().len() {
            let mask = conflict.mask(dm);
            let scores = states.scores(dm);
            let mut m = Lists {
                start: Vec::with_capacity(states.len() + 1),
                targets: Vec::new(),
            };
            let mut up = m.clone();
            m.start.push(0);
            up.start.push(0);
            for (s, &code) in states.codes().iter().enumerate() {
                let from = m.targets.len();
                // Every non-empty subset of the DM's free options, as a flip mask.
                let free = mask & !locks.at(code);
                let mut flip = free;
                while flip != 0 {
                    if let Some(t) = states.index_of(code ^ flip) {
                        m.targets.push(t);
                    }
                    flip = (flip - 1) & free;
                }
                m.targets[from..].sort_unstable();
                for i in from..m.targets.len() {
                    let t = m.targets[i];
                    if scores[t] > scores[s] {
                        up.targets.push(t);
                    }
                }
                m.start.push(m.targets.len());
                up.start.push(up.targets.len());
            }
            m.targets.shrink_to_fit();
            up.targets.shrink_to_fit();
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
        self.moves[dm].get(s)
    }

    /// The states `dm` can improve to from state `s`.
    pub fn improvements(&self, dm: usize, s: usize) -> &[usize] {
        self.improvements[dm].get(s)
    }

    /// The number of DMs.
    pub fn dms(&self) -> usize {
        self.moves.len()
    }
}
