//! The feasible states, numbered as GMCR+ numbers them, and each DM's score
//! of every state.
//!
//! Rules: a state's code is Σ bit_k·2^k (option 0 the least significant
//! bit); feasible states are listed in ascending code and their ids run
//! from 1; indices into [`StateSpace::codes`] are ids − 1. A DM's score is
//! higher for a more preferred state and equal for indifferent ones: under
//! option prioritisation Σ 2^(K−k) over the statements k = 1..K a state
//! satisfies; under a ranking, the number of groups below the state's.

use crate::model::{Conflict, Preferences};

/// The feasible states of a conflict and the DMs' scores of them.
#[derive(Debug, Clone)]
pub struct StateSpace {
    codes: Vec<u64>,
    /// Index by code, `u32::MAX` for an infeasible code.
    index: Vec<u32>,
    /// `scores[dm][state]`.
    scores: Vec<Vec<u64>>,
}

impl StateSpace {
    /// Lists the feasible states of `conflict` and scores them.
    pub fn new(conflict: &Conflict) -> Self {
        let n = conflict.options().len();
        let mut codes = Vec::new();
        let mut index = vec![u32::MAX; 1 << n];
        for code in 0..1u64 << n {
            if conflict.is_feasible(code) {
                index[code as usize] = codes.len() as u32;
                codes.push(code);
            }
        }
        let scores = conflict
            .decision_makers()
            .iter()
            .map(|dm| match &dm.preferences {
                Preferences::Prioritised(statements) => {
                    let k = statements.len();
                    codes
                        .iter()
                        .map(|&c| {
                            statements
                                .iter()
                                .enumerate()
                                .filter(|(_, s)| s.holds(c))
                                .map(|(i, _)| 1u64 << (k - 1 - i))
                                .sum()
                        })
                        .collect()
                }
                Preferences::Ranking(groups) => {
                    let mut s = vec![0; codes.len()];
                    for (g, ids) in groups.iter().enumerate() {
                        for &id in ids {
                            s[id - 1] = (groups.len() - g) as u64;
                        }
                    }
                    s
                }
            })
            .collect();
        StateSpace {
            codes,
            index,
            scores,
        }
    }

    /// The number of feasible states.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether there are no feasible states (never, for a valid model).
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The mask of every option: bit `k` set for each option `k`.
    pub fn all_options(&self) -> u64 {
        self.index.len() as u64 - 1
    }

    /// The codes of the feasible states, in id order.
    pub fn codes(&self) -> &[u64] {
        &self.codes
    }

    /// The index (id − 1) of the state with `code`, if feasible.
    pub fn index_of(&self, code: u64) -> Option<usize> {
        match self.index.get(code as usize) {
            Some(&i) if i != u32::MAX => Some(i as usize),
            _ => None,
        }
    }

    /// DM `dm`'s score of every state, by index.
    pub fn scores(&self, dm: usize) -> &[u64] {
        &self.scores[dm]
    }

    /// Whether option `k` is taken in the state at `index`.
    pub fn taken(&self, index: usize, option: usize) -> bool {
        self.codes[index] >> option & 1 == 1
    }

    /// DM `dm`'s ranking: state indices, most preferred first, ties grouped.
    pub fn ranking(&self, dm: usize) -> Vec<Vec<usize>> {
        let s = &self.scores[dm];
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.sort_by(|&a, &b| s[b].cmp(&s[a]).then(a.cmp(&b)));
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for i in order {
            match groups.last_mut() {
                Some(g) if s[g[0]] == s[i] => g.push(i),
                _ => groups.push(vec![i]),
            }
        }
        groups
    }
}
