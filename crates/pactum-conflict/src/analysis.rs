//! One call from a validated model to its full analysis: states, moves,
//! stability per DM and concept, equilibria.
//!
//! Rules: the analysis is deterministic (no randomness, no threads); state
//! ids are indices + 1.

use crate::model::Conflict;
use crate::moves::Moves;
use crate::stability::{Concept, Sanctions, Stability, stability};
use crate::states::StateSpace;

/// The analysis of a conflict.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The feasible states and scores.
    pub states: StateSpace,
    /// Every DM's moves and improvements.
    pub moves: Moves,
    /// Stability of every state for every DM under every concept.
    pub stability: Stability,
    /// The sanctions used.
    pub sanctions: Sanctions,
}

impl Analysis {
    /// The ids (from 1) of the states stable for every DM under `concept`.
    pub fn equilibria(&self, concept: Concept) -> Vec<usize> {
        self.stability
            .equilibria(concept)
            .into_iter()
            .map(|s| s + 1)
            .collect()
    }

    /// The ids (from 1) of the states stable for `dm` under `concept`.
    pub fn stable_ids(&self, concept: Concept, dm: usize) -> Vec<usize> {
        self.stability
            .stable_states(concept, dm)
            .into_iter()
            .map(|s| s + 1)
            .collect()
    }
}

/// Analyses `conflict` with the given sanctions.
pub fn analyse(conflict: &Conflict, sanctions: Sanctions) -> Analysis {
    let states = StateSpace::new(conflict);
    let moves = Moves::new(conflict, &states);
    let stability = stability(conflict, &states, &moves, sanctions);
    Analysis {
        states,
        moves,
        stability,
        sanctions,
    }
}
