//! Textbook conflicts with published stability results: the prisoner's
//! dilemma, chicken, and the Elmira groundwater conflict.

use std::path::Path;

use pactum_conflict::read::read_file;
use pactum_conflict::{Analysis, Concept, Sanctions, analyse};

fn analysis(file: &str, sanctions: Sanctions) -> Analysis {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file);
    let read = read_file(&path).unwrap_or_else(|e| panic!("{e}"));
    analyse(&read.conflict, sanctions)
}

fn equilibria(a: &Analysis) -> Vec<(&'static str, Vec<usize>)> {
    Concept::ALL
        .iter()
        .map(|&c| (c.label(), a.equilibria(c)))
        .collect()
}

fn ids(v: &[usize]) -> Vec<usize> {
    v.to_vec()
}

#[test]
fn prisoners_dilemma_has_defection_nash_and_cooperation_metarational() {
    // States: 1 both cooperate, 2 A defects, 3 B defects, 4 both defect.
    for sanctions in [Sanctions::Sequences, Sanctions::Single] {
        let a = analysis("prisoners.toml", sanctions);
        assert_eq!(a.states.len(), 4);
        let got = equilibria(&a);
        let want = [
            ("Nash", ids(&[4])),
            ("GMR", ids(&[1, 4])),
            ("SMR", ids(&[1, 4])),
            ("SEQ", ids(&[1, 4])),
            ("SIM", ids(&[1, 4])),
            ("SEQ+SIM", ids(&[1, 4])),
        ];
        assert_eq!(got, want);
    }
}

#[test]
fn chicken_has_two_nash_equilibria_and_mutual_swerving_only_with_sanctions() {
    // States: 1 both swerve, 2 A straight, 3 B straight, 4 crash.
    let a = analysis("chicken.json", Sanctions::Sequences);
    let want = [
        ("Nash", ids(&[2, 3])),
        ("GMR", ids(&[1, 2, 3])),
        ("SMR", ids(&[1, 2, 3])),
        // Going straight after the other did would be no improvement: not SEQ.
        ("SEQ", ids(&[2, 3])),
        ("SIM", ids(&[1, 2, 3])),
        ("SEQ+SIM", ids(&[2, 3])),
    ];
    assert_eq!(equilibria(&a), want);
}

/// The published nine-state model folds the four abandonment states
/// (ids 5, 6, 11, 12 here) into one, state 9; the others map one to one.
fn fang_numbers(ids: &[usize]) -> Vec<usize> {
    let map = |id: usize| match id {
        1 => 1,
        2 => 2,
        3 => 3,
        4 => 4,
        7 => 5,
        8 => 6,
        9 => 7,
        10 => 8,
        _ => 9,
    };
    let mut v: Vec<usize> = ids.iter().map(|&i| map(i)).collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[test]
fn elmira_has_the_published_equilibria() {
    for sanctions in [Sanctions::Sequences, Sanctions::Single] {
        let a = analysis("elmira.toml", sanctions);
        assert_eq!(a.states.len(), 12);
        // Fang, Hipel & Kilgour (1993): states 5, 8 and 9 are the Nash
        // equilibria (9 = Uniroyal abandons).
        assert_eq!(fang_numbers(&a.equilibria(Concept::Nash)), vec![5, 8, 9]);
        assert_eq!(fang_numbers(&a.equilibria(Concept::Seq)), vec![5, 8, 9]);
        // The status quo (1) and state 4 are held only by sanctions.
        for c in [Concept::Gmr, Concept::Smr, Concept::Sim] {
            assert_eq!(fang_numbers(&a.equilibria(c)), vec![1, 4, 5, 8, 9], "{c:?}");
        }
        assert_eq!(fang_numbers(&a.equilibria(Concept::SeqSim)), vec![5, 8, 9]);
    }
}

#[test]
fn elmira_reads_the_same_from_a_gmcr_file() {
    let native = analysis("elmira.toml", Sanctions::Sequences);
    let gmcr = analysis("elmira.gmcr", Sanctions::Sequences);
    assert_eq!(native.states.codes(), gmcr.states.codes());
    for c in Concept::ALL {
        assert_eq!(equilibria(&native), equilibria(&gmcr), "{c:?}");
        for dm in 0..3 {
            assert_eq!(native.stable_ids(c, dm), gmcr.stable_ids(c, dm));
        }
    }
}
