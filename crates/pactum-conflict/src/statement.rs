//! Preference statements of option prioritisation: literals ("option taken"
//! or "option not taken"), conjunctions of them, disjunctions of
//! conjunctions, and "if A then B", with their truth in a state.
//!
//! Rules: a state is its code, bit `k` set when option `k` is taken; an
//! empty conjunction holds everywhere; a disjunction holds when any of its
//! conjunctions does; "if A then B" holds when A fails or B holds. The text
//! form is `a & !b`, `a & b | c`, `if a & b then !c`; option names are
//! trimmed and may hold any character but `&`, `|` and `!`.

use std::fmt;

/// One option taken (`taken = true`) or not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Literal {
    /// Index of the option, from 0 in the model's option order.
    pub option: usize,
    /// Whether the literal asks the option to be taken.
    pub taken: bool,
}

impl Literal {
    /// Whether the literal holds in the state with `code`.
    pub fn holds(&self, code: u64) -> bool {
        ((code >> self.option) & 1 == 1) == self.taken
    }
}

/// Whether every literal of a conjunction holds in the state with `code`.
pub fn all_hold(conjunction: &[Literal], code: u64) -> bool {
    conjunction.iter().all(|l| l.holds(code))
}

/// A statement of option prioritisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement {
    /// Every literal holds.
    All(Vec<Literal>),
    /// At least one of the conjunctions holds.
    Any(Vec<Vec<Literal>>),
    /// If the first conjunction holds, so does the second.
    IfThen(Vec<Literal>, Vec<Literal>),
}

impl Statement {
    /// Whether the statement holds in the state with `code`.
    pub fn holds(&self, code: u64) -> bool {
        match self {
            Statement::All(c) => all_hold(c, code),
            Statement::Any(cs) => cs.iter().any(|c| all_hold(c, code)),
            Statement::IfThen(a, b) => !all_hold(a, code) || all_hold(b, code),
        }
    }

    /// Every literal the statement names.
    pub fn literals(&self) -> Vec<Literal> {
        match self {
            Statement::All(c) => c.clone(),
            Statement::Any(cs) => cs.iter().flatten().copied().collect(),
            Statement::IfThen(a, b) => a.iter().chain(b).copied().collect(),
        }
    }
}

/// Why a statement's text does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseProblem {
    /// The text (or one of its parts) names no option.
    Empty,
    /// A name that is not an option of the model.
    UnknownOption(String),
    /// `if` without `then`.
    MissingThen,
}

impl fmt::Display for ParseProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseProblem::Empty => write!(f, "a condition names no option"),
            ParseProblem::UnknownOption(n) => write!(f, "no option is named {n:?}"),
            ParseProblem::MissingThen => write!(f, "`if` without `then`"),
        }
    }
}

/// Parses a conjunction `a & !b`, resolving option names with `lookup`.
pub fn parse_conjunction(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<usize>,
) -> Result<Vec<Literal>, ParseProblem> {
    let mut out = Vec::new();
    for part in text.split('&') {
        let part = part.trim();
        let (taken, name) = match part.strip_prefix('!') {
            Some(rest) => (false, rest.trim()),
            None => (true, part),
        };
        if name.is_empty() {
            return Err(ParseProblem::Empty);
        }
        let option = lookup(name).ok_or_else(|| ParseProblem::UnknownOption(name.to_string()))?;
        out.push(Literal { option, taken });
    }
    Ok(out)
}

/// Parses a statement: `if A then B`, or conjunctions joined by `|`.
pub fn parse_statement(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<usize>,
) -> Result<Statement, ParseProblem> {
    let trimmed = text.trim();
    if let Some(rest) = trimmed.strip_prefix("if ") {
        let Some((a, b)) = rest.split_once(" then ") else {
            return Err(ParseProblem::MissingThen);
        };
        return Ok(Statement::IfThen(
            parse_conjunction(a, lookup)?,
            parse_conjunction(b, lookup)?,
        ));
    }
    let mut parts = trimmed
        .split('|')
        .map(|c| parse_conjunction(c, lookup))
        .collect::<Result<Vec<_>, _>>()?;
    if parts.len() == 1 {
        Ok(Statement::All(parts.remove(0)))
    } else {
        Ok(Statement::Any(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(name: &str) -> Option<usize> {
        ["a", "b", "c d"].iter().position(|n| *n == name)
    }

    #[test]
    fn statements_parse_and_hold_as_written() {
        let s = parse_statement("a & !b", &lookup).unwrap();
        assert!(s.holds(0b001));
        assert!(!s.holds(0b011));
        let s = parse_statement("b | c d", &lookup).unwrap();
        assert!(s.holds(0b100) && s.holds(0b010) && !s.holds(0b001));
        let s = parse_statement("if a then c d", &lookup).unwrap();
        assert!(s.holds(0b000) && s.holds(0b101) && !s.holds(0b001));
    }

    #[test]
    fn bad_statements_say_why() {
        assert_eq!(
            parse_statement("a & x", &lookup),
            Err(ParseProblem::UnknownOption("x".into()))
        );
        assert_eq!(parse_statement("a & ", &lookup), Err(ParseProblem::Empty));
        assert_eq!(
            parse_statement("if a", &lookup),
            Err(ParseProblem::MissingThen)
        );
    }
}
