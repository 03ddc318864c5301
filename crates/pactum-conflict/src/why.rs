//! Why a state is, or is not, stable for a decision maker: each unilateral
//! improvement the DM has from it and, per concept, the sanction that deters
//! it, or that none exists.
//!
//! Rules, for DM i at state s and an improvement s1 of i (the definitions of
//! [`crate::stability`]):
//! - **Nash**: s is stable exactly when i has no improvement.
//! - **GMR**: a sanction is a legal sequence of the opponents' unilateral
//!   moves from s1 (no DM moving twice in a row; with
//!   [`Sanctions::Single`], one opponent's single move) ending in a state i
//!   does not prefer to s.
//! - **SMR**: as GMR, ending in a state from which no move of i reaches a
//!   state i prefers to s.
//! - **SEQ**: as GMR, each step an improvement of the opponent taking it.
//! - **SIM**: some opponents (one with [`Sanctions::Single`]) each make one
//!   unilateral move from s at the moment i moves to s1; the combined state
//!   is feasible and i does not prefer it to s.
//! - **SEQ+SIM**: deterred under both SEQ and SIM.
//!
//! A state is stable under a concept when every improvement has a sanction.
//! Sanctions are shortest: sequences are found by a breadth-first search
//! over (state, last mover) pairs (opponents in model order, targets in
//! ascending state id, the first state meeting the condition wins);
//! simultaneous sanctions by trying fewer movers first, then DM order, then
//! ascending targets. States are indices (id − 1).

use std::collections::VecDeque;

use crate::analysis::{Analysis, QueryError};
use crate::model::Conflict;
use crate::paths::Step;
use crate::stability::{Concept, Sanctions};

/// The concepts a sanction can deter an improvement under, in report order.
pub const DETERRING: [Concept; 4] = [Concept::Gmr, Concept::Smr, Concept::Seq, Concept::Sim];

/// The opponents' answer to an improvement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sanction {
    /// The opponents' moves: for a sequence, chained from the improvement's
    /// target; for a simultaneous sanction, each from the starting state.
    pub steps: Vec<Step>,
    /// Whether the moves are made at once (SIM) rather than in sequence.
    pub simultaneous: bool,
    /// The state the sanction ends in (index).
    pub end: usize,
}

/// Whether one improvement is deterred under one concept, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deterrence {
    /// The concept (one of [`DETERRING`]).
    pub concept: Concept,
    /// The shortest sanction, or `None` when no sanction exists.
    pub sanction: Option<Sanction>,
}

/// One unilateral improvement of the DM and the sanctions against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Improvement {
    /// The DM's move from the state asked about.
    pub step: Step,
    /// Per concept of [`DETERRING`], in that order.
    pub deterrence: Vec<Deterrence>,
}

impl Improvement {
    /// The sanction deterring this improvement under `concept` (one of
    /// [`DETERRING`]), if any.
    pub fn sanction(&self, concept: Concept) -> Option<&Sanction> {
        self.deterrence
            .iter()
            .find(|d| d.concept == concept)
            .and_then(|d| d.sanction.as_ref())
    }
}

/// Why a state is or is not stable for a DM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Why {
    /// The state asked about (index).
    pub state: usize,
    /// The DM asked about.
    pub dm: usize,
    /// The sanctions used.
    pub sanctions: Sanctions,
    /// Every improvement of the DM from the state, by ascending target.
    pub improvements: Vec<Improvement>,
}

impl Why {
    /// Whether the state is stable for the DM under `concept`, read from the
    /// improvements and sanctions found.
    pub fn stable(&self, concept: Concept) -> bool {
        let deterred = |c| self.improvements.iter().all(|m| m.sanction(c).is_some());
        match concept {
            Concept::Nash => self.improvements.is_empty(),
            Concept::SeqSim => deterred(Concept::Seq) && deterred(Concept::Sim),
            c => deterred(c),
        }
    }
}

/// Why state `state` (an index) is, or is not, stable for DM `dm` under
/// every concept, in the analysis's sanction mode.
pub fn why(
    conflict: &Conflict,
    analysis: &Analysis,
    state: usize,
    dm: usize,
) -> Result<Why, QueryError> {
    analysis.check_state(state)?;
    analysis.check_dm(dm)?;
    let improvements = analysis
        .moves
        .improvements(dm, state)
        .iter()
        .map(|&s1| Improvement {
            step: Step::new(&analysis.states, dm, state, s1),
            deterrence: DETERRING
                .into_iter()
                .map(|concept| Deterrence {
                    concept,
                    sanction: match concept {
                        Concept::Sim => simultaneous(conflict, analysis, dm, state, s1),
                        c => sequence(analysis, c, dm, state, s1),
                    },
                })
                .collect(),
        })
        .collect();
    Ok(Why {
        state,
        dm,
        sanctions: analysis.sanctions,
        improvements,
    })
}

/// The shortest sequence of the opponents' moves (improvements for SEQ)
/// from `s1` ending where `concept` is satisfied.
fn sequence(a: &Analysis, concept: Concept, i: usize, s: usize, s1: usize) -> Option<Sanction> {
    let dms = a.moves.dms();
    let score = a.states.scores(i);
    let goal = |t: usize| {
        score[t] <= score[s]
            && (concept != Concept::Smr
                || a.moves.moves(i, t).iter().all(|&u| score[u] <= score[s]))
    };
    let step = |j: usize, t: usize| {
        if concept == Concept::Seq {
            a.moves.improvements(j, t)
        } else {
            a.moves.moves(j, t)
        }
    };
    // Nodes are (state, last mover); `parent` holds the node each was reached from.
    let node = |t: usize, by: usize| t * dms + by;
    let mut parent: Vec<Option<usize>> = vec![None; a.states.len() * dms];
    let start = node(s1, i);
    let mut queue = VecDeque::from([start]);
    while let Some(at) = queue.pop_front() {
        let (t, last) = (at / dms, at % dms);
        if at != start && a.sanctions == Sanctions::Single {
            break;
        }
        for k in (0..dms).filter(|&k| k != i && k != last) {
            for &u in step(k, t) {
                let next = node(u, k);
                if parent[next].is_some() {
                    continue;
                }
                parent[next] = Some(at);
                if goal(u) {
                    let mut steps = Vec::new();
                    let mut cur = next;
                    while let Some(prev) = parent[cur] {
                        steps.push(Step::new(&a.states, cur % dms, prev / dms, cur / dms));
                        cur = prev;
                    }
                    steps.reverse();
                    return Some(Sanction {
                        steps,
                        simultaneous: false,
                        end: u,
                    });
                }
                queue.push_back(next);
            }
        }
    }
    None
}

/// The simultaneous sanction with the fewest movers against `i`'s move
/// from `s` to `s1`.
fn simultaneous(c: &Conflict, a: &Analysis, i: usize, s: usize, s1: usize) -> Option<Sanction> {
    let score = a.states.scores(i);
    let others: Vec<usize> = (0..a.moves.dms()).filter(|&j| j != i).collect();
    let most = match a.sanctions {
        Sanctions::Single => 1,
        Sanctions::Sequences => others.len(),
    };
    let mut subsets: Vec<Vec<usize>> = (1u32..1 << others.len())
        .filter(|m| m.count_ones() as usize <= most)
        .map(|m| {
            (0..others.len())
                .filter(|b| m >> b & 1 == 1)
                .map(|b| others[b])
                .collect()
        })
        .collect();
    subsets.sort_by(|x: &Vec<usize>, y| x.len().cmp(&y.len()).then_with(|| x.cmp(y)));
    for movers in subsets {
        let choices: Vec<&[usize]> = movers.iter().map(|&j| a.moves.moves(j, s)).collect();
        if choices.iter().any(|m| m.is_empty()) {
            continue;
        }
        let mut pick = vec![0usize; movers.len()];
        loop {
            let code = movers.iter().zip(&pick).zip(&choices).fold(
                a.states.codes()[s1],
                |code, ((&j, &p), ch)| {
                    let mask = c.mask(j);
                    (code & !mask) | (a.states.codes()[ch[p]] & mask)
                },
            );
            if let Some(end) = a.states.index_of(code)
                && score[end] <= score[s]
            {
                let steps = movers
                    .iter()
                    .zip(&pick)
                    .zip(&choices)
                    .map(|((&j, &p), ch)| Step::new(&a.states, j, s, ch[p]))
                    .collect();
                return Some(Sanction {
                    steps,
                    simultaneous: true,
                    end,
                });
            }
            if !advance(&mut pick, &choices) {
                break;
            }
        }
    }
    None
}

/// The next combination of picks, the last mover's target varying fastest;
/// false after the last one.
fn advance(pick: &mut [usize], choices: &[&[usize]]) -> bool {
    for d in (0..pick.len()).rev() {
        pick[d] += 1;
        if pick[d] < choices[d].len() {
            return true;
        }
        pick[d] = 0;
    }
    false
}
