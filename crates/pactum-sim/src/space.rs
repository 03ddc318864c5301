//! The outcome space as a simulation sees it: packages numbered by an
//! [`OutcomeId`] (see [`pactum_protocol::space`]).
//!
//! Rules kept here:
//! * a space of at most [`MAX_OUTCOMES`] outcomes is **enumerated**: every
//!   package is numbered in enumeration order (an [`OutcomeSpace`]), as
//!   before — every negotiator tabulates every outcome;
//! * a larger space is **searched**: only the outcomes found by
//!   `pactum_core::search` for the negotiators (and the packages added
//!   later, say a person's offers) are numbered, in the order they were
//!   added, in a [`Catalog`]; an outcome is numbered once;
//! * either way a number names one package, and [`SimSpace::encode`] of a
//!   package outside the space is an error, never a panic.

use std::collections::HashMap;

use pactum_core::Scenario;
use pactum_protocol::{OutsideSpace, Space};
use rand::{Rng, RngExt};

use crate::error::SimError;
pub use pactum_protocol::{OutcomeId, OutcomeSpace};

/// Largest outcome space a simulation enumerates (each party keeps one
/// utility per outcome; NegMAS presorts up to 10⁶ outcomes, 10⁷ at most).
/// Larger spaces are searched.
pub const MAX_OUTCOMES: u64 = 10_000_000;

/// Most outcomes a catalog numbers (what ids can name).
pub const MAX_CATALOG: usize = 1_000_000;

/// The outcomes of a searched space that are numbered: packages in the
/// order they were added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog {
    cards: Vec<u32>,
    packages: Vec<Vec<u32>>,
    index: HashMap<Vec<u32>, OutcomeId>,
}

impl Catalog {
    /// An empty catalog over issues of the given cardinalities.
    pub fn new(cards: Vec<u32>) -> Self {
        Catalog {
            cards,
            packages: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// Numbers `package` (checked against the issues) if it is not yet,
    /// and returns its number.
    pub fn add(&mut self, package: &[u32]) -> Result<OutcomeId, SimError> {
        Packages(&self.cards).check(package)?;
        if let Some(&id) = self.index.get(package) {
            return Ok(id);
        }
        if self.packages.len() >= MAX_CATALOG {
            return Err(SimError::CatalogFull { limit: MAX_CATALOG });
        }
        let id = self.packages.len() as OutcomeId;
        self.packages.push(package.to_vec());
        self.index.insert(package.to_vec(), id);
        Ok(id)
    }

    /// Number of outcomes numbered.
    pub fn len(&self) -> usize {
        self.packages.len()
    }

    /// Whether nothing is numbered yet.
    pub fn is_empty(&self) -> bool {
        self.packages.is_empty()
    }
}

/// Checks value indices against cardinalities.
struct Packages<'a>(&'a [u32]);

impl Packages<'_> {
    fn check(&self, values: &[u32]) -> Result<(), OutsideSpace> {
        if values.len() != self.0.len() {
            return Err(OutsideSpace::Length {
                issues: self.0.len(),
                got: values.len(),
            });
        }
        match values.iter().zip(self.0).position(|(v, c)| v >= c) {
            Some(issue) => Err(OutsideSpace::Value {
                issue,
                cardinality: self.0[issue],
                value: values[issue],
            }),
            None => Ok(()),
        }
    }
}

/// The numbered outcomes of a simulation: every outcome, or a catalog of
/// those found by search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimSpace {
    /// Every outcome, in enumeration order.
    Enumerated(OutcomeSpace),
    /// The outcomes found by search and added since.
    Searched(Catalog),
}

impl SimSpace {
    /// Whether the space is searched rather than enumerated.
    pub fn is_searched(&self) -> bool {
        matches!(self, SimSpace::Searched(_))
    }

    /// Number of values of each issue.
    pub fn cards(&self) -> &[u32] {
        match self {
            SimSpace::Enumerated(s) => s.cards(),
            SimSpace::Searched(c) => &c.cards,
        }
    }

    /// Number of outcomes numbered.
    pub fn len(&self) -> usize {
        match self {
            SimSpace::Enumerated(s) => s.len(),
            SimSpace::Searched(c) => c.len(),
        }
    }

    /// Whether no outcome is numbered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of issues.
    pub fn issues(&self) -> usize {
        self.cards().len()
    }

    /// Whether `id` numbers an outcome.
    pub fn contains(&self, id: OutcomeId) -> bool {
        (id as usize) < self.len()
    }

    /// The value index of `issue` in outcome `id` (which must be numbered).
    pub fn value(&self, id: OutcomeId, issue: usize) -> u32 {
        match self {
            SimSpace::Enumerated(s) => s.value(id, issue),
            SimSpace::Searched(c) => c.packages[id as usize][issue],
        }
    }

    /// Writes the value indices of outcome `id` into `out`.
    pub fn decode_into(&self, id: OutcomeId, out: &mut [u32]) {
        match self {
            SimSpace::Enumerated(s) => s.decode_into(id, out),
            SimSpace::Searched(c) => out.copy_from_slice(&c.packages[id as usize]),
        }
    }

    /// The value indices of outcome `id`.
    pub fn decode(&self, id: OutcomeId) -> Vec<u32> {
        match self {
            SimSpace::Enumerated(s) => s.decode(id),
            SimSpace::Searched(c) => c.packages[id as usize].clone(),
        }
    }

    /// The number of a package: an error when it is off the issues, or
    /// (searched) not numbered.
    pub fn encode(&self, package: &[u32]) -> Result<OutcomeId, OutsideSpace> {
        match self {
            SimSpace::Enumerated(s) => s.encode(package),
            SimSpace::Searched(c) => {
                Packages(&c.cards).check(package)?;
                c.index.get(package).copied().ok_or(OutsideSpace::Number {
                    id: u64::MAX,
                    count: c.len() as u64,
                })
            }
        }
    }

    /// The enumerated space, if it is one.
    pub fn enumerated(&self) -> Option<&OutcomeSpace> {
        match self {
            SimSpace::Enumerated(s) => Some(s),
            SimSpace::Searched(_) => None,
        }
    }
}

impl Space for SimSpace {
    type Outcome = OutcomeId;

    fn issues(&self) -> usize {
        SimSpace::issues(self)
    }

    fn cardinality(&self, issue: usize) -> u32 {
        self.cards()[issue]
    }

    fn value(&self, outcome: &OutcomeId, issue: usize) -> u32 {
        SimSpace::value(self, *outcome, issue)
    }

    /// Searched: the changed package if it is numbered, else `outcome`
    /// unchanged (the mediated protocols that change packages value by
    /// value run on enumerated spaces only).
    fn with_value(&self, outcome: &OutcomeId, issue: usize, value: u32) -> OutcomeId {
        match self {
            SimSpace::Enumerated(s) => Space::with_value(s, outcome, issue, value),
            SimSpace::Searched(c) => {
                let mut p = c.packages[*outcome as usize].clone();
                p[issue] = value;
                c.index.get(&p).copied().unwrap_or(*outcome)
            }
        }
    }

    fn outcome_of(&self, values: &[u32]) -> Result<OutcomeId, OutsideSpace> {
        self.encode(values)
    }

    fn check(&self, outcome: &OutcomeId) -> Result<(), OutsideSpace> {
        match self {
            SimSpace::Enumerated(s) => Space::check(s, outcome),
            SimSpace::Searched(c) if (*outcome as usize) < c.len() => Ok(()),
            SimSpace::Searched(c) => Err(OutsideSpace::Number {
                id: u64::from(*outcome),
                count: c.len() as u64,
            }),
        }
    }

    /// Enumerated: exactly the [`OutcomeSpace`]'s one draw. Searched: a
    /// numbered outcome drawn uniformly.
    fn random<R: Rng + ?Sized>(&self, rng: &mut R) -> OutcomeId {
        match self {
            SimSpace::Enumerated(s) => Space::random(s, rng),
            SimSpace::Searched(c) => rng.random_range(0..c.len().max(1) as OutcomeId),
        }
    }
}

/// The numbered outcome space of a scenario, if it has at most `limit`
/// outcomes; `None` when it must be searched.
pub fn enumerable(scenario: &Scenario, limit: u64) -> Option<OutcomeSpace> {
    let total = scenario.outcome_count();
    if total > limit as u128 {
        return None;
    }
    Some(OutcomeSpace::from_cards(
        scenario
            .issues()
            .iter()
            .map(|i| i.cardinality() as u32)
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_catalog_numbers_each_package_once_in_order() {
        let mut c = Catalog::new(vec![3, 4]);
        assert_eq!(c.add(&[2, 3]).unwrap(), 0);
        assert_eq!(c.add(&[0, 1]).unwrap(), 1);
        assert_eq!(c.add(&[2, 3]).unwrap(), 0);
        assert!(c.add(&[3, 0]).is_err());
        assert!(c.add(&[0]).is_err());
        let s = SimSpace::Searched(c);
        assert_eq!(s.len(), 2);
        assert_eq!(s.decode(1), vec![0, 1]);
        assert_eq!(s.encode(&[0, 1]), Ok(1));
        assert!(s.encode(&[1, 1]).is_err());
        assert!(Space::check(&s, &2).is_err());
        assert_eq!(Space::with_value(&s, &0, 0, 0), 0);
        assert_eq!(Space::with_value(&s, &0, 1, 1), 0);
        assert_eq!(Space::with_value(&s, &1, 0, 2), 1);
    }
}
