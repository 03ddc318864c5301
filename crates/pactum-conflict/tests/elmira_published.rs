//! The Elmira groundwater conflict checked concept by concept and DM by DM.
//!
//! Source: Fang, Hipel & Kilgour (1993), *Interactive Decision Making*,
//! the Elmira model of ch. 5 (also Xu et al. 2018 and Hipel's papers): nine
//! feasible states, DMs the Ministry of the Environment (MoE: modify the
//! control order, irreversible), Uniroyal (delay, accept, abandon) and the
//! local government (LG: insist), preference rankings MoE 7 3 4 8 5 1 2 6 9,
//! Uniroyal 1 4 8 5 9 3 7 2 6, LG 7 3 5 1 8 6 4 2 9. The published stability
//! analysis finds the equilibria 5, 8 and 9 under Nash, SEQ and SEQ+SIM, and
//! adds the status quo 1 and state 4 under GMR, SMR and SIM (held only by
//! sanctions). The per-DM rows below follow from those rankings by the
//! definitions and are the rows of that analysis: MoE never prefers to
//! modify, so it is Nash-stable everywhere; Uniroyal improves from 2, 3, 6
//! and 7 (to accepting or abandoning) and no sanction can hurt it there;
//! LG improves by insisting from 1 (to 5), 2, 3 and 4 (to 8); MoE's
//! modifying from 5 and Uniroyal's abandoning from 8 sanction it (GMR, SMR,
//! SIM), but neither is an improvement for its mover (not SEQ), while from
//! 2 and 3 Uniroyal's abandoning is one and deters LG under SEQ too.
//! The model's file spells the abandonment states out as four (ids 5, 6,
//! 11, 12), which the published model folds into state 9. With three DMs
//! and single-move sanctions (GMCR+'s rule) the results are the same.

use std::path::Path;

use pactum_conflict::read::read_file;
use pactum_conflict::{Concept, Sanctions, analyse};

/// Published state numbers of the ids of `tests/data/elmira.toml`.
fn fang(ids: &[usize]) -> Vec<usize> {
    let mut v: Vec<usize> = ids
        .iter()
        .map(|&id| match id {
            1..=4 => id,
            7..=10 => id - 2,
            _ => 9,
        })
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[test]
fn every_concept_and_dm_matches_the_published_analysis() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/elmira.toml");
    let read = read_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let all = (1..=9).collect::<Vec<_>>();
    let uniroyal = vec![1, 4, 5, 8, 9];
    let lg_nash = vec![5, 6, 7, 8, 9];
    let lg_seq = vec![2, 3, 5, 6, 7, 8, 9];
    for sanctions in [Sanctions::Sequences, Sanctions::Single] {
        let a = analyse(&read.conflict, sanctions);
        for concept in Concept::ALL {
            let lg = match concept {
                Concept::Nash => &lg_nash,
                Concept::Seq | Concept::SeqSim => &lg_seq,
                Concept::Gmr | Concept::Smr | Concept::Sim => &all,
            };
            let want = [&all, &uniroyal, lg];
            for (dm, w) in want.iter().enumerate() {
                assert_eq!(
                    &fang(&a.stable_ids(concept, dm)),
                    *w,
                    "{concept:?} DM {dm} ({sanctions:?})"
                );
            }
            let eq = match concept {
                Concept::Nash | Concept::Seq | Concept::SeqSim => vec![5, 8, 9],
                _ => vec![1, 4, 5, 8, 9],
            };
            assert_eq!(
                fang(&a.equilibria(concept)),
                eq,
                "{concept:?} ({sanctions:?})"
            );
        }
    }
}
