//! Outcome spaces as the protocols see them: issues with numbered values,
//! and outcomes one can read, change and draw.
//!
//! Rules kept here:
//! * an outcome gives every issue one value index below the issue's
//!   cardinality ([`Space::check`], [`Space::outcome_of`]);
//! * [`OutcomeSpace`] numbers every outcome (an [`OutcomeId`]) in
//!   enumeration order — mixed radix, last issue fastest (the order of
//!   `itertools.product`, of NegMAS and of `pactum_core::frontier`) — so a
//!   simulation exchanges one integer per offer;
//! * [`Packages`] holds outcomes as value indices (`Vec<u32>`), for spaces
//!   too large to number (up to 10^30 outcomes and more).

use rand::{Rng, RngExt};

/// An outcome's position in enumeration order.
pub type OutcomeId = u32;

/// Why a package or outcome is not one of the space.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OutsideSpace {
    /// An outcome number past the last outcome.
    #[error("offer #{id} is outside the outcome space ({count} outcomes)")]
    Number {
        /// The number given.
        id: u64,
        /// Outcomes in the space.
        count: u64,
    },
    /// A package with too few or too many values.
    #[error("a package needs {issues} values, one per issue; got {got}")]
    Length {
        /// Issues in the space.
        issues: usize,
        /// Values given.
        got: usize,
    },
    /// A value index past the issue's values.
    #[error("issue #{issue} has {cardinality} values; value index {value} is outside it")]
    Value {
        /// The issue (0-based).
        issue: usize,
        /// Its number of values.
        cardinality: u32,
        /// The value index given.
        value: u32,
    },
}

/// What the protocols need to know of an outcome space.
pub trait Space {
    /// How an outcome is held.
    type Outcome: Clone + PartialEq + std::fmt::Debug;

    /// Number of issues.
    fn issues(&self) -> usize;

    /// Number of values of issue `issue`.
    fn cardinality(&self, issue: usize) -> u32;

    /// The value index of `issue` in `outcome` (which must be in the space).
    fn value(&self, outcome: &Self::Outcome, issue: usize) -> u32;

    /// `outcome` with `issue` set to value index `value` (both in range).
    fn with_value(&self, outcome: &Self::Outcome, issue: usize, value: u32) -> Self::Outcome;

    /// The outcome of the given value indices, one per issue.
    fn outcome_of(&self, values: &[u32]) -> Result<Self::Outcome, OutsideSpace>;

    /// Whether `outcome` is one of the space.
    fn check(&self, outcome: &Self::Outcome) -> Result<(), OutsideSpace>;

    /// An outcome drawn uniformly at random.
    fn random<R: Rng + ?Sized>(&self, rng: &mut R) -> Self::Outcome;
}

/// Checks value indices against cardinalities.
fn check_values(cards: &[u32], values: &[u32]) -> Result<(), OutsideSpace> {
    if values.len() != cards.len() {
        return Err(OutsideSpace::Length {
            issues: cards.len(),
            got: values.len(),
        });
    }
    match values.iter().zip(cards).position(|(v, c)| v >= c) {
        Some(issue) => Err(OutsideSpace::Value {
            issue,
            cardinality: cards[issue],
            value: values[issue],
        }),
        None => Ok(()),
    }
}

/// Issue cardinalities and the numbering of packages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeSpace {
    cards: Vec<u32>,
    /// `strides[i]`: how far apart two outcomes differing by one in issue i are.
    strides: Vec<u64>,
    count: u64,
}

impl OutcomeSpace {
    /// The space of the given issue cardinalities. The caller bounds its
    /// size: outcome numbers are [`OutcomeId`]s.
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

    /// Number of values of each issue.
    pub fn cards(&self) -> &[u32] {
        &self.cards
    }

    /// Number of outcomes.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    /// Whether there is no outcome (some issue has no value).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Number of issues.
    pub fn issues(&self) -> usize {
        self.cards.len()
    }

    /// Whether `id` numbers an outcome.
    #[inline]
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

    /// The package of `id`: one value index per issue.
    pub fn decode(&self, id: OutcomeId) -> Vec<u32> {
        let mut o = vec![0; self.cards.len()];
        self.decode_into(id, &mut o);
        o
    }

    /// The number of a package, or why it is not one.
    pub fn encode(&self, package: &[u32]) -> Result<OutcomeId, OutsideSpace> {
        check_values(&self.cards, package)?;
        Ok(package
            .iter()
            .zip(&self.strides)
            .map(|(&v, &s)| v as u64 * s)
            .sum::<u64>() as OutcomeId)
    }

    /// The outcome equal to `id` except that `issue` takes value `v`.
    #[inline]
    pub fn with_value(&self, id: OutcomeId, issue: usize, v: u32) -> OutcomeId {
        let old = self.value(id, issue) as u64;
        (id as u64 - old * self.strides[issue] + v as u64 * self.strides[issue]) as OutcomeId
    }

    /// The sub-space with the settled issues fixed (one value each), and the
    /// number in this space of each of its outcomes.
    pub fn restricted(&self, settled: &[Option<u32>]) -> (OutcomeSpace, Vec<OutcomeId>) {
        let cards: Vec<u32> = self
            .cards
            .iter()
            .zip(settled)
            .map(|(&c, s)| if s.is_some() { 1 } else { c })
            .collect();
        let sub = OutcomeSpace::from_cards(cards);
        let mut package = vec![0u32; self.issues()];
        let map = (0..sub.len() as OutcomeId)
            .map(|k| {
                sub.decode_into(k, &mut package);
                package
                    .iter()
                    .zip(settled)
                    .zip(&self.strides)
                    .map(|((&v, s), &stride)| s.unwrap_or(v) as u64 * stride)
                    .sum::<u64>() as OutcomeId
            })
            .collect();
        (sub, map)
    }
}

impl Space for OutcomeSpace {
    type Outcome = OutcomeId;

    fn issues(&self) -> usize {
        self.cards.len()
    }

    #[inline]
    fn cardinality(&self, issue: usize) -> u32 {
        self.cards[issue]
    }

    #[inline]
    fn value(&self, outcome: &OutcomeId, issue: usize) -> u32 {
        OutcomeSpace::value(self, *outcome, issue)
    }

    #[inline]
    fn with_value(&self, outcome: &OutcomeId, issue: usize, value: u32) -> OutcomeId {
        OutcomeSpace::with_value(self, *outcome, issue, value)
    }

    fn outcome_of(&self, values: &[u32]) -> Result<OutcomeId, OutsideSpace> {
        self.encode(values)
    }

    #[inline]
    fn check(&self, outcome: &OutcomeId) -> Result<(), OutsideSpace> {
        if self.contains(*outcome) {
            Ok(())
        } else {
            Err(OutsideSpace::Number {
                id: *outcome as u64,
                count: self.count,
            })
        }
    }

    /// One draw of a number below the space's size (the simulator's
    /// mediators depend on exactly this draw).
    #[inline]
    fn random<R: Rng + ?Sized>(&self, rng: &mut R) -> OutcomeId {
        rng.random_range(0..self.count as OutcomeId)
    }
}

/// A space whose outcomes are held as value indices, never numbered (for
/// spaces of any size).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packages {
    cards: Vec<u32>,
}

impl Packages {
    /// The space of the given issue cardinalities.
    pub fn new(cards: Vec<u32>) -> Self {
        Packages { cards }
    }

    /// Number of values of each issue.
    pub fn cards(&self) -> &[u32] {
        &self.cards
    }
}

impl Space for Packages {
    type Outcome = Vec<u32>;

    fn issues(&self) -> usize {
        self.cards.len()
    }

    fn cardinality(&self, issue: usize) -> u32 {
        self.cards[issue]
    }

    fn value(&self, outcome: &Vec<u32>, issue: usize) -> u32 {
        outcome[issue]
    }

    fn with_value(&self, outcome: &Vec<u32>, issue: usize, value: u32) -> Vec<u32> {
        let mut o = outcome.clone();
        o[issue] = value;
        o
    }

    fn outcome_of(&self, values: &[u32]) -> Result<Vec<u32>, OutsideSpace> {
        check_values(&self.cards, values)?;
        Ok(values.to_vec())
    }

    fn check(&self, outcome: &Vec<u32>) -> Result<(), OutsideSpace> {
        check_values(&self.cards, outcome)
    }

    /// Each issue's value drawn uniformly, issue by issue.
    fn random<R: Rng + ?Sized>(&self, rng: &mut R) -> Vec<u32> {
        self.cards.iter().map(|&c| rng.random_range(0..c)).collect()
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
        assert_eq!(
            s.encode(&[1, 3, 0]).unwrap_err().to_string(),
            "issue #1 has 3 values; value index 3 is outside it"
        );
        assert!(s.encode(&[1, 0]).is_err());
        for id in 0..24 {
            assert_eq!(s.encode(&s.decode(id)), Ok(id));
        }
        assert_eq!(
            Space::check(&s, &24).unwrap_err().to_string(),
            "offer #24 is outside the outcome space (24 outcomes)"
        );
    }

    #[test]
    fn restricting_fixes_settled_issues() {
        let s = OutcomeSpace::from_cards(vec![2, 3, 4]);
        let (sub, map) = s.restricted(&[None, Some(2), None]);
        assert_eq!(sub.cards(), &[2, 1, 4]);
        assert_eq!(map.len(), 8);
        for (k, &id) in map.iter().enumerate() {
            assert_eq!(s.value(id, 1), 2);
            assert_eq!(s.value(id, 0), sub.value(k as OutcomeId, 0));
            assert_eq!(s.value(id, 2), sub.value(k as OutcomeId, 2));
        }
    }

    #[test]
    fn packages_check_every_value() {
        let p = Packages::new(vec![2, 3]);
        assert_eq!(p.outcome_of(&[1, 2]), Ok(vec![1, 2]));
        assert!(p.check(&vec![2, 0]).is_err());
        assert!(p.check(&vec![0]).is_err());
        assert_eq!(p.with_value(&vec![1, 2], 1, 0), vec![1, 0]);
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(1);
        for _ in 0..20 {
            assert!(p.check(&p.random(&mut rng)).is_ok());
        }
    }
}
