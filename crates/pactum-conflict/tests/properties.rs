//! Property tests on random small conflicts: the library's stability
//! results equal a literal, set-by-set reading of the definitions, the
//! concepts nest as published (Nash ⊆ SMR ⊆ GMR, Nash ⊆ SEQ ⊆ GMR), and
//! single-move sanctions find a subset of what sequences find.

use std::collections::HashSet;

use pactum_conflict::{Concept, Conflict, Preferences, Sanctions, analyse};
use proptest::prelude::*;

mod support;
use support::Statements;

/// A literal reading of the model and the definitions, over explicit sets.
struct Brute<'a> {
    c: &'a Conflict,
    states: Vec<u64>,
}

impl Brute<'_> {
    fn score(&self, dm: usize, code: u64) -> u64 {
        match &self.c.decision_makers()[dm].preferences {
            Preferences::Prioritised(st) => {
                let k = st.len() as u32;
                (0..st.len())
                    .filter(|&i| st[i].holds(code))
                    .map(|i| 2u64.pow(k - 1 - i as u32))
                    .sum()
            }
            Preferences::Ranking(_) => unreachable!("only prioritised models are generated"),
        }
    }

    fn prefers(&self, dm: usize, a: u64, b: u64) -> bool {
        self.score(dm, a) > self.score(dm, b)
    }

    fn um(&self, dm: usize, s: u64) -> Vec<u64> {
        let mine: Vec<usize> = self.c.decision_makers()[dm].options.clone();
        self.states
            .iter()
            .copied()
            .filter(|&t| t != s)
            .filter(|&t| {
                (0..self.c.options().len()).all(|k| {
                    let (a, b) = (s >> k & 1 == 1, t >> k & 1 == 1);
                    a == b || (mine.contains(&k) && self.c.options()[k].direction.allows(a, b))
                })
            })
            .collect()
    }

    fn ui(&self, dm: usize, s: u64) -> Vec<u64> {
        self.um(dm, s)
            .into_iter()
            .filter(|&t| self.prefers(dm, t, s))
            .collect()
    }

    /// States the opponents of `i` reach from `s1`.
    fn reach(&self, i: usize, s1: u64, improving: bool, sanctions: Sanctions) -> HashSet<u64> {
        let step = |j: usize, s: u64| {
            if improving {
                self.ui(j, s)
            } else {
                self.um(j, s)
            }
        };
        let others: Vec<usize> = (0..self.c.decision_makers().len())
            .filter(|&j| j != i)
            .collect();
        support::legal_sequences(s1, &others, sanctions == Sanctions::Sequences, step)
    }

    fn sim(&self, i: usize, s: u64, s1: u64, sanctions: Sanctions) -> bool {
        let others: Vec<usize> = (0..self.c.decision_makers().len())
            .filter(|&j| j != i)
            .collect();
        for subset in 1u32..1 << others.len() {
            if sanctions == Sanctions::Single && subset.count_ones() != 1 {
                continue;
            }
            let movers: Vec<usize> = (0..others.len())
                .filter(|b| subset >> b & 1 == 1)
                .map(|b| others[b])
                .collect();
            let choices: Vec<Vec<u64>> = movers.iter().map(|&j| self.um(j, s)).collect();
            let mut pick = vec![0usize; movers.len()];
            if choices.iter().any(Vec::is_empty) {
                continue;
            }
            loop {
                let code = (0..self.c.options().len()).fold(0u64, |acc, k| {
                    let owner = self.c.controller(k);
                    let from = if owner == i {
                        s1
                    } else if let Some(m) = movers.iter().position(|&j| j == owner) {
                        choices[m][pick[m]]
                    } else {
                        s
                    };
                    acc | (from & 1 << k)
                });
                if self.states.contains(&code) && !self.prefers(i, code, s) {
                    return true;
                }
                let mut d = 0;
                while d < pick.len() {
                    pick[d] += 1;
                    if pick[d] < choices[d].len() {
                        break;
                    }
                    pick[d] = 0;
                    d += 1;
                }
                if d == pick.len() {
                    break;
                }
            }
        }
        false
    }

    fn stable(&self, concept: Concept, i: usize, s: u64, sanctions: Sanctions) -> bool {
        let ups = self.ui(i, s);
        let not_better = |t: u64| !self.prefers(i, t, s);
        let seq = || {
            ups.iter().all(|&s1| {
                self.reach(i, s1, true, sanctions)
                    .into_iter()
                    .any(not_better)
            })
        };
        let sim = || ups.iter().all(|&s1| self.sim(i, s, s1, sanctions));
        match concept {
            Concept::Nash => ups.is_empty(),
            Concept::Gmr => ups.iter().all(|&s1| {
                self.reach(i, s1, false, sanctions)
                    .into_iter()
                    .any(not_better)
            }),
            Concept::Smr => ups.iter().all(|&s1| {
                self.reach(i, s1, false, sanctions)
                    .into_iter()
                    .any(|s2| not_better(s2) && self.um(i, s2).into_iter().all(not_better))
            }),
            Concept::Seq => seq(),
            Concept::Sim => sim(),
            Concept::SeqSim => seq() && sim(),
        }
    }
}

fn conflict() -> impl Strategy<Value = Conflict> {
    support::conflict(2..=6, 2..=4, Statements::Every, 2)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn fast_results_equal_the_literal_definitions(c in conflict()) {
        let states: Vec<u64> = (0..1u64 << c.options().len()).filter(|&x| c.is_feasible(x)).collect();
        let brute = Brute { c: &c, states: states.clone() };
        for sanctions in [Sanctions::Sequences, Sanctions::Single] {
            let a = analyse(&c, sanctions);
            prop_assert_eq!(a.states.codes(), &states[..]);
            for concept in Concept::ALL {
                for i in 0..c.decision_makers().len() {
                    for (idx, &s) in states.iter().enumerate() {
                        prop_assert_eq!(
                            a.stability.is_stable(concept, i, idx),
                            brute.stable(concept, i, s, sanctions),
                            "{:?} DM {} state {} ({:?})", concept, i, idx + 1, sanctions
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn concepts_nest_and_single_sanctions_find_less(c in conflict()) {
        let seqs = analyse(&c, Sanctions::Sequences);
        let single = analyse(&c, Sanctions::Single);
        let subset = |a: &[usize], b: &[usize]| a.iter().all(|x| b.contains(x));
        for i in 0..c.decision_makers().len() {
            for a in [&seqs, &single] {
                let st = |k| a.stable_ids(k, i);
                prop_assert!(subset(&st(Concept::Nash), &st(Concept::Smr)));
                prop_assert!(subset(&st(Concept::Smr), &st(Concept::Gmr)));
                prop_assert!(subset(&st(Concept::Nash), &st(Concept::Seq)));
                prop_assert!(subset(&st(Concept::Seq), &st(Concept::Gmr)));
                let both: Vec<usize> = st(Concept::Seq).into_iter().filter(|s| st(Concept::Sim).contains(s)).collect();
                prop_assert_eq!(st(Concept::SeqSim), both);
            }
            for k in Concept::ALL {
                prop_assert!(subset(&single.stable_ids(k, i), &seqs.stable_ids(k, i)), "{:?}", k);
                if c.decision_makers().len() == 2 {
                    prop_assert_eq!(single.stable_ids(k, i), seqs.stable_ids(k, i));
                }
            }
        }
    }
}
