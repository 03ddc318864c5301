//! From a status quo: which states, and which equilibria under each concept,
//! the decision makers can reach by unilateral moves and by unilateral
//! improvements, and the shortest path to each.
//!
//! Rules: a path is a sequence of steps, each one DM's unilateral move
//! (resp. unilateral improvement, by that DM's own preferences) from the
//! state the previous step ended in; the status quo is reached by the empty
//! path. Consecutive moves by the same DM count as one move: two of them
//! compose into a single unilateral move (resp. improvement) of that DM, so
//! a path's length is its number of steps and a shortest path never has the
//! same DM moving twice in a row. The search is breadth-first over states
//! and visits each state once (bounded by the number of moves): each layer
//! is expanded in ascending state id, each state's DMs in model order and
//! their targets in ascending id, and a state keeps the first step that
//! reaches it — ties between shortest paths are broken by state id, then DM
//! order. States are indices (id − 1), as in [`crate::states`].

use crate::analysis::{Analysis, QueryError};
use crate::stability::Concept;
use crate::states::StateSpace;

/// One option changed by a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    /// The option's index.
    pub option: usize,
    /// Whether it is taken (true) or withdrawn (false).
    pub taken: bool,
}

/// One DM's unilateral move from one state to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The DM moving.
    pub dm: usize,
    /// The state left (index).
    pub from: usize,
    /// The state reached (index).
    pub to: usize,
    /// The options changed, in option order.
    pub changes: Vec<Change>,
}

impl Step {
    /// The step of `dm` from state `from` to state `to`, with the options it
    /// changes.
    pub fn new(states: &StateSpace, dm: usize, from: usize, to: usize) -> Step {
        let (a, b) = (states.codes()[from], states.codes()[to]);
        let diff = a ^ b;
        let changes = (0..u64::BITS as usize)
            .filter(|&k| diff >> k & 1 == 1)
            .map(|k| Change {
                option: k,
                taken: b >> k & 1 == 1,
            })
            .collect();
        Step {
            dm,
            from,
            to,
            changes,
        }
    }
}

/// The states reachable from the status quo by one kind of step.
#[derive(Debug, Clone)]
pub struct Reach {
    /// Whether only unilateral improvements were followed.
    pub improving: bool,
    /// `distance[s]`: the fewest steps reaching state `s`, if any do.
    distance: Vec<Option<usize>>,
    /// `parent[s]`: the state and DM of the step that first reached `s`.
    parent: Vec<Option<(usize, usize)>>,
}

impl Reach {
    /// The fewest steps from the status quo to `state`, if it is reachable.
    pub fn distance(&self, state: usize) -> Option<usize> {
        self.distance.get(state).copied().flatten()
    }

    /// The reachable states (the status quo included), ascending.
    pub fn reachable(&self) -> Vec<usize> {
        (0..self.distance.len())
            .filter(|&s| self.distance[s].is_some())
            .collect()
    }

    /// The shortest path to `state`, if it is reachable (empty for the
    /// status quo itself).
    pub fn path(&self, states: &StateSpace, state: usize) -> Option<Vec<Step>> {
        self.distance(state)?;
        let mut steps = Vec::new();
        let mut at = state;
        while let Some((from, dm)) = self.parent[at] {
            steps.push(Step::new(states, dm, from, at));
            at = from;
        }
        steps.reverse();
        Some(steps)
    }
}

/// A reachable state that is an equilibrium under some concept, with the
/// shortest path to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EquilibriumPath {
    /// The equilibrium (index).
    pub state: usize,
    /// The concepts it is an equilibrium under, in [`Concept::ALL`] order.
    pub concepts: Vec<Concept>,
    /// The shortest path from the status quo.
    pub steps: Vec<Step>,
}

/// What one kind of step reaches from the status quo.
#[derive(Debug, Clone)]
pub struct Reached {
    /// The reachable states and shortest paths.
    pub reach: Reach,
    /// Each reachable equilibrium (under any concept), ascending by state.
    pub equilibria: Vec<EquilibriumPath>,
}

impl Reached {
    /// The reachable equilibria under `concept`, ascending.
    pub fn equilibria_under(&self, concept: Concept) -> Vec<usize> {
        self.equilibria
            .iter()
            .filter(|e| e.concepts.contains(&concept))
            .map(|e| e.state)
            .collect()
    }
}

/// The status-quo analysis: what unilateral moves, and unilateral
/// improvements, reach from the status quo.
#[derive(Debug, Clone)]
pub struct StatusQuoPaths {
    /// The status quo (index).
    pub status_quo: usize,
    /// Reached by unilateral moves.
    pub by_moves: Reached,
    /// Reached by unilateral improvements.
    pub by_improvements: Reached,
}

/// The breadth-first search of the module rules from `start`.
pub fn reach(analysis: &Analysis, start: usize, improving: bool) -> Result<Reach, QueryError> {
    analysis.check_state(start)?;
    let n = analysis.states.len();
    let mut distance = vec![None; n];
    let mut parent = vec![None; n];
    distance[start] = Some(0);
    let mut layer = vec![start];
    let mut depth = 0;
    while !layer.is_empty() {
        depth += 1;
        let mut next = Vec::new();
        for &s in &layer {
            for dm in 0..analysis.moves.dms() {
                let targets = if improving {
                    analysis.moves.improvements(dm, s)
                } else {
                    analysis.moves.moves(dm, s)
                };
                for &t in targets {
                    if distance[t].is_none() {
                        distance[t] = Some(depth);
                        parent[t] = Some((s, dm));
                        next.push(t);
                    }
                }
            }
        }
        next.sort_unstable();
        layer = next;
    }
    Ok(Reach {
        improving,
        distance,
        parent,
    })
}

/// What unilateral moves and unilateral improvements reach from the state
/// `status_quo` (an index), with the shortest path to every reachable
/// equilibrium.
pub fn status_quo_paths(
    analysis: &Analysis,
    status_quo: usize,
) -> Result<StatusQuoPaths, QueryError> {
    let reached = |improving| -> Result<Reached, QueryError> {
        let reach = reach(analysis, status_quo, improving)?;
        let equilibria = (0..analysis.states.len())
            .filter_map(|s| {
                reach.distance(s)?;
                let concepts: Vec<Concept> = Concept::ALL
                    .into_iter()
                    .filter(|&c| {
                        (0..analysis.moves.dms()).all(|dm| analysis.stability.is_stable(c, dm, s))
                    })
                    .collect();
                if concepts.is_empty() {
                    return None;
                }
                let steps = reach.path(&analysis.states, s)?;
                Some(EquilibriumPath {
                    state: s,
                    concepts,
                    steps,
                })
            })
            .collect();
        Ok(Reached { reach, equilibria })
    };
    Ok(StatusQuoPaths {
        status_quo,
        by_moves: reached(false)?,
        by_improvements: reached(true)?,
    })
}
