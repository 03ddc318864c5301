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
//! coincide.
//!
//! Algorithm. Two moves in a row by one DM are one move of it (or none,
//! when the second undoes the first): the options it flips once are flipped
//! in a direction they allow, and the state is feasible. Improvements
//! compose the same way. So the legal sequences reach what any sequence of
//! opponents' moves reaches, except perhaps s1 itself, which i prefers to s
//! and so never deters. Per DM i, the least score (GMR, SEQ) and the least
//! "score after i's best reply" (SMR) over every state reachable from each
//! state are found at once over the strongly connected components of the
//! opponents' move (resp. improvement) graph ([`crate::reach`]); a state is
//! stable when every improvement's least value is at most its own score.
//! For SIM, when each opponent can move from s to every state its
//! directions allow (the common case), the joint moves fill the sub-cube of
//! the opponents' options left free at s, and a sanction exists when the
//! least-scored feasible state of that sub-cube with i's options as in s1
//! scores at most s; otherwise the states of that sub-cube are tried in
//! ascending score, each checked as a joint move. Sub-cubes are listed
//! once per pattern of i's options and the opponents' directed options.

use std::collections::HashMap;

use crate::model::Conflict;
use crate::moves::{Locks, Moves};
use crate::reach::{Graph, least_reachable};
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

/// Per DM i, the opponents' moves (or improvements) as one graph.
struct Opponents<'a> {
    moves: &'a Moves,
    me: usize,
    improving: bool,
    len: usize,
}

impl Graph for Opponents<'_> {
    fn len(&self) -> usize {
        self.len
    }

    fn lists(&self) -> usize {
        self.moves.dms()
    }

    fn edges(&self, dm: usize, v: usize) -> &[usize] {
        if dm == self.me {
            &[]
        } else if self.improving {
            self.moves.improvements(dm, v)
        } else {
            self.moves.moves(dm, v)
        }
    }
}

/// Least value over the opponents' single moves (or improvements) from each state.
fn least_single(moves: &Moves, me: usize, improving: bool, rows: &[&[u64]]) -> Vec<Vec<u64>> {
    let n = rows.first().map_or(0, |r| r.len());
    rows.iter()
        .map(|row| {
            (0..n)
                .map(|s| {
                    (0..moves.dms())
                        .filter(|&j| j != me)
                        .flat_map(|j| {
                            if improving {
                                moves.improvements(j, s)
                            } else {
                                moves.moves(j, s)
                            }
                        })
                        .map(|&t| row[t])
                        .min()
                        .unwrap_or(u64::MAX)
                })
                .collect()
        })
        .collect()
}

/// Simultaneous sanctions against DM `me`.
struct Simultaneous<'a> {
    states: &'a StateSpace,
    moves: &'a Moves,
    sanctions: Sanctions,
    me: usize,
    score: &'a [u64],
    masks: Vec<u64>,
    locks: Locks,
    /// Per sub-cube pattern, its feasible states as (score, code), ascending.
    cubes: HashMap<u64, Vec<(u64, u64)>>,
}

impl Simultaneous<'_> {
    /// Whether opponents moving at once from `s` can answer `me`'s move to
    /// `s1` with a feasible state `me` does not prefer to `s`.
    fn sanction(&mut self, s: usize, s1: usize) -> bool {
        let codes = self.states.codes();
        let (code, target) = (codes[s], codes[s1]);
        let bar = self.score[s];
        if self.sanctions == Sanctions::Single {
            return (0..self.masks.len()).filter(|&j| j != self.me).any(|j| {
                let m = self.masks[j];
                self.moves.moves(j, s).iter().any(|&t| {
                    let c = (target & !m) | (codes[t] & m);
                    self.states
                        .index_of(c)
                        .is_some_and(|x| self.score[x] <= bar)
                })
            });
        }
        let mine = self.masks[self.me];
        let opponents = !mine & self.states.all_options();
        let locked = self.locks.at(code) & opponents;
        let key = (target & mine) | (code & self.locks.directed() & opponents);
        let full = (0..self.masks.len()).filter(|&j| j != self.me).all(|j| {
            let free = self.masks[j] & !locked;
            self.moves.moves(j, s).len() + 1 == 1usize << free.count_ones()
        });
        let states = self.states;
        let score = self.score;
        let cube = self.cubes.entry(key).or_insert_with(|| {
            let base = (target & mine) | (code & locked);
            let free = opponents & !locked;
            let mut list = Vec::new();
            let mut sub = free;
            loop {
                if let Some(x) = states.index_of(base | sub) {
                    list.push((score[x], base | sub));
                }
                if sub == 0 {
                    break;
                }
                sub = (sub - 1) & free;
            }
            list.sort_unstable();
            list
        });
        if full {
            return cube.first().is_some_and(|&(v, _)| v <= bar);
        }
        // Each opponent's part must be its part in s or one of its moves.
        cube.iter().take_while(|&&(v, _)| v <= bar).any(|&(_, c)| {
            self.masks.iter().enumerate().all(|(j, &m)| {
                j == self.me
                    || c & m == code & m
                    || self.states.index_of((code & !m) | (c & m)).is_some()
            })
        })
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
    let masks: Vec<u64> = (0..dms).map(|j| conflict.mask(j)).collect();
    let locks = Locks::new(conflict);
    let mut table: Vec<Vec<Vec<bool>>> = vec![Vec::new(); Concept::ALL.len()];
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
        let (gmr, seq) = match sanctions {
            Sanctions::Sequences => {
                let graph = |improving| Opponents {
                    moves,
                    me: i,
                    improving,
                    len: n,
                };
                (
                    least_reachable(&graph(false), &[score, &reply]),
                    least_reachable(&graph(true), &[score]),
                )
            }
            Sanctions::Single => (
                least_single(moves, i, false, &[score, &reply]),
                least_single(moves, i, true, &[score]),
            ),
        };
        let mut sim = Simultaneous {
            states,
            moves,
            sanctions,
            me: i,
            score,
            masks: masks.clone(),
            locks,
            cubes: HashMap::new(),
        };
        let mut rows = vec![vec![false; n]; Concept::ALL.len()];
        for s in 0..n {
            let ups = moves.improvements(i, s);
            let deterred = |least: &[u64]| ups.iter().all(|&s1| least[s1] <= score[s]);
            let seq_ok = deterred(&seq[0]);
            let sim_ok = ups.iter().all(|&s1| sim.sanction(s, s1));
            let row = [
                ups.is_empty(),
                deterred(&gmr[0]),
                deterred(&gmr[1]),
                seq_ok,
                sim_ok,
                seq_ok && sim_ok,
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
