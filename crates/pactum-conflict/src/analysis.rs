//! One call from a validated model to its full analysis: states, moves,
//! stability per DM and concept, equilibria.
//!
//! Rules: the analysis is deterministic (no randomness, no threads); state
//! ids are indices + 1. A state id or decision maker the model does not
//! have is refused with a [`QueryError`] naming what exists.

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

/// A state or decision maker asked about that the model does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// A state id outside 1..=N.
    #[error("there is no state {id}: the feasible states are numbered 1 to {count}")]
    NoSuchState {
        /// The id asked for.
        id: usize,
        /// The number of feasible states.
        count: usize,
    },
    /// A decision maker name the model does not have.
    #[error("there is no decision maker {name:?}; the decision makers are {known}")]
    NoSuchDecisionMaker {
        /// The name asked for.
        name: String,
        /// The model's decision makers, quoted and comma-separated.
        known: String,
    },
    /// A decision maker index outside the model's.
    #[error("there is no decision maker number {index}: the model has {count}")]
    NoSuchDecisionMakerIndex {
        /// The index asked for (from 0).
        index: usize,
        /// The number of decision makers.
        count: usize,
    },
}

impl Analysis {
    /// The index (id − 1) of the state with id `id`, if it exists.
    pub fn state_index(&self, id: usize) -> Result<usize, QueryError> {
        if (1..=self.states.len()).contains(&id) {
            Ok(id - 1)
        } else {
            Err(QueryError::NoSuchState {
                id,
                count: self.states.len(),
            })
        }
    }

    /// Checks that `index` is a state index (id − 1) of this analysis.
    pub fn check_state(&self, index: usize) -> Result<(), QueryError> {
        self.state_index(index.saturating_add(1)).map(|_| ())
    }

    /// Checks that `dm` is a decision maker index of this analysis.
    pub fn check_dm(&self, dm: usize) -> Result<(), QueryError> {
        if dm < self.moves.dms() {
            Ok(())
        } else {
            Err(QueryError::NoSuchDecisionMakerIndex {
                index: dm,
                count: self.moves.dms(),
            })
        }
    }
}

/// The index of the decision maker named `name` in `conflict`.
pub fn dm_index(conflict: &Conflict, name: &str) -> Result<usize, QueryError> {
    let dms = conflict.decision_makers();
    dms.iter()
        .position(|d| d.name == name)
        .ok_or_else(|| QueryError::NoSuchDecisionMaker {
            name: name.to_string(),
            known: dms
                .iter()
                .map(|d| format!("{:?}", d.name))
                .collect::<Vec<_>>()
                .join(", "),
        })
}
