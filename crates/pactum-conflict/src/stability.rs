//! Stability of every state for every DM under Nash, GMR, SMR, SEQ, SIM and
//! SEQ+SIM (Fang, Hipel & Kilgour 1993).
//!
//! Rules, for a DM i, a state s, and every improvement s1 of i from s:
//! - **Nash**: i has no improvement from s.
//! - **GMR**: the opponents can reach from s1 a state s2 that i does not
//!   prefer to s.
//! - **SMR**: as GMR, and from that s2 no move of i reaches a state i
//!   prefers to s.
//! - **SEQ**: as GMR, the opponents moving by improvements only (each by its
//!   own preferences).
//! - **SIM**: some opponents moving at once from s, each by one unilateral
//!   move, together with i's move to s1 give a feasible state i does not
//!   prefer to s.
//! - **SEQ+SIM**: both SEQ and SIM.
//!
//! The opponents' reachable set from s1 ([`Sanctions::Sequences`], the
//! default) is every state ending a legal sequence of unilateral moves
//! (resp. improvements) by DMs other than i in which no DM moves twice in a
//! row; [`Sanctions::Single`] allows only one opponent's single move (and,
//! for SIM, only one opponent moving), as GMCR+ does. With two DMs the two
//! coincide. Algorithm: per DM, each target s1's reachable set is found once
//! by a search over (state, last mover) pairs, and reduced to the least score
//! (GMR, SEQ) or least "score after i's best reply" (SMR) over it; a state is
//! stable when every improvement's minimum is at most its own score.

use crate::model::Conflict;
use crate::moves::Moves;
use crate::states::StateSpace;

/// Which sanctions the opponents may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sanctions {
    /// Legal sequences of moves by the opponents (the published definition).
    #[default]
    Sequences,
    /// One opponent's single move (as GMCR+ computes).
    Single,
}

/// A stability concept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Concept {
    /// Nash stability.
    Nash,
    /// General metarationality.
    Gmr,
    /// Symmetric metarationality.
    Smr,
    /// Sequential stability.
    Seq,
    /// Simultaneous sanctioning.
    Sim,
    /// Both sequential stability and simultaneous sanctioning.
    SeqSim,
}

impl Concept {
    /// Every concept, in report order.
    pub const ALL: [Concept; 6] = [
        Concept::Nash,
        Concept::Gmr,
        Concept::Smr,
        Concept::Seq,
        Concept::Sim,
        Concept::SeqSim,
    ];

    /// The key used in JSON output (`nash`, `gmr`, `smr`, `seq`, `sim`, `seq_sim`).
    pub fn key(self) -> &'static str {
        match self {
            Concept::Nash => "nash",
            Concept::Gmr => "gmr",
            Concept::Smr => "smr",
            Concept::Seq => "seq",
            Concept::Sim => "sim",
            Concept::SeqSim => "seq_sim",
        }
    }

    /// The label used in reports (`Nash`, `GMR`, ...).
    pub fn label(self) -> &'static str {
        match self {
            Concept::Nash => "Nash",
            Concept::Gmr => "GMR",
            Concept::Smr => "SMR",
            Concept::Seq => "SEQ",
            Concept::Sim => "SIM",
            Concept::SeqSim => "SEQ+SIM",
        }
    }

    fn slot(self) -> usize {
        self as usize
    }
}

/// Whether each state is stable for each DM under each concept.
#[derive(Debug, Clone)]
pub struct Stability {
    /// `table[concept][dm][state]`.
    table: Vec<Vec<Vec<bool>>>,
}

impl Stability {
    /// Whether state index `s` is stable for `dm` under `concept`.
    pub fn is_stable(&self, concept: Concept, dm: usize, s: usize) -> bool {
        self.table[concept.slot()][dm][s]
    }

    /// The state indices stable for `dm` under `concept`.
    pub fn stable_states(&self, concept: Concept, dm: usize) -> Vec<usize> {
        let row = &self.table[concept.slot()][dm];
        (0..row.len()).filter(|&s| row[s]).collect()
    }

    /// The state indices stable for every DM under `concept`.
    pub fn equilibria(&self, concept: Concept) -> Vec<usize> {
        let rows = &self.table[concept.slot()];
        (0..rows[0].len())
            .filter(|&s| rows.iter().all(|r| r[s]))
            .collect()
    }
}

/// A reusable search over (state, last mover) pairs.
struct Search {
    seen: Vec<bool>,
    touched: Vec<usize>,
    stack: Vec<(usize, usize)>,
    dms: usize,
}

impl Search {
    fn new(states: usize, dms: usize) -> Self {
        Search {
            seen: vec![false; states * dms],
            touched: Vec::new(),
            stack: Vec::new(),
            dms,
        }
    }

    /// Calls `visit` once per (state, last mover) reachable by the
    /// opponents of `me` from `from`; `step(dm, state)` lists a DM's moves.
    fn reach<'m>(
        &mut self,
        me: usize,
        from: usize,
        sanctions: Sanctions,
        step: &dyn Fn(usize, usize) -> &'m [usize],
        visit: &mut dyn FnMut(usize),
    ) {
        for j in (0..self.dms).filter(|&j| j != me) {
            for &t in step(j, from) {
                self.mark(t, j, visit);
            }
        }
        if sanctions == Sanctions::Sequences {
            while let Some((t, last)) = self.stack.pop() {
                for k in (0..self.dms).filter(|&k| k != me && k != last) {
                    for &u in step(k, t) {
                        self.mark(u, k, visit);
                    }
                }
            }
        }
        self.stack.clear();
        for i in self.touched.drain(..) {
            self.seen[i] = false;
        }
    }

    fn mark(&mut self, t: usize, by: usize, visit: &mut dyn FnMut(usize)) {
        let key = t * self.dms + by;
        if !self.seen[key] {
            self.seen[key] = true;
            self.touched.push(key);
            self.stack.push((t, by));
            visit(t);
        }
    }
}

/// Computes every state's stability for every DM under every concept.
pub fn stability(
    conflict: &Conflict,
    states: &StateSpace,
    moves: &Moves,
    sanctions: Sanctions,
) -> Stability {
    let n = states.len();
    let dms = moves.dms();
    let mut table: Vec<Vec<Vec<bool>>> = vec![Vec::new(); Concept::ALL.len()];
    let mut search = Search::new(n, dms);
    let all_moves = |dm: usize, s: usize| moves.moves(dm, s);
    let all_improvements = |dm: usize, s: usize| moves.improvements(dm, s);
    for i in 0..dms {
        let score = states.scores(i);
        // Score i can get back to from s2 by its best move (or staying).
        let reply: Vec<u64> = (0..n)
            .map(|s2| {
                moves
                    .moves(i, s2)
                    .iter()
                    .map(|&t| score[t])
                    .fold(score[s2], u64::max)
            })
            .collect();
        let mut gmr_min: Vec<Option<u64>> = vec![None; n];
        let mut smr_min: Vec<Option<u64>> = vec![None; n];
        let mut seq_min: Vec<Option<u64>> = vec![None; n];
        let mut rows = vec![vec![false; n]; Concept::ALL.len()];
        for s in 0..n {
            let ups = moves.improvements(i, s);
            for &s1 in ups {
                if gmr_min[s1].is_none() {
                    let (mut g, mut m) = (u64::MAX, u64::MAX);
                    search.reach(i, s1, sanctions, &all_moves, &mut |t| {
                        g = g.min(score[t]);
                        m = m.min(reply[t]);
                    });
                    gmr_min[s1] = Some(g);
                    smr_min[s1] = Some(m);
                    let mut q = u64::MAX;
                    search.reach(i, s1, sanctions, &all_improvements, &mut |t| {
                        q = q.min(score[t]);
                    });
                    seq_min[s1] = Some(q);
                }
            }
            let deterred = |mins: &[Option<u64>]| {
                ups.iter()
                    .all(|&s1| mins[s1].is_some_and(|v| v <= score[s]))
            };
            let sim = ups
                .iter()
                .all(|&s1| simultaneous_sanction(conflict, states, moves, sanctions, i, s, s1));
            let seq = deterred(&seq_min);
            let row = [
                ups.is_empty(),
                deterred(&gmr_min),
                deterred(&smr_min),
                seq,
                sim,
                seq && sim,
            ];
            for (slot, v) in row.into_iter().enumerate() {
                rows[slot][s] = v;
            }
        }
        for (column, row) in table.iter_mut().zip(rows) {
            column.push(row);
        }
    }
    Stability { table }
}

/// Whether opponents of `i` moving at once from `s` can answer i's move to
/// `s1` with a feasible state i does not prefer to `s`.
fn simultaneous_sanction(
    conflict: &Conflict,
    states: &StateSpace,
    moves: &Moves,
    sanctions: Sanctions,
    i: usize,
    s: usize,
    s1: usize,
) -> bool {
    let score = states.scores(i);
    let base = states.codes()[s1];
    // Combined codes so far, each with whether some opponent moved.
    let mut combos: Vec<(u64, bool)> = vec![(base, false)];
    for j in (0..moves.dms()).filter(|&j| j != i) {
        let mask = conflict.mask(j);
        let mut next = Vec::new();
        for &(code, moved) in &combos {
            if sanctions == Sanctions::Sequences || !moved {
                for &t in moves.moves(j, s) {
                    let c = (code & !mask) | (states.codes()[t] & mask);
                    next.push((c, true));
                }
            }
        }
        combos.extend(next);
    }
    combos
        .iter()
        .any(|&(code, moved)| moved && states.index_of(code).is_some_and(|t| score[t] <= score[s]))
}
