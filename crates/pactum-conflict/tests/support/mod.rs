//! Random conflicts for the property tests: a few options, each owned by
//! one of a few DMs, with random directions, preferences by option
//! prioritisation and perhaps infeasible conditions (models without a
//! feasible state are skipped), and the literal reading of a legal
//! sequence of moves the brute-force oracles share.

use std::collections::HashSet;
use std::hash::Hash;
use std::ops::RangeInclusive;

use pactum_conflict::{
    Conflict, DecisionMaker, Direction, Literal, OptionDef, Preferences, Statement,
};
use proptest::prelude::*;

/// Which statements the preferences use.
#[derive(Clone, Copy)]
#[allow(dead_code)]
pub enum Statements {
    /// Conjunctions, disjunctions and "if … then …".
    Every,
    /// Conjunctions only.
    Conjunctions,
}

fn literal(options: usize) -> impl Strategy<Value = Literal> {
    (0..options, any::<bool>()).prop_map(|(option, taken)| Literal { option, taken })
}

fn conjunction(options: usize) -> impl Strategy<Value = Vec<Literal>> {
    prop::collection::vec(literal(options), 1..=2)
}

fn statement(options: usize, kinds: Statements) -> BoxedStrategy<Statement> {
    match kinds {
        Statements::Conjunctions => conjunction(options).prop_map(Statement::All).boxed(),
        Statements::Every => prop_oneof![
            conjunction(options).prop_map(Statement::All),
            prop::collection::vec(conjunction(options), 2..=2).prop_map(Statement::Any),
            (conjunction(options), conjunction(options)).prop_map(|(a, b)| Statement::IfThen(a, b)),
        ]
        .boxed(),
    }
}

/// Models of `options` options and `dms` DMs, 1 to 4 statements per DM,
/// up to `infeasible` infeasible conditions.
pub fn conflict(
    options: RangeInclusive<usize>,
    dms: RangeInclusive<usize>,
    kinds: Statements,
    infeasible: usize,
) -> impl Strategy<Value = Conflict> {
    (options, dms)
        .prop_flat_map(move |(n, d)| {
            (
                prop::collection::vec(0..d, n),
                prop::collection::vec(0u8..3, n),
                prop::collection::vec(prop::collection::vec(statement(n, kinds), 1..=4), d),
                prop::collection::vec(conjunction(n), 0..=infeasible),
            )
        })
        .prop_filter_map("no feasible state", |(owner, dirs, prefs, infeasible)| {
            let options = dirs
                .iter()
                .enumerate()
                .map(|(k, &d)| OptionDef {
                    name: format!("o{k}"),
                    direction: [Direction::Both, Direction::Forward, Direction::Backward]
                        [d as usize],
                })
                .collect();
            let dms = prefs
                .into_iter()
                .enumerate()
                .map(|(i, p)| DecisionMaker {
                    name: format!("D{i}"),
                    options: (0..owner.len()).filter(|&k| owner[k] == i).collect(),
                    preferences: Preferences::Prioritised(p),
                })
                .collect();
            Conflict::new("random", options, dms, infeasible).ok()
        })
}

/// The states ending a legal sequence of moves by `movers` from `from`: a
/// first move by any of them, then (with `sequences`) any number of further
/// moves, no DM moving twice in a row; `step(k, s)` lists DM k's moves
/// from s. Read literally, over explicit (state, last mover) pairs.
#[allow(dead_code)]
pub fn legal_sequences<T: Copy + Eq + Hash>(
    from: T,
    movers: &[usize],
    sequences: bool,
    step: impl Fn(usize, T) -> Vec<T>,
) -> HashSet<T> {
    let mut pairs: HashSet<(T, usize)> = HashSet::new();
    for &j in movers {
        for t in step(j, from) {
            pairs.insert((t, j));
        }
    }
    if sequences {
        loop {
            let mut more = pairs.clone();
            for &(t, j) in &pairs {
                for &k in movers.iter().filter(|&&k| k != j) {
                    for u in step(k, t) {
                        more.insert((u, k));
                    }
                }
            }
            if more.len() == pairs.len() {
                break;
            }
            pairs = more;
        }
    }
    pairs.into_iter().map(|(t, _)| t).collect()
}
