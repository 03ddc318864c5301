//! Coalition analysis (Inohara & Hipel 2008, "Coalition analysis in the
//! graph model for conflict resolution", Systems Engineering 11(4); after
//! Kilgour, Hipel, Fang & Peng 2001): stability when DMs may move together.
//!
//! Rules. A [`Coalition`] is a set of at least two distinct DMs of the
//! conflict. A coalition H's unilateral moves from s are the states ending a
//! legal sequence of unilateral moves by its members (no member moving
//! twice in a row); its coalitional improvements are those moves to states
//! every member strictly prefers to s. For DM i, the coalitions considered
//! are i alone and every given coalition containing i (the paper weighs
//! every coalition containing i: pass every set of two or more DMs to get
//! that reading); for each such H and
//! each coalitional improvement s1 of H from s, the sanctions are the
//! states the DMs outside H reach from s1 (legal sequences of their
//! unilateral moves for GMR, of their unilateral improvements for SEQ; one
//! outsider's single move under [`Sanctions::Single`]). State s is
//! - **CNash** for i when no such H has a coalitional improvement from s;
//! - **CGMR** for i when every such improvement can be answered by a
//!   sanction i does not prefer to s;
//! - **CSEQ** for i likewise with the outsiders moving by improvements.
//!
//! With H = {i} these are i's Nash, GMR and SEQ stability, so coalitional
//! stability implies individual stability. A coalition of every DM has no
//! outsiders and so no sanctions. Coalitional moves compose like individual
//! ones (two moves of one member in a row are one move or none), so each
//! state's coalitional moves are found by one search over the coalition's
//! move graph: the work is states × (states + moves) per coalition, meant
//! for models of up to some thousands of states.

use crate::error::CoalitionError;
use crate::model::Conflict;
use crate::moves::Moves;
use crate::reach::{Graph, least_reachable};
use crate::stability::Sanctions;
use crate::states::StateSpace;

/// A validated coalition: two or more distinct DMs, by index, ascending.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Coalition {
    members: Vec<usize>,
}

impl Coalition {
    /// The coalition of the DMs with indices `members` in `conflict`.
    pub fn new(conflict: &Conflict, members: &[usize]) -> Result<Self, CoalitionError> {
        let dms = conflict.decision_makers();
        let mut v = Vec::with_capacity(members.len());
        for &m in members {
            if m >= dms.len() {
                return Err(CoalitionError::MissingIndex {
                    index: m,
                    count: dms.len(),
                });
            }
            if v.contains(&m) {
                return Err(CoalitionError::Repeated(dms[m].name.clone()));
            }
            v.push(m);
        }
        if v.len() < 2 {
            return Err(CoalitionError::TooFew(v.len()));
        }
        v.sort_unstable();
        Ok(Coalition { members: v })
    }

    /// The coalition of the DMs named `names` in `conflict`.
    pub fn from_names(conflict: &Conflict, names: &[&str]) -> Result<Self, CoalitionError> {
        let dms = conflict.decision_makers();
        let members = names
            .iter()
            .map(|n| {
                dms.iter()
                    .position(|d| d.name == *n)
                    .ok_or_else(|| CoalitionError::UnknownName((*n).to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Coalition::new(conflict, &members)
    }

    /// The members' indices, ascending.
    pub fn members(&self) -> &[usize] {
        &self.members
    }

    /// Whether DM `dm` is a member.
    pub fn contains(&self, dm: usize) -> bool {
        self.members.binary_search(&dm).is_ok()
    }
}

/// A coalitional stability concept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CoalitionConcept {
    /// Coalitional Nash stability.
    Nash,
    /// Coalitional general metarationality.
    Gmr,
    /// Coalitional sequential stability.
    Seq,
}

impl CoalitionConcept {
    /// Every concept, in report order.
    pub const ALL: [CoalitionConcept; 3] = [
        CoalitionConcept::Nash,
        CoalitionConcept::Gmr,
        CoalitionConcept::Seq,
    ];

    /// The key used in JSON output (`cnash`, `cgmr`, `cseq`).
    pub fn key(self) -> &'static str {
        match self {
            CoalitionConcept::Nash => "cnash",
            CoalitionConcept::Gmr => "cgmr",
            CoalitionConcept::Seq => "cseq",
        }
    }

    /// The label used in reports (`CNash`, `CGMR`, `CSEQ`).
    pub fn label(self) -> &'static str {
        match self {
            CoalitionConcept::Nash => "CNash",
            CoalitionConcept::Gmr => "CGMR",
            CoalitionConcept::Seq => "CSEQ",
        }
    }
}

/// Whether each state is coalitionally stable for each DM.
#[derive(Debug, Clone)]
pub struct CoalitionStability {
    /// `table[concept][dm][state]`.
    table: Vec<Vec<Vec<bool>>>,
}

impl CoalitionStability {
    /// Whether state index `s` is stable for `dm` under `concept`.
    pub fn is_stable(&self, concept: CoalitionConcept, dm: usize, s: usize) -> bool {
        self.table[concept as usize][dm][s]
    }

    /// The state indices stable for `dm` under `concept`.
    pub fn stable_states(&self, concept: CoalitionConcept, dm: usize) -> Vec<usize> {
        let row = &self.table[concept as usize][dm];
        (0..row.len()).filter(|&s| row[s]).collect()
    }

    /// The state indices stable for every DM under `concept`.
    pub fn equilibria(&self, concept: CoalitionConcept) -> Vec<usize> {
        let rows = &self.table[concept as usize];
        (0..rows[0].len())
            .filter(|&s| rows.iter().all(|r| r[s]))
            .collect()
    }
}

/// The moves (or improvements) of a set of DMs as one graph.
struct Group<'a> {
    moves: &'a Moves,
    members: &'a [bool],
    improving: bool,
    len: usize,
}

impl Graph for Group<'_> {
    fn len(&self) -> usize {
        self.len
    }

    fn lists(&self) -> usize {
        self.moves.dms()
    }

    fn edges(&self, dm: usize, v: usize) -> &[usize] {
        if !self.members[dm] {
            &[]
        } else if self.improving {
            self.moves.improvements(dm, v)
        } else {
            self.moves.moves(dm, v)
        }
    }
}

/// Every state the group reaches from `s` by one or more moves.
fn reachable(group: &Group<'_>, s: usize, seen: &mut [bool], out: &mut Vec<usize>) {
    out.clear();
    let mut stack = vec![s];
    while let Some(v) = stack.pop() {
        for dm in 0..group.lists() {
            for &t in group.edges(dm, v) {
                if !seen[t] {
                    seen[t] = true;
                    out.push(t);
                    stack.push(t);
                }
            }
        }
    }
    for &t in out.iter() {
        seen[t] = false;
    }
}

/// The least value, for each row, over the outsiders' sanctions from each state.
fn least_sanction(group: &Group<'_>, sanctions: Sanctions, rows: &[&[u64]]) -> Vec<Vec<u64>> {
    match sanctions {
        Sanctions::Sequences => least_reachable(group, rows),
        Sanctions::Single => rows
            .iter()
            .map(|row| {
                (0..group.len)
                    .map(|s| {
                        (0..group.lists())
                            .flat_map(|dm| group.edges(dm, s))
                            .map(|&t| row[t])
                            .min()
                            .unwrap_or(u64::MAX)
                    })
                    .collect()
            })
            .collect(),
    }
}

/// Coalitional Nash, GMR and SEQ stability of every state for every DM,
/// for the given coalitions (each DM alone is always considered).
pub fn coalition_stability(
    conflict: &Conflict,
    states: &StateSpace,
    moves: &Moves,
    coalitions: &[Coalition],
    sanctions: Sanctions,
) -> CoalitionStability {
    let n = states.len();
    let dms = conflict.decision_makers().len().min(moves.dms());
    let mut groups: Vec<Vec<bool>> = (0..dms)
        .map(|i| (0..dms).map(|j| j == i).collect())
        .collect();
    for c in coalitions {
        let g: Vec<bool> = (0..dms).map(|j| c.contains(j)).collect();
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    let mut table = vec![vec![vec![true; n]; dms]; CoalitionConcept::ALL.len()];
    let mut fall = |concept: CoalitionConcept, i: usize, s: usize| {
        table[concept as usize][i][s] = false;
    };
    let mut seen = vec![false; n];
    let mut reach = Vec::new();
    for members in &groups {
        let outside: Vec<bool> = members.iter().map(|m| !m).collect();
        let inside = Group {
            moves,
            members,
            improving: false,
            len: n,
        };
        let group = |improving| Group {
            moves,
            members: &outside,
            improving,
            len: n,
        };
        let who: Vec<usize> = (0..dms).filter(|&j| members[j]).collect();
        // Per member: least score over the outsiders' sanctions.
        let gmr: Vec<Vec<u64>> = who
            .iter()
            .map(|&i| least_sanction(&group(false), sanctions, &[states.scores(i)]).remove(0))
            .collect();
        let seq: Vec<Vec<u64>> = who
            .iter()
            .map(|&i| least_sanction(&group(true), sanctions, &[states.scores(i)]).remove(0))
            .collect();
        for s in 0..n {
            reachable(&inside, s, &mut seen, &mut reach);
            for &s1 in &reach {
                let improves = who
                    .iter()
                    .all(|&k| states.scores(k)[s1] > states.scores(k)[s]);
                if !improves {
                    continue;
                }
                for (w, &i) in who.iter().enumerate() {
                    let bar = states.scores(i)[s];
                    fall(CoalitionConcept::Nash, i, s);
                    if gmr[w][s1] > bar {
                        fall(CoalitionConcept::Gmr, i, s);
                    }
                    if seq[w][s1] > bar {
                        fall(CoalitionConcept::Seq, i, s);
                    }
                }
            }
        }
    }
    CoalitionStability { table }
}
