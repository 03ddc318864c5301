//! The graph model of a conflict: options (each with the direction it may
//! be changed in), decision makers (each controlling some options and
//! ranking states by option prioritisation or an explicit ranking), and
//! infeasible conditions.
//!
//! Rules kept by [`Conflict::new`]: at least one and at most
//! [`MAX_OPTIONS`] options, at least two DMs, names unique, every option
//! controlled by exactly one DM, every literal names an existing option, at
//! most [`MAX_STATEMENTS`] statements per DM, at least one feasible state,
//! and an explicit ranking is a permutation (ties allowed) of the feasible
//! state ids 1..=N as [`crate::states`] numbers them.

use std::collections::HashSet;

use crate::error::{Field, ModelError, Problem};
use crate::statement::{Literal, Statement, all_hold};

/// The most options a model may have (2^20 states).
pub const MAX_OPTIONS: usize = 20;
/// The most prioritisation statements of one DM (scores fit in 64 bits).
pub const MAX_STATEMENTS: usize = 62;

/// Which changes of an option are possible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// Taken and withdrawn freely.
    #[default]
    Both,
    /// Can only be taken (irreversible once taken).
    Forward,
    /// Can only be withdrawn (cannot be taken again).
    Backward,
}

impl Direction {
    /// Whether the option may go from `from` to `to` (taken = true).
    pub fn allows(self, from: bool, to: bool) -> bool {
        match self {
            Direction::Both => true,
            Direction::Forward => !from && to,
            Direction::Backward => from && !to,
        }
    }
}

/// One option: a yes/no course of action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionDef {
    /// Its name.
    pub name: String,
    /// The direction it may be changed in.
    pub direction: Direction,
}

/// How a DM ranks the feasible states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Preferences {
    /// Statements in order of importance; a state scores Σ 2^(K−k) over the
    /// statements k = 1..K it satisfies, higher preferred.
    Prioritised(Vec<Statement>),
    /// Feasible state ids (from 1), most preferred group first; a group of
    /// several ids is a tie.
    Ranking(Vec<Vec<usize>>),
}

/// A decision maker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionMaker {
    /// Its name.
    pub name: String,
    /// The options it controls (indices).
    pub options: Vec<usize>,
    /// Its preferences.
    pub preferences: Preferences,
}

/// A validated conflict model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    name: String,
    options: Vec<OptionDef>,
    dms: Vec<DecisionMaker>,
    infeasible: Vec<Vec<Literal>>,
    controller: Vec<usize>,
}

fn err(field: Field, problem: Problem) -> ModelError {
    ModelError { field, problem }
}

impl Conflict {
    /// Checks the rules in the module documentation and builds the model.
    pub fn new(
        name: impl Into<String>,
        options: Vec<OptionDef>,
        dms: Vec<DecisionMaker>,
        infeasible: Vec<Vec<Literal>>,
    ) -> Result<Self, ModelError> {
        let n = options.len();
        if n == 0 {
            return Err(err(Field::Model, Problem::NoOptions));
        }
        if n > MAX_OPTIONS {
            return Err(err(
                Field::Model,
                Problem::TooManyOptions {
                    count: n,
                    max: MAX_OPTIONS,
                },
            ));
        }
        if dms.len() < 2 {
            return Err(err(Field::Model, Problem::TooFewDecisionMakers(dms.len())));
        }
        let mut seen = HashSet::new();
        for (i, o) in options.iter().enumerate() {
            if !seen.insert(o.name.as_str()) {
                return Err(err(
                    Field::Option(i),
                    Problem::DuplicateOption(o.name.clone()),
                ));
            }
        }
        let mut seen = HashSet::new();
        for (i, d) in dms.iter().enumerate() {
            if !seen.insert(d.name.as_str()) {
                return Err(err(
                    Field::DmOptions(i),
                    Problem::DuplicateDecisionMaker(d.name.clone()),
                ));
            }
        }
        let missing = |field, index| err(field, Problem::MissingOption { index, count: n });
        let mut controller: Vec<Option<usize>> = vec![None; n];
        for (i, d) in dms.iter().enumerate() {
            for &o in &d.options {
                if o >= n {
                    return Err(missing(Field::DmOptions(i), o));
                }
                if let Some(first) = controller[o]
                    && first != i
                {
                    return Err(err(
                        Field::DmOptions(i),
                        Problem::TwoControllers {
                            option: options[o].name.clone(),
                            first: dms[first].name.clone(),
                            second: d.name.clone(),
                        },
                    ));
                }
                controller[o] = Some(i);
            }
        }
        if let Some(o) = controller.iter().position(Option::is_none) {
            return Err(err(
                Field::Option(o),
                Problem::NoController(options[o].name.clone()),
            ));
        }
        for (i, c) in infeasible.iter().enumerate() {
            if let Some(l) = c.iter().find(|l| l.option >= n) {
                return Err(missing(Field::Infeasible(i), l.option));
            }
        }
        let conflict = Conflict {
            name: name.into(),
            options,
            dms,
            infeasible,
            controller: controller.into_iter().flatten().collect(),
        };
        let feasible = (0..1u64 << n).filter(|&c| conflict.is_feasible(c)).count();
        if feasible == 0 {
            return Err(err(Field::Model, Problem::NoFeasibleState));
        }
        for (i, d) in conflict.dms.iter().enumerate() {
            match &d.preferences {
                Preferences::Prioritised(statements) => {
                    if statements.len() > MAX_STATEMENTS {
                        return Err(err(
                            Field::Preference(i, MAX_STATEMENTS),
                            Problem::TooManyStatements {
                                count: statements.len(),
                                max: MAX_STATEMENTS,
                            },
                        ));
                    }
                    for (k, s) in statements.iter().enumerate() {
                        if let Some(l) = s.literals().iter().find(|l| l.option >= n) {
                            return Err(missing(Field::Preference(i, k), l.option));
                        }
                    }
                }
                Preferences::Ranking(groups) => {
                    check_ranking(groups, feasible).map_err(|detail| {
                        err(
                            Field::Ranking(i),
                            Problem::NotAPermutation {
                                count: feasible,
                                detail,
                            },
                        )
                    })?
                }
            }
        }
        Ok(conflict)
    }

    /// The model's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The options, in order (option `k` is bit `k` of a state's code).
    pub fn options(&self) -> &[OptionDef] {
        &self.options
    }

    /// The decision makers, in order.
    pub fn decision_makers(&self) -> &[DecisionMaker] {
        &self.dms
    }

    /// The infeasible conditions (conjunctions of literals).
    pub fn infeasible(&self) -> &[Vec<Literal>] {
        &self.infeasible
    }

    /// The DM controlling option `k`.
    pub fn controller(&self, option: usize) -> usize {
        self.controller[option]
    }

    /// The bit mask of the options DM `dm` controls.
    pub fn mask(&self, dm: usize) -> u64 {
        self.dms[dm].options.iter().fold(0, |m, &o| m | 1 << o)
    }

    /// Whether the state with `code` satisfies no infeasible condition.
    pub fn is_feasible(&self, code: u64) -> bool {
        !self.infeasible.iter().any(|c| all_hold(c, code))
    }

    /// Index of the option named `name`.
    pub fn option_index(&self, name: &str) -> Option<usize> {
        self.options.iter().position(|o| o.name == name)
    }
}

/// Whether `groups` is a permutation (with ties) of 1..=count.
fn check_ranking(groups: &[Vec<usize>], count: usize) -> Result<(), String> {
    let mut seen = vec![false; count + 1];
    for &id in groups.iter().flatten() {
        if id == 0 || id > count {
            return Err(format!("state {id} does not exist"));
        }
        if seen[id] {
            return Err(format!("state {id} appears twice"));
        }
        seen[id] = true;
    }
    match (1..=count).find(|&id| !seen[id]) {
        Some(id) => Err(format!("state {id} is missing")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opt(name: &str) -> OptionDef {
        OptionDef {
            name: name.into(),
            direction: Direction::Both,
        }
    }

    fn dm(name: &str, options: Vec<usize>, preferences: Preferences) -> DecisionMaker {
        DecisionMaker {
            name: name.into(),
            options,
            preferences,
        }
    }

    #[test]
    fn bad_models_are_refused_with_the_rule_broken() {
        let p = || Preferences::Prioritised(vec![]);
        let e = Conflict::new(
            "x",
            vec![opt("a"), opt("b")],
            vec![dm("A", vec![0], p()), dm("B", vec![0, 1], p())],
            vec![],
        )
        .unwrap_err();
        assert_eq!(e.field, Field::DmOptions(1));
        assert!(
            e.to_string().contains("controlled by both \"A\" and \"B\""),
            "{e}"
        );
        let e = Conflict::new(
            "x",
            vec![opt("a"), opt("b")],
            vec![dm("A", vec![0], p()), dm("B", vec![], p())],
            vec![],
        )
        .unwrap_err();
        assert_eq!(e.problem, Problem::NoController("b".into()));
        let bad = vec![vec![Literal {
            option: 7,
            taken: true,
        }]];
        let e = Conflict::new(
            "x",
            vec![opt("a"), opt("b")],
            vec![dm("A", vec![0], p()), dm("B", vec![1], p())],
            bad,
        )
        .unwrap_err();
        assert_eq!(e.field, Field::Infeasible(0));
        let rank = Preferences::Ranking(vec![vec![1, 2], vec![3], vec![3]]);
        let e = Conflict::new(
            "x",
            vec![opt("a"), opt("b")],
            vec![dm("A", vec![0], rank), dm("B", vec![1], p())],
            vec![],
        )
        .unwrap_err();
        assert!(e.to_string().contains("state 3 appears twice"), "{e}");
    }

    #[test]
    fn directions_allow_only_their_changes() {
        assert!(Direction::Forward.allows(false, true));
        assert!(!Direction::Forward.allows(true, false));
        assert!(Direction::Backward.allows(true, false));
        assert!(!Direction::Backward.allows(false, true));
        assert!(Direction::Both.allows(true, false) && Direction::Both.allows(false, true));
    }
}
