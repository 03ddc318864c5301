//! The check the conflict targets run, with the input read as a native
//! TOML or JSON conflict file or as a GMCR+ `.gmcr` file: the readers never
//! panic, and a model they accept (up to 10 options, so each input stays
//! fast) analyses without panicking, its stable sets nest as the
//! definitions say (Nash ⊆ SMR ⊆ GMR, Nash ⊆ SEQ ⊆ GMR, SEQ+SIM = SEQ ∩
//! SIM), single-move sanctions find no more stable states than legal
//! sequences, and `why` and the status-quo paths answer for the first
//! state.

use std::path::Path;

use pactum_conflict::read::read_str;
use pactum_conflict::{Concept, Sanctions, analyse, status_quo_paths, why};

fn subset(a: &[usize], b: &[usize]) -> bool {
    a.iter().all(|s| b.contains(s))
}

pub fn check(data: &[u8], extension: &str) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = format!("fuzz.{extension}");
    let Ok(read) = read_str(Path::new(&path), text) else {
        return;
    };
    let c = &read.conflict;
    if c.options().len() > 10 {
        return;
    }
    let full = analyse(c, Sanctions::Sequences);
    let single = analyse(c, Sanctions::Single);
    for dm in 0..c.decision_makers().len() {
        let ids = |a: &pactum_conflict::Analysis, k| a.stable_ids(k, dm);
        let (nash, gmr, smr) = (ids(&full, Concept::Nash), ids(&full, Concept::Gmr), ids(&full, Concept::Smr));
        let (seq, sim, both) = (ids(&full, Concept::Seq), ids(&full, Concept::Sim), ids(&full, Concept::SeqSim));
        assert!(subset(&nash, &smr) && subset(&smr, &gmr), "Nash ⊆ SMR ⊆ GMR");
        assert!(subset(&nash, &seq) && subset(&seq, &gmr), "Nash ⊆ SEQ ⊆ GMR");
        let meet: Vec<usize> = seq.iter().copied().filter(|s| sim.contains(s)).collect();
        assert_eq!(both, meet, "SEQ+SIM is SEQ and SIM");
        for k in Concept::ALL {
            assert!(subset(&ids(&single, k), &ids(&full, k)), "single ⊆ sequences");
        }
        why(c, &full, 0, dm).expect("why answers for a state and DM of the model");
    }
    status_quo_paths(&full, 0).expect("the first state is a status quo");
}
