//! Seeded random conflicts for timing the analysis: `options` options
//! shared out among four DMs in turn, every fifth option irreversible
//! (alternately "can only be taken" and "can only be withdrawn"), two
//! infeasible conditions of three literals, and six prioritisation
//! statements per DM (conjunctions of one to three literals, some "if A
//! then B", some disjunctions).
//!
//! Rules: the same seed gives the same model; the generator is a SplitMix64
//! stream, so no dependency decides the bytes.

use pactum_conflict::{
    Conflict, DecisionMaker, Direction, Literal, OptionDef, Preferences, Statement,
};

/// The number of DMs in every timed model.
pub const DMS: usize = 4;

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn conjunction(r: &mut SplitMix, options: usize, len: usize) -> Vec<Literal> {
    (0..len)
        .map(|_| Literal {
            option: r.below(options),
            taken: r.below(2) == 1,
        })
        .collect()
}

/// A random conflict with `options` options and [`DMS`] DMs, from `seed`.
pub fn random_conflict(options: usize, seed: u64) -> Conflict {
    let mut r = SplitMix(seed);
    let defs = (0..options)
        .map(|k| OptionDef {
            name: format!("o{k}"),
            direction: match k % 10 {
                4 => Direction::Forward,
                9 => Direction::Backward,
                _ => Direction::Both,
            },
        })
        .collect();
    let dms = (0..DMS)
        .map(|i| {
            let statements = (0..6)
                .map(|_| {
                    let len = 1 + r.below(3);
                    match r.below(5) {
                        0 => Statement::IfThen(
                            conjunction(&mut r, options, 1),
                            conjunction(&mut r, options, len),
                        ),
                        1 => Statement::Any(vec![
                            conjunction(&mut r, options, len),
                            conjunction(&mut r, options, 1),
                        ]),
                        _ => Statement::All(conjunction(&mut r, options, len)),
                    }
                })
                .collect();
            DecisionMaker {
                name: format!("D{i}"),
                options: (0..options).filter(|k| k % DMS == i).collect(),
                preferences: Preferences::Prioritised(statements),
            }
        })
        .collect();
    let infeasible = (0..2).map(|_| conjunction(&mut r, options, 3)).collect();
    Conflict::new(format!("random {options}"), defs, dms, infeasible)
        .expect("a generated model keeps the graph model's rules")
}
