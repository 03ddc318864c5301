//! Bi-objective (in general multi-objective) branch and bound over the
//! issues of an integer hyper-rectangle [`Space`], finding every
//! non-dominated vector of capped sums with one outcome reaching it.
//!
//! Rules: issues are assigned in the space's search order; the bound of a
//! node is, per party, the sum of its decided rectangles plus, for each
//! unassigned issue, the most that issue's row can add (a row holds the
//! rectangles attached to the issue that can still be satisfied: positive
//! ones, and negative ones only once every other issue of theirs is
//! assigned, so that a negative rectangle is never counted before it is
//! unavoidable), capped at the party's cap; with two parties the rows'
//! sum gives a bound on the sum of both sums too. A node is pruned when
//! its bound cannot reach a point that no point found so far weakly
//! dominates while meeting every threshold: nothing below it can then be
//! a new frontier point. A value whose rectangles (among those still
//! satisfiable) are a subset of another allowed value's, with the negative
//! ones a superset, is skipped: every outcome through it is weakly
//! dominated by one through the other. Children are visited best bound
//! first. The work is counted in nodes; the search stops at the node limit
//! or when the budget's clock says so, and then reports the optimistic
//! bounds of the part not yet searched.

use super::space::Space;
use crate::budget::{AnalysisError, Budget};

/// A frontier point of the search: capped sums and the outcome found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found {
    /// Capped sum per party.
    pub sums: Vec<i64>,
    /// The first outcome the search found with these sums.
    pub outcome: Vec<u32>,
}

/// Why a search stopped before finishing.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Stop {
    /// The node limit was reached.
    Nodes,
    /// The budget's deadline passed or it was cancelled.
    Clock(AnalysisError),
}

/// What a search returns.
#[derive(Debug, Clone)]
pub(super) struct SearchResult {
    /// The non-dominated points found, sorted by descending sums
    /// (lexicographic).
    pub points: Vec<Found>,
    /// Nodes visited.
    pub nodes: u64,
    /// Why it stopped early, if it did.
    pub stopped: Option<Stop>,
    /// When it stopped early: the optimistic bounds (capped sums) of the
    /// parts not searched that the points found do not exclude,
    /// non-dominated among themselves.
    pub open: Vec<Vec<i64>>,
}

/// The archive of non-dominated sums found so far.
struct Archive {
    n: usize,
    /// Per party, the least sum of interest (threshold or least sum).
    floor: Vec<i64>,
    /// Two parties: sorted by ascending first sum (so descending second).
    points: Vec<Found>,
}

impl Archive {
    /// Whether some point weakly dominates `v`.
    fn dominates(&self, v: &[i64]) -> bool {
        if self.n == 2 {
            let at = self.points.partition_point(|p| p.sums[0] < v[0]);
            return at < self.points.len() && self.points[at].sums[1] >= v[1];
        }
        self.points
            .iter()
            .any(|p| p.sums.iter().zip(v).all(|(a, b)| a >= b))
    }

    /// Whether a point meeting `bound` (per party) and, with two parties,
    /// `pair` (on the sum of both) can lie outside what the archive
    /// weakly dominates and above the floors.
    fn reachable(&self, bound: &[i64], pair: i64) -> bool {
        if bound.iter().zip(&self.floor).any(|(b, f)| b < f) {
            return false;
        }
        if self.n != 2 {
            return !self.dominates(bound);
        }
        // The least points no archive point weakly dominates (corners of
        // the staircase), raised to the floors.
        let fits = |c0: i64, c1: i64| {
            let (c0, c1) = (c0.max(self.floor[0]), c1.max(self.floor[1]));
            c0 <= bound[0] && c1 <= bound[1] && c0.saturating_add(c1) <= pair
        };
        let pts = &self.points;
        if pts.is_empty() {
            return fits(self.floor[0], self.floor[1]);
        }
        // Corners with first coordinate ≤ bound[0]: a prefix of the list.
        if fits(self.floor[0], pts[0].sums[1].saturating_add(1)) {
            return true;
        }
        for w in pts.windows(2) {
            let c0 = w[0].sums[0] + 1;
            if c0 > bound[0] {
                return false;
            }
            if fits(c0, w[1].sums[1] + 1) {
                return true;
            }
        }
        fits(pts[pts.len() - 1].sums[0] + 1, self.floor[1])
    }

    /// Adds `sums` reached by `outcome` unless a point weakly dominates it.
    fn insert(&mut self, sums: &[i64], outcome: &[u32]) {
        if sums.iter().zip(&self.floor).any(|(s, f)| s < f) || self.dominates(sums) {
            return;
        }
        self.points
            .retain(|p| !p.sums.iter().zip(sums).all(|(a, b)| a <= b));
        let found = Found {
            sums: sums.to_vec(),
            outcome: outcome.to_vec(),
        };
        if self.n == 2 {
            let at = self.points.partition_point(|p| p.sums[0] < sums[0]);
            self.points.insert(at, found);
        } else {
            self.points.push(found);
        }
    }
}

/// The search's state at one node (shared with the zone count).
pub(super) struct State<'a> {
    pub(super) space: &'a Space,
    n: usize,
    /// The outcome so far, by issue (assigned issues only meaningful).
    outcome: Vec<u32>,
    pub(super) alive: Vec<bool>,
    /// Per party, the sum of decided rectangles (base included).
    pub(super) fixed: Vec<i64>,
    /// Per party, the sum of the negative rectangles not yet decided nor
    /// ruled out: with `fixed`, the least sum below the node.
    pub(super) negative_open: Vec<i64>,
    /// Where each issue's row starts.
    offset: Vec<usize>,
    /// Rows, party-major: `rows[p * width + offset[i] + k]`.
    rows: Vec<i64>,
    width: usize,
    /// Per party and issue, the row's largest allowed entry.
    row_max: Vec<i64>,
    /// Per issue, the largest sum of the parties' entries (two parties).
    pair_max: Vec<i64>,
    /// Per party, the sum of `row_max` over unassigned issues.
    pub(super) open: Vec<i64>,
    open_pair: i64,
    /// Rectangles killed at each depth.
    killed: Vec<Vec<u32>>,
    dirty: Vec<usize>,
}

impl<'a> State<'a> {
    pub(super) fn new(space: &'a Space) -> Self {
        let n = space.parties;
        let issues = space.cardinality.len();
        let mut offset = Vec::with_capacity(issues);
        let mut width = 0usize;
        for &c in &space.cardinality {
            offset.push(width);
            width += c as usize;
        }
        let mut s = State {
            space,
            n,
            outcome: vec![0; issues],
            alive: vec![true; space.rects.len()],
            fixed: space.base.clone(),
            negative_open: vec![0; n],
            offset,
            rows: vec![0; n * width],
            width,
            row_max: vec![0; n * issues],
            pair_max: vec![0; issues],
            open: vec![0; n],
            open_pair: 0,
            killed: vec![Vec::new(); issues],
            dirty: Vec::new(),
        };
        for (r, rect) in space.rects.iter().enumerate() {
            if rect.utility < 0 {
                s.negative_open[rect.party] += rect.utility;
            }
            if rect.utility > 0 || rect.second_last.is_none() {
                s.add_to_row(r, rect.utility);
            }
        }
        for i in 0..issues {
            let (maxima, pair) = s.maxima(i);
            for p in 0..n {
                s.row_max[p * issues + i] = maxima[p];
                s.open[p] += maxima[p];
            }
            s.pair_max[i] = pair;
            s.open_pair += pair;
        }
        s.dirty.clear();
        s
    }

    fn add_to_row(&mut self, r: usize, amount: i64) {
        let rect = &self.space.rects[r];
        let i = rect.attach;
        let (a, b) = rect
            .range(i)
            .expect("a rectangle constrains its attach issue");
        let start = rect.party * self.width + self.offset[i];
        for k in a..=b {
            self.rows[start + k as usize] += amount;
        }
        if !self.dirty.contains(&i) {
            self.dirty.push(i);
        }
    }

    /// Per party the largest allowed entry of issue `i`'s row, and the
    /// largest sum of entries over parties.
    fn maxima(&self, i: usize) -> (Vec<i64>, i64) {
        if self.space.allowed[i].is_empty() {
            return (vec![0; self.n], 0);
        }
        let mut maxima = vec![i64::MIN; self.n];
        let mut pair = i64::MIN;
        for &k in &self.space.allowed[i] {
            let mut sum = 0i64;
            for p in 0..self.n {
                let v = self.rows[p * self.width + self.offset[i] + k as usize];
                maxima[p] = maxima[p].max(v);
                sum += v;
            }
            pair = pair.max(sum);
        }
        (maxima, pair)
    }

    fn refresh_dirty(&mut self) {
        let issues = self.space.cardinality.len();
        let dirty = std::mem::take(&mut self.dirty);
        for &i in &dirty {
            let (maxima, pair) = self.maxima(i);
            for p in 0..self.n {
                let slot = &mut self.row_max[p * issues + i];
                self.open[p] += maxima[p] - *slot;
                *slot = maxima[p];
            }
            self.open_pair += pair - self.pair_max[i];
            self.pair_max[i] = pair;
        }
        self.dirty = dirty;
        self.dirty.clear();
    }

    /// Assigns value `k` to issue `i` (the issue at `depth` of the order).
    pub(super) fn apply(&mut self, depth: usize, i: usize, k: u32) {
        let issues = self.space.cardinality.len();
        for p in 0..self.n {
            self.open[p] -= self.row_max[p * issues + i];
        }
        self.open_pair -= self.pair_max[i];
        self.outcome[i] = k;
        let space = self.space;
        for &r in &space.by_issue[i] {
            let r = r as usize;
            if !self.alive[r] {
                continue;
            }
            let rect = &space.rects[r];
            if !rect.accepts(i, k) {
                self.alive[r] = false;
                self.killed[depth].push(r as u32);
                if rect.utility < 0 {
                    self.negative_open[rect.party] -= rect.utility;
                } else if rect.attach != i {
                    self.add_to_row(r, -rect.utility);
                }
            } else if rect.attach == i {
                self.fixed[rect.party] += rect.utility;
                if rect.utility < 0 {
                    self.negative_open[rect.party] -= rect.utility;
                }
            } else if rect.utility < 0 && rect.second_last == Some(i) {
                self.add_to_row(r, rect.utility);
            }
        }
        self.refresh_dirty();
    }

    /// Undoes [`State::apply`] of the same arguments.
    pub(super) fn undo(&mut self, depth: usize, i: usize, k: u32) {
        let issues = self.space.cardinality.len();
        let space = self.space;
        let killed = std::mem::take(&mut self.killed[depth]);
        for &r in &killed {
            let r = r as usize;
            self.alive[r] = true;
            let rect = &space.rects[r];
            if rect.utility < 0 {
                self.negative_open[rect.party] += rect.utility;
            } else if rect.attach != i {
                self.add_to_row(r, rect.utility);
            }
        }
        self.killed[depth] = killed;
        self.killed[depth].clear();
        for &r in &space.by_issue[i] {
            let r = r as usize;
            let rect = &space.rects[r];
            if !self.alive[r] || !rect.accepts(i, k) {
                continue;
            }
            if rect.attach == i {
                self.fixed[rect.party] -= rect.utility;
                if rect.utility < 0 {
                    self.negative_open[rect.party] += rect.utility;
                }
            } else if rect.utility < 0 && rect.second_last == Some(i) {
                self.add_to_row(r, -rect.utility);
            }
        }
        self.refresh_dirty();
        for p in 0..self.n {
            self.open[p] += self.row_max[p * issues + i];
        }
        self.open_pair += self.pair_max[i];
    }

    /// The node's bound: capped per party, and on the sum of both.
    pub(super) fn bound(&self) -> (Vec<i64>, i64) {
        let b: Vec<i64> = (0..self.n)
            .map(|p| (self.fixed[p] + self.open[p]).min(self.space.cap[p]))
            .collect();
        let pair = if self.n == 2 {
            self.fixed[0] + self.fixed[1] + self.open_pair
        } else {
            i64::MAX
        };
        (b, pair)
    }

    /// The allowed values of issue `i` no other allowed value beats, by
    /// the rectangles still alive (the smaller index kept among equals).
    fn undominated_values(&self, i: usize) -> Vec<u32> {
        let space = self.space;
        let alive: Vec<usize> = space.by_issue[i]
            .iter()
            .map(|&r| r as usize)
            .filter(|&r| self.alive[r])
            .collect();
        let words = alive.len().div_ceil(64).max(1);
        let values = &space.allowed[i];
        // Per value: positive members, then negative members.
        let mut sig = vec![0u64; values.len() * 2 * words];
        for (v, &k) in values.iter().enumerate() {
            for (j, &r) in alive.iter().enumerate() {
                let rect = &space.rects[r];
                if rect.accepts(i, k) {
                    let half = if rect.utility > 0 { 0 } else { words };
                    sig[v * 2 * words + half + j / 64] |= 1 << (j % 64);
                }
            }
        }
        let at = |v: usize| &sig[v * 2 * words..(v + 1) * 2 * words];
        // `y` beats `x`: positives of x ⊆ y's, negatives of y ⊆ x's.
        let beats = |y: usize, x: usize| {
            let (sx, sy) = (at(x), at(y));
            (0..words).all(|w| sx[w] & !sy[w] == 0 && sy[words + w] & !sx[words + w] == 0)
        };
        (0..values.len())
            .filter(|&x| {
                !(0..values.len()).any(|y| y != x && beats(y, x) && (y < x || !beats(x, y)))
            })
            .map(|x| values[x])
            .collect()
    }
}

/// The search over `space`: at most `max_nodes` nodes, polling `budget`'s
/// clock.
pub(super) fn search(space: &Space, max_nodes: u64, budget: &Budget) -> SearchResult {
    let n = space.parties;
    let issues = space.cardinality.len();
    let floor: Vec<i64> = (0..n).map(|p| space.threshold[p]).collect();
    let mut run = Run {
        state: State::new(space),
        archive: Archive {
            n,
            floor,
            points: Vec::new(),
        },
        nodes: 0,
        max_nodes,
        budget,
        stopped: None,
        pending: vec![Vec::new(); issues + 1],
    };
    if space.allowed.iter().all(|a| !a.is_empty()) {
        let (b, pair) = run.state.bound();
        if run.archive.reachable(&b, pair) {
            run.node(0);
        }
    }
    let Run {
        archive,
        nodes,
        stopped,
        pending,
        ..
    } = run;
    let mut open: Vec<Vec<i64>> = Vec::new();
    if stopped.is_some() {
        for bound in pending.into_iter().flatten() {
            if bound.iter().zip(&archive.floor).any(|(b, f)| b < f) || archive.dominates(&bound) {
                continue;
            }
            if open
                .iter()
                .any(|o| o.iter().zip(&bound).all(|(a, b)| a >= b))
            {
                continue;
            }
            open.retain(|o| !o.iter().zip(&bound).all(|(a, b)| a <= b));
            open.push(bound);
        }
        open.sort_by(|a, b| b.cmp(a));
    }
    let mut points = archive.points;
    points.sort_by(|a, b| b.sums.cmp(&a.sums));
    SearchResult {
        points,
        nodes,
        stopped,
        open,
    }
}

struct Run<'a, 'b> {
    state: State<'a>,
    archive: Archive,
    nodes: u64,
    max_nodes: u64,
    budget: &'b Budget,
    stopped: Option<Stop>,
    /// Per depth, the bounds of the children not yet visited.
    pending: Vec<Vec<Vec<i64>>>,
}

impl Run<'_, '_> {
    /// Searches below the current node (at `depth`), whose bound the caller
    /// found reachable. Returns false when the search must stop.
    fn node(&mut self, depth: usize) -> bool {
        let space = self.state.space;
        self.nodes += 1;
        if self.nodes.is_multiple_of(4096)
            && let Err(e) = self.budget.check_time()
        {
            self.stopped = Some(Stop::Clock(e));
            let (b, _) = self.state.bound();
            self.pending[depth].push(b);
            return false;
        }
        if self.nodes > self.max_nodes {
            self.stopped = Some(Stop::Nodes);
            let (b, _) = self.state.bound();
            self.pending[depth].push(b);
            return false;
        }
        if depth == space.order.len() {
            let sums: Vec<i64> = (0..self.state.n)
                .map(|p| self.state.fixed[p].min(space.cap[p]))
                .collect();
            self.archive.insert(&sums, &self.state.outcome);
            return true;
        }
        let i = space.order[depth];
        let values = self.state.undominated_values(i);
        let mut children: Vec<(i64, u32, Vec<i64>)> = Vec::with_capacity(values.len());
        for &k in &values {
            self.state.apply(depth, i, k);
            let (b, pair) = self.state.bound();
            self.state.undo(depth, i, k);
            if self.archive.reachable(&b, pair) {
                let score: i64 = b.iter().sum::<i64>().min(pair);
                children.push((score, k, b));
            }
        }
        // Best first; ties in value order.
        children.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for c in 0..children.len() {
            let (_, k, ref b) = children[c];
            // The archive may have grown since the bound was taken.
            let b = b.clone();
            self.state.apply(depth, i, k);
            let (_, pair) = self.state.bound();
            let go = self.archive.reachable(&b, pair);
            let ok = !go || self.node(depth + 1);
            self.state.undo(depth, i, k);
            if !ok {
                self.pending[depth].extend(children[c + 1..].iter().map(|c| c.2.clone()));
                return false;
            }
        }
        true
    }
}
