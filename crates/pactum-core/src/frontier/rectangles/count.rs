//! The exact count of the outcomes meeting every reservation value, by
//! branch and bound over the same integer space and bounds as the search.
//!
//! Rules: a subtree whose least sums already meet every threshold is
//! counted whole (the product of its issues' allowed values), one whose
//! bound misses a threshold counts nothing, the rest is split issue by
//! issue; subtrees that cannot differ are counted once: below a depth, the
//! count depends only on which rectangles spanning both sides of it are
//! still satisfiable and on what each party still needs (clipped to the
//! sums still possible), so counts are remembered under that key (at most
//! [`MEMO_ENTRIES`] of them); the count is exact, and `None` when it would
//! take more nodes than allowed (or the clock stops it).

use std::collections::HashMap;

use super::search::State;
use super::space::Space;
use crate::budget::Budget;

/// Most subtree counts remembered.
const MEMO_ENTRIES: usize = 2_000_000;

/// What the count below a node depends on: its depth, which spanning
/// rectangles are alive, and each party's clipped need.
type Key = (usize, Vec<u64>, Vec<i64>);

struct Counter<'s> {
    below: Vec<u128>,
    /// Per depth, the rectangles with issues on both sides of it.
    spanning: Vec<Vec<usize>>,
    memo: HashMap<Key, u128>,
    nodes: u64,
    max_nodes: u64,
    budget: &'s Budget,
}

/// How many allowed outcomes meet every threshold, within `max_nodes`
/// nodes; `None` beyond them or when the budget's clock stops it.
pub(super) fn count_rational(space: &Space, max_nodes: u64, budget: &Budget) -> Option<u128> {
    count_within(space, max_nodes, budget).0
}

/// [`count_rational`], with the nodes it visited.
pub(super) fn count_within(space: &Space, max_nodes: u64, budget: &Budget) -> (Option<u128>, u64) {
    let issues = space.order.len();
    // Allowed outcomes below each depth.
    let mut below = vec![1u128; issues + 1];
    for d in (0..issues).rev() {
        below[d] = below[d + 1].saturating_mul(space.allowed[space.order[d]].len() as u128);
    }
    if below[0] == 0 {
        return (Some(0), 0);
    }
    let mut position = vec![0usize; issues];
    for (at, &i) in space.order.iter().enumerate() {
        position[i] = at;
    }
    let spanning: Vec<Vec<usize>> = (0..=issues)
        .map(|d| {
            (0..space.rects.len())
                .filter(|&r| {
                    let ranges = &space.rects[r].ranges;
                    position[ranges[0].0] < d && position[ranges[ranges.len() - 1].0] >= d
                })
                .collect()
        })
        .collect();
    let mut counter = Counter {
        below,
        spanning,
        memo: HashMap::new(),
        nodes: 0,
        max_nodes,
        budget,
    };
    let mut state = State::new(space);
    let count = counter.count_below(&mut state, 0);
    (count, counter.nodes)
}

impl Counter<'_> {
    fn key(&self, state: &State, depth: usize) -> Key {
        let spanning = &self.spanning[depth];
        let mut bits = vec![0u64; spanning.len().div_ceil(64)];
        for (j, &r) in spanning.iter().enumerate() {
            if state.alive[r] {
                bits[j / 64] |= 1 << (j % 64);
            }
        }
        let space = state.space;
        let needs = (0..space.parties)
            .map(|p| {
                let least = state.negative_open[p];
                space.threshold[p].saturating_sub(state.fixed[p]).max(least)
            })
            .collect();
        (depth, bits, needs)
    }

    fn count_below(&mut self, state: &mut State, depth: usize) -> Option<u128> {
        self.nodes += 1;
        if self.nodes > self.max_nodes
            || (self.nodes.is_multiple_of(4096) && self.budget.check_time().is_err())
        {
            return None;
        }
        let space = state.space;
        let (upper, _) = state.bound();
        if upper.iter().zip(&space.threshold).any(|(u, t)| u < t) {
            return Some(0);
        }
        let all_in = (0..space.parties)
            .all(|p| state.fixed[p].saturating_add(state.negative_open[p]) >= space.threshold[p]);
        if all_in {
            return Some(self.below[depth]);
        }
        if depth == space.order.len() {
            // Decided: the least sum is the sum, and it missed a threshold.
            return Some(0);
        }
        let key = self.key(state, depth);
        if let Some(&known) = self.memo.get(&key) {
            return Some(known);
        }
        let i = space.order[depth];
        let mut total = 0u128;
        for &k in &space.allowed[i] {
            state.apply(depth, i, k);
            let c = self.count_below(state, depth + 1);
            state.undo(depth, i, k);
            total = total.saturating_add(c?);
        }
        if self.memo.len() < MEMO_ENTRIES {
            self.memo.insert(key, total);
        }
        Some(total)
    }
}
