//! The sanctions behind each verdict and the paths from a status quo: on
//! random small models, "every improvement has a sanction" equals the
//! engine's verdict for every state, DM and concept in both sanction modes,
//! and every sanction and path is made of legal moves meeting its
//! condition; hand-checked sanctions and paths on the prisoner's dilemma
//! and on the Istanbul example.

use std::path::Path;

use pactum_conflict::read::read_file;
use pactum_conflict::why::DETERRING;
use pactum_conflict::{
    Analysis, Concept, Conflict, QueryError, Sanctions, Step, analyse, status_quo_paths, why,
};
use proptest::prelude::*;

mod support;
use support::Statements;

fn read(path: &Path) -> (Conflict, Option<u64>) {
    let read = read_file(path).unwrap_or_else(|e| panic!("{e}"));
    (read.conflict, read.status_quo)
}

fn data(file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file)
}

/// Random models of 2–5 options and 2–4 DMs, with directions and
/// infeasible conditions.
fn conflict() -> impl Strategy<Value = Conflict> {
    support::conflict(2..=5, 2..=4, Statements::Every, 2)
}

/// Whether `step` is a legal unilateral move (an improvement of its DM when
/// `improving`) whose changes are the options that differ.
fn legal(a: &Analysis, c: &Conflict, step: &Step, improving: bool) -> bool {
    let targets = if improving {
        a.moves.improvements(step.dm, step.from)
    } else {
        a.moves.moves(step.dm, step.from)
    };
    let (x, y) = (a.states.codes()[step.from], a.states.codes()[step.to]);
    targets.contains(&step.to)
        && step
            .changes
            .iter()
            .all(|ch| c.controller(ch.option) == step.dm && (y >> ch.option & 1 == 1) == ch.taken)
        && step.changes.iter().fold(0u64, |m, ch| m | 1 << ch.option) == x ^ y
}

/// Checks every sanction of every improvement against the definitions.
fn check_sanctions(c: &Conflict, a: &Analysis, s: usize, i: usize) -> Result<(), TestCaseError> {
    let w = why(c, a, s, i).unwrap();
    let score = a.states.scores(i);
    prop_assert_eq!(
        w.improvements.iter().map(|m| m.step.to).collect::<Vec<_>>(),
        a.moves.improvements(i, s).to_vec()
    );
    for m in &w.improvements {
        prop_assert!(legal(a, c, &m.step, true));
        for concept in DETERRING {
            let Some(x) = m.sanction(concept) else {
                continue;
            };
            prop_assert!(
                score[x.end] <= score[s],
                "{:?} ends in a preferred state",
                concept
            );
            prop_assert!(!x.steps.is_empty());
            if a.sanctions == Sanctions::Single {
                prop_assert_eq!(x.steps.len(), 1);
            }
            prop_assert!(x.steps.iter().all(|st| st.dm != i));
            if concept == Concept::Sim {
                prop_assert!(x.simultaneous);
                let mut code = a.states.codes()[m.step.to];
                let mut last = None;
                for st in &x.steps {
                    prop_assert!(st.from == s && legal(a, c, st, false));
                    prop_assert!(last < Some(st.dm), "movers in DM order, each once");
                    last = Some(st.dm);
                    let mask = c.mask(st.dm);
                    code = (code & !mask) | (a.states.codes()[st.to] & mask);
                }
                prop_assert_eq!(code, a.states.codes()[x.end]);
            } else {
                prop_assert!(!x.simultaneous);
                prop_assert_eq!(x.steps[0].from, m.step.to);
                prop_assert_eq!(x.steps.last().unwrap().to, x.end);
                for pair in x.steps.windows(2) {
                    prop_assert_eq!(pair[0].to, pair[1].from);
                    prop_assert_ne!(pair[0].dm, pair[1].dm);
                }
                for st in &x.steps {
                    prop_assert!(legal(a, c, st, concept == Concept::Seq));
                }
                if concept == Concept::Smr {
                    prop_assert!(
                        a.moves
                            .moves(i, x.end)
                            .iter()
                            .all(|&u| score[u] <= score[s])
                    );
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_improvement_sanctioned_equals_the_engines_verdict(c in conflict()) {
        for sanctions in [Sanctions::Sequences, Sanctions::Single] {
            let a = analyse(&c, sanctions);
            for i in 0..c.decision_makers().len() {
                for s in 0..a.states.len() {
                    let w = why(&c, &a, s, i).unwrap();
                    for concept in Concept::ALL {
                        prop_assert_eq!(
                            w.stable(concept),
                            a.stability.is_stable(concept, i, s),
                            "{:?} DM {} state {} ({:?})", concept, i, s + 1, sanctions
                        );
                    }
                    check_sanctions(&c, &a, s, i)?;
                }
            }
        }
    }

    #[test]
    fn status_quo_paths_are_shortest_legal_and_improving(c in conflict(), pick in any::<prop::sample::Index>()) {
        let a = analyse(&c, Sanctions::Sequences);
        let q = pick.index(a.states.len());
        let p = status_quo_paths(&a, q).unwrap();
        for (reached, improving) in [(&p.by_moves, false), (&p.by_improvements, true)] {
            let r = &reached.reach;
            prop_assert_eq!(r.distance(q), Some(0));
            for s in 0..a.states.len() {
                // Breadth-first: a step from a reachable state reaches a
                // state at most one step further.
                let next = |dm| if improving { a.moves.improvements(dm, s) } else { a.moves.moves(dm, s) };
                if let Some(d) = r.distance(s) {
                    for dm in 0..c.decision_makers().len() {
                        for &t in next(dm) {
                            prop_assert!(r.distance(t).is_some_and(|e| e <= d + 1));
                        }
                    }
                    let path = r.path(&a.states, s).unwrap();
                    prop_assert_eq!(path.len(), d);
                    let mut at = q;
                    for st in &path {
                        prop_assert_eq!(st.from, at);
                        prop_assert!(legal(&a, &c, st, improving));
                        if improving {
                            let score = a.states.scores(st.dm);
                            prop_assert!(score[st.to] > score[st.from]);
                        }
                        at = st.to;
                    }
                    prop_assert_eq!(at, s);
                    for pair in path.windows(2) {
                        prop_assert_ne!(pair[0].dm, pair[1].dm);
                    }
                } else {
                    prop_assert!(r.path(&a.states, s).is_none());
                }
            }
            for concept in Concept::ALL {
                let want: Vec<usize> = a
                    .stability
                    .equilibria(concept)
                    .into_iter()
                    .filter(|&s| r.distance(s).is_some())
                    .collect();
                prop_assert_eq!(reached.equilibria_under(concept), want);
            }
        }
        // Improvements are moves: what they reach, moves reach.
        for s in p.by_improvements.reach.reachable() {
            prop_assert!(p.by_moves.reach.distance(s) <= p.by_improvements.reach.distance(s));
        }
    }
}

/// (DM, from id, to id) of each step.
fn ids(steps: &[Step]) -> Vec<(usize, usize, usize)> {
    steps.iter().map(|s| (s.dm, s.from + 1, s.to + 1)).collect()
}

#[test]
fn prisoners_dilemma_cooperation_is_deterred_by_defection() {
    // States: 1 both cooperate, 2 A defects, 3 B defects, 4 both defect.
    let (c, _) = read(&data("prisoners.toml"));
    let a = analyse(&c, Sanctions::Sequences);
    let w = why(&c, &a, 0, 0).unwrap();
    assert_eq!(w.improvements.len(), 1);
    let m = &w.improvements[0];
    assert_eq!(
        (m.step.to, m.step.changes[0].option, m.step.changes[0].taken),
        (1, 0, true)
    );
    for concept in [Concept::Gmr, Concept::Smr, Concept::Seq] {
        let x = m.sanction(concept).unwrap();
        assert_eq!(ids(&x.steps), [(1, 2, 4)], "{concept:?}");
        assert_eq!(x.end, 3);
    }
    let sim = m.sanction(Concept::Sim).unwrap();
    assert!(sim.simultaneous);
    assert_eq!(ids(&sim.steps), [(1, 1, 3)]);
    assert_eq!(sim.end, 3);
    assert!(!w.stable(Concept::Nash));
    assert!(Concept::ALL[1..].iter().all(|&k| w.stable(k)));
    // Mutual defection: no improvement, stable under every concept.
    let w = why(&c, &a, 3, 1).unwrap();
    assert!(w.improvements.is_empty());
    assert!(Concept::ALL.iter().all(|&k| w.stable(k)));
    // B defecting alone (state 3) is A's to answer: A improves to 4 and
    // B has no answer A does not prefer.
    let w = why(&c, &a, 2, 0).unwrap();
    assert_eq!(w.improvements[0].step.to, 3);
    assert!(
        DETERRING
            .iter()
            .all(|&k| w.improvements[0].sanction(k).is_none())
    );
}

#[test]
fn prisoners_dilemma_paths_from_cooperation_lead_to_defection() {
    let (c, _) = read(&data("prisoners.toml"));
    let a = analyse(&c, Sanctions::Sequences);
    let p = status_quo_paths(&a, 0).unwrap();
    for reached in [&p.by_moves, &p.by_improvements] {
        assert_eq!(reached.reach.reachable(), [0, 1, 2, 3]);
        assert_eq!(reached.equilibria_under(Concept::Nash), [3]);
        assert_eq!(reached.equilibria_under(Concept::Gmr), [0, 3]);
        let e = reached.equilibria.iter().find(|e| e.state == 3).unwrap();
        // Ties broken by state id: A's move to state 2 comes first.
        assert_eq!(ids(&e.steps), [(0, 1, 2), (1, 2, 4)]);
        assert_eq!(e.concepts, Concept::ALL);
        assert!(reached.equilibria[0].steps.is_empty());
    }
    // From mutual defection no improvement leads anywhere.
    let p = status_quo_paths(&a, 3).unwrap();
    assert_eq!(p.by_improvements.reach.reachable(), [3]);
    assert_eq!(p.by_moves.reach.reachable(), [0, 1, 2, 3]);
}

#[test]
fn states_and_decision_makers_out_of_range_are_refused() {
    let (c, _) = read(&data("prisoners.toml"));
    let a = analyse(&c, Sanctions::Sequences);
    assert_eq!(
        why(&c, &a, 4, 0).unwrap_err(),
        QueryError::NoSuchState { id: 5, count: 4 }
    );
    assert!(matches!(
        why(&c, &a, 0, 2),
        Err(QueryError::NoSuchDecisionMakerIndex { index: 2, count: 2 })
    ));
    assert!(status_quo_paths(&a, 9).is_err());
    let e = pactum_conflict::dm_index(&c, "C").unwrap_err();
    assert_eq!(
        e.to_string(),
        "there is no decision maker \"C\"; the decision makers are \"A\", \"B\""
    );
    assert_eq!(
        a.state_index(0).unwrap_err().to_string(),
        "there is no state 0: the feasible states are numbered 1 to 4"
    );
}

#[test]
fn istanbul_improvements_from_the_status_quo_end_in_war_under_sanctions_and_guarantees() {
    // DMs: 0 Ukraine, 1 Russia, 2 United States, 3 Europe.
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/istanbul-2025-conflict.toml");
    let (c, sq) = read(&path);
    let a = analyse(&c, Sanctions::Sequences);
    let q = a.states.index_of(sq.unwrap()).unwrap();
    assert_eq!(q + 1, 6, "offensive and deep strikes");
    let p = status_quo_paths(&a, q).unwrap();
    // Only the United States (sanctions) and Europe (guarantees) improve.
    assert_eq!(p.by_improvements.reach.reachable(), [5, 21, 37, 53]);
    let e = &p.by_improvements.equilibria;
    assert_eq!(e.len(), 1);
    assert_eq!(ids(&e[0].steps), [(2, 6, 22), (3, 22, 54)]);
    assert_eq!(e[0].concepts, Concept::ALL);
    // By moves the ceasefire of state 1 is two moves away, Ukraine first
    // (state 2 before state 5).
    let to1 = p.by_moves.equilibria.iter().find(|e| e.state == 0).unwrap();
    assert_eq!(ids(&to1.steps), [(0, 6, 2), (1, 2, 1)]);
    // At the ceasefire, Russia's return to the offensive is deterred by
    // Ukraine's deep strikes.
    let w = why(&c, &a, 0, 1).unwrap();
    let m = &w.improvements[0];
    assert_eq!(m.step.to + 1, 2);
    for concept in DETERRING {
        // A sequence starts at state 2; Ukraine's simultaneous move starts
        // at state 1 (to 5), the two together giving state 6.
        let want = if concept == Concept::Sim {
            [(0, 1, 5)]
        } else {
            [(0, 2, 6)]
        };
        let x = m.sanction(concept).unwrap();
        assert_eq!(
            (ids(&x.steps), x.end + 1),
            (want.to_vec(), 6),
            "{concept:?}"
        );
    }
}
