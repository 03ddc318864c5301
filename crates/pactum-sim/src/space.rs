//! The outcome space as a simulation sees it: every package numbered.
//!
//! Negotiations exchange thousands of offers, so an offer is one integer (an
//! [`OutcomeId`]), the package's position in enumeration order (mixed radix,
//! last issue fastest — the order of `itertools.product`, of NegMAS and of
//! `pactum_core::frontier`). Packages are decoded only when shown.

use pactum_core::{Outcome, Scenario};

use crate::error::SimError;

/// An outcome's position in enumeration order.
pub type OutcomeId = u32;

/// Largest outcome space a simulation enumerates (each party keeps one
/// utility per outcome; NegMAS presorts up to 10⁶ outcomes, 10⁷ at most).
pub const MAX_OUTCOMES: u64 = 10_000_000;

/// Issue cardinalities and the numbering of packages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeSpace {
    /// Number of values of each issue.
    pub cards: Vec<u32>,
    /// `strides[i]`: how far apart two outcomes differing by one in issue i are.
    strides: Vec<u64>,
    count: u64,
}

impl OutcomeSpace {
    pub fn new(scenario: &Scenario) -> Result<Self, SimError> {
        let total = scenario.outcome_count();
        if total > MAX_OUTCOMES as u128 {
            return Err(SimError::TooLarge {
                outcomes: total,
                limit: MAX_OUTCOMES,
            });
        }
        let cards: Vec<u32> = scenario
            .issues
            .iter()
            .map(|i| i.cardinality() as u32)
            .collect();
        Ok(Self::from_cards(cards))
    }

    pub fn from_cards(cards: Vec<u32>) -> Self {
        let mut strides = vec![1u64; cards.len()];
        for i in (0..cards.len().saturating_sub(1)).rev() {
            strides[i] = strides[i + 1] * cards[i + 1] as u64;
        }
        let count = cards.iter().map(|&c| c as u64).product();
        OutcomeSpace {
            cards,
            strides,
            count,
        }
    }

    /// Number of outcomes.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn issues(&self) -> usize {
        self.cards.len()
    }

    pub fn contains(&self, id: OutcomeId) -> bool {
        (id as u64) < self.count
    }

    /// The value index of `issue` in outcome `id`.
    #[inline]
    pub fn value(&self, id: OutcomeId, issue: usize) -> u32 {
        ((id as u64 / self.strides[issue]) % self.cards[issue] as u64) as u32
    }

    /// Writes the package of `id` into `out` (one value index per issue).
    pub fn decode_into(&self, id: OutcomeId, out: &mut [u32]) {
        for (i, o) in out.iter_mut().enumerate() {
            *o = self.value(id, i);
        }
    }

    pub fn decode(&self, id: OutcomeId) -> Outcome {
        let mut o = vec![0; self.cards.len()];
        self.decode_into(id, &mut o);
        o
    }

    /// The id of a package, or why it is not one.
    pub fn encode(&self, package: &[u32]) -> Result<OutcomeId, String> {
        if package.len() != self.cards.len() {
            return Err(format!(
                "a package needs {} values, one per issue; got {}",
                self.cards.len(),
                package.len()
            ));
        }
        let mut id = 0u64;
        for (i, (&v, &c)) in package.iter().zip(&self.cards).enumerate() {
            if v >= c {
                return Err(format!(
                    "issue #{i} has {c} values; value index {v} is outside it"
                ));
            }
            id += v as u64 * self.strides[i];
        }
        Ok(id as OutcomeId)
    }

    /// The outcome equal to `id` except that `issue` takes value `v`.
    pub fn with_value(&self, id: OutcomeId, issue: usize, v: u32) -> OutcomeId {
        let old = self.value(id, issue) as u64;
        (id as u64 - old * self.strides[issue] + v as u64 * self.strides[issue]) as OutcomeId
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_is_mixed_radix_last_issue_fastest() {
        let s = OutcomeSpace::from_cards(vec![2, 3, 4]);
        assert_eq!(s.len(), 24);
        assert_eq!(s.decode(0), vec![0, 0, 0]);
        assert_eq!(s.decode(1), vec![0, 0, 1]);
        assert_eq!(s.decode(4), vec![0, 1, 0]);
        assert_eq!(s.decode(23), vec![1, 2, 3]);
        assert_eq!(s.encode(&[1, 0, 2]), Ok(14));
        assert_eq!(s.with_value(14, 1, 2), 22);
        assert!(
            s.encode(&[1, 3, 0])
                .unwrap_err()
                .contains("issue #1 has 3 values")
        );
        assert!(s.encode(&[1, 0]).is_err());
        for id in 0..24 {
            assert_eq!(s.encode(&s.decode(id)), Ok(id));
        }
    }
}
