//! Limited-move stability and coalition analysis: textbook cases worked by
//! hand, typed refusals, and property tests against literal readings of the
//! definitions (a game tree for L_h; explicit legal sequences of moves for
//! coalitions) on random small models.

use std::collections::HashSet;
use std::path::Path;

use pactum_conflict::limited::MAX_HORIZON;
use pactum_conflict::read::read_file;
use pactum_conflict::{
    Coalition, CoalitionConcept, CoalitionError, Concept, Conflict, LimitedError, Preferences,
    Sanctions, StateSpace, analyse, coalition_stability, limited_move_stable, moves::Moves,
};
use proptest::prelude::*;

mod support;
use support::Statements;

fn model(file: &str) -> Conflict {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file);
    read_file(&path).unwrap_or_else(|e| panic!("{e}")).conflict
}

/// Ids (from 1) stable for each DM at horizon `h`.
fn limited_ids(c: &Conflict, h: usize) -> Vec<Vec<usize>> {
    let states = StateSpace::new(c);
    let moves = Moves::new(c, &states);
    limited_move_stable(c, &states, &moves, h)
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|row| (0..row.len()).filter(|&s| row[s]).map(|s| s + 1).collect())
        .collect()
}

#[test]
fn prisoners_dilemma_cooperation_is_stable_from_two_moves_ahead() {
    // States: 1 both cooperate, 2 A defects, 3 B defects, 4 both defect.
    let c = model("prisoners.toml");
    // L_1 is Nash: each defector (and both) stays; the one exploited leaves.
    assert_eq!(limited_ids(&c, 1), vec![vec![2, 4], vec![3, 4]]);
    // From h = 2 on, defecting from mutual cooperation is answered by the
    // other's defection, which leaves the first worse off than at 1.
    for h in [2, 3, 4, 10] {
        assert_eq!(
            limited_ids(&c, h),
            vec![vec![1, 2, 4], vec![1, 3, 4]],
            "h = {h}"
        );
    }
}

#[test]
fn chicken_at_horizons_one_two_and_three() {
    // States: 1 both swerve, 2 A straight, 3 B straight, 4 crash;
    // A ranks 2 1 3 4, B ranks 3 1 2 4.
    let c = model("chicken.json");
    assert_eq!(limited_ids(&c, 1), vec![vec![2, 3], vec![2, 3]]);
    // h = 2: from 3, A goes straight (crash) foreseeing that B swerves to 2;
    // from 1, A goes straight and B, looking one move ahead, stays at 2.
    assert_eq!(limited_ids(&c, 2), vec![vec![2], vec![3]]);
    // h = 3: going straight from 1 to 2 now ends at 3 (B crashes, A swerves
    // away), so both stay at mutual swerving.
    assert_eq!(limited_ids(&c, 3), vec![vec![1, 2], vec![1, 3]]);
}

#[test]
fn limited_move_stability_refuses_what_it_cannot_define() {
    let pd = model("prisoners.toml");
    let states = StateSpace::new(&pd);
    let moves = Moves::new(&pd, &states);
    for h in [0, MAX_HORIZON + 1] {
        assert_eq!(
            limited_move_stable(&pd, &states, &moves, h),
            Err(LimitedError::Horizon {
                horizon: h,
                max: MAX_HORIZON
            })
        );
    }
    let elmira = model("elmira.toml");
    let states = StateSpace::new(&elmira);
    let moves = Moves::new(&elmira, &states);
    let e = limited_move_stable(&elmira, &states, &moves, 2).unwrap_err();
    assert_eq!(e, LimitedError::NotTwoDecisionMakers(3));
    assert!(e.to_string().contains("two decision makers"), "{e}");
}

#[test]
fn coalitions_are_sets_of_two_or_more_named_dms() {
    let c = model("elmira.toml");
    assert_eq!(
        Coalition::new(&c, &[1]).unwrap_err(),
        CoalitionError::TooFew(1)
    );
    assert_eq!(
        Coalition::new(&c, &[]).unwrap_err(),
        CoalitionError::TooFew(0)
    );
    assert_eq!(
        Coalition::new(&c, &[0, 0]).unwrap_err(),
        CoalitionError::Repeated("Ministry of the Environment".into())
    );
    assert_eq!(
        Coalition::new(&c, &[0, 3]).unwrap_err(),
        CoalitionError::MissingIndex { index: 3, count: 3 }
    );
    assert_eq!(
        Coalition::from_names(&c, &["Uniroyal", "Town"]).unwrap_err(),
        CoalitionError::UnknownName("Town".into())
    );
    let k =
        Coalition::from_names(&c, &["Local government", "Ministry of the Environment"]).unwrap();
    assert_eq!(k.members(), &[0, 2]);
}

#[test]
fn prisoners_acting_together_leave_mutual_defection_for_cooperation() {
    let c = model("prisoners.toml");
    let states = StateSpace::new(&c);
    let moves = Moves::new(&c, &states);
    let both = Coalition::new(&c, &[0, 1]).unwrap();
    let cs = coalition_stability(&c, &states, &moves, &[both], Sanctions::Sequences);
    // Both prefer 1 to 4 and nobody is left to sanction: 4 falls. 1 has no
    // coalitional improvement; its individual ones are deterred as before.
    assert_eq!(cs.equilibria(CoalitionConcept::Nash), Vec::<usize>::new());
    assert_eq!(cs.equilibria(CoalitionConcept::Gmr), vec![0]);
    assert_eq!(cs.equilibria(CoalitionConcept::Seq), vec![0]);
    // Without coalitions the results are the individual ones.
    let alone = coalition_stability(&c, &states, &moves, &[], Sanctions::Sequences);
    let a = analyse(&c, Sanctions::Sequences);
    assert_eq!(alone.equilibria(CoalitionConcept::Nash), vec![3]);
    assert_eq!(
        alone.equilibria(CoalitionConcept::Gmr),
        a.stability.equilibria(Concept::Gmr)
    );
}

/// A literal reading of the model and definitions over explicit sets.
struct Brute<'a> {
    c: &'a Conflict,
    states: Vec<u64>,
    score: Vec<Vec<u64>>,
}

impl<'a> Brute<'a> {
    fn new(c: &'a Conflict) -> Self {
        let states: Vec<u64> = (0..1u64 << c.options().len())
            .filter(|&x| c.is_feasible(x))
            .collect();
        let score = c
            .decision_makers()
            .iter()
            .map(|d| match &d.preferences {
                Preferences::Prioritised(st) => states
                    .iter()
                    .map(|&x| {
                        (0..st.len())
                            .filter(|&k| st[k].holds(x))
                            .map(|k| 1u64 << (st.len() - 1 - k))
                            .sum()
                    })
                    .collect(),
                Preferences::Ranking(_) => unreachable!("only prioritised models are drawn"),
            })
            .collect();
        Brute { c, states, score }
    }

    /// Unilateral moves of `dm` from state index `s`, ascending index.
    fn um(&self, dm: usize, s: usize) -> Vec<usize> {
        let mine = &self.c.decision_makers()[dm].options;
        let a = self.states[s];
        (0..self.states.len())
            .filter(|&t| t != s)
            .filter(|&t| {
                let b = self.states[t];
                (0..self.c.options().len()).all(|k| {
                    let (x, y) = (a >> k & 1 == 1, b >> k & 1 == 1);
                    x == y || (mine.contains(&k) && self.c.options()[k].direction.allows(x, y))
                })
            })
            .collect()
    }

    fn ui(&self, dm: usize, s: usize) -> Vec<usize> {
        self.um(dm, s)
            .into_iter()
            .filter(|&t| self.score[dm][t] > self.score[dm][s])
            .collect()
    }

    /// The final state of the game tree: `mover` moves first, `h` moves left.
    fn final_state(&self, mover: usize, s: usize, h: usize) -> usize {
        if h == 0 {
            return s;
        }
        let sc = &self.score[mover];
        let mut best: Option<usize> = None;
        for t in self.um(mover, s) {
            let f = self.final_state(1 - mover, t, h - 1);
            if best.is_none_or(|b| sc[f] > sc[b]) {
                best = Some(f);
            }
        }
        match best {
            Some(f) if sc[f] > sc[s] => f,
            _ => s,
        }
    }

    /// States ending a legal sequence (no DM twice in a row) of moves by `group`.
    fn legal(&self, group: &[usize], from: usize, improving: bool, single: bool) -> HashSet<usize> {
        let step = |j: usize, s: usize| {
            if improving {
                self.ui(j, s)
            } else {
                self.um(j, s)
            }
        };
        support::legal_sequences(from, group, !single, step)
    }

    fn coalition_stable(
        &self,
        concept: CoalitionConcept,
        i: usize,
        s: usize,
        groups: &[Vec<usize>],
        single: bool,
    ) -> bool {
        let dms = self.c.decision_makers().len();
        groups.iter().filter(|g| g.contains(&i)).all(|g| {
            let out: Vec<usize> = (0..dms).filter(|j| !g.contains(j)).collect();
            self.legal(g, s, false, false)
                .into_iter()
                .filter(|&s1| g.iter().all(|&k| self.score[k][s1] > self.score[k][s]))
                .all(|s1| match concept {
                    CoalitionConcept::Nash => false,
                    CoalitionConcept::Gmr | CoalitionConcept::Seq => self
                        .legal(&out, s1, concept == CoalitionConcept::Seq, single)
                        .into_iter()
                        .any(|s2| self.score[i][s2] <= self.score[i][s]),
                })
        })
    }
}

fn conflict(
    dms: std::ops::RangeInclusive<usize>,
    options: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = Conflict> {
    support::conflict(options, dms, Statements::Conjunctions, 1)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn limited_move_stability_equals_the_game_tree(c in conflict(2..=2, 2..=5), h in 1usize..=5) {
        let states = StateSpace::new(&c);
        let moves = Moves::new(&c, &states);
        let brute = Brute::new(&c);
        let got = limited_move_stable(&c, &states, &moves, h).unwrap();
        for (i, row) in got.iter().enumerate() {
            for (s, &stable) in row.iter().enumerate() {
                prop_assert_eq!(stable, brute.final_state(i, s, h) == s, "DM {} state {} h {}", i, s + 1, h);
            }
        }
        let nash = analyse(&c, Sanctions::Sequences);
        let l1 = limited_move_stable(&c, &states, &moves, 1).unwrap();
        for (i, row) in l1.iter().enumerate() {
            for (s, &stable) in row.iter().enumerate() {
                prop_assert_eq!(stable, nash.stability.is_stable(Concept::Nash, i, s));
            }
        }
    }

    #[test]
    fn coalitional_stability_is_the_literal_definition_and_implies_individual(
        c in conflict(2..=4, 2..=5),
        picks in prop::collection::vec(prop::collection::vec(0usize..4, 2..=4), 0..=2),
    ) {
        let dms = c.decision_makers().len();
        let coalitions: Vec<Coalition> = picks
            .iter()
            .filter_map(|p| {
                let mut m: Vec<usize> = p.iter().map(|&x| x % dms).collect();
                m.sort_unstable();
                m.dedup();
                Coalition::new(&c, &m).ok()
            })
            .collect();
        let mut groups: Vec<Vec<usize>> = (0..dms).map(|i| vec![i]).collect();
        groups.extend(coalitions.iter().map(|k| k.members().to_vec()));
        let states = StateSpace::new(&c);
        let moves = Moves::new(&c, &states);
        let brute = Brute::new(&c);
        for sanctions in [Sanctions::Sequences, Sanctions::Single] {
            let cs = coalition_stability(&c, &states, &moves, &coalitions, sanctions);
            let a = analyse(&c, sanctions);
            for concept in CoalitionConcept::ALL {
                let individual = match concept {
                    CoalitionConcept::Nash => Concept::Nash,
                    CoalitionConcept::Gmr => Concept::Gmr,
                    CoalitionConcept::Seq => Concept::Seq,
                };
                for i in 0..dms {
                    for s in 0..states.len() {
                        let got = cs.is_stable(concept, i, s);
                        prop_assert_eq!(
                            got,
                            brute.coalition_stable(concept, i, s, &groups, sanctions == Sanctions::Single),
                            "{:?} DM {} state {} {:?}", concept, i, s + 1, sanctions
                        );
                        prop_assert!(!got || a.stability.is_stable(individual, i, s));
                    }
                }
            }
        }
    }
}
