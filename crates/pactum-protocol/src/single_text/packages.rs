//! The packages mediator's search: which complete package to propose as
//! the next draft, from the parties' locked utilities, which it consults
//! and never reveals.
//!
//! Rules kept here:
//! * the search walks the neighbourhood of a centre package (the draft,
//!   or the middle draft before there is one): the packages differing from
//!   it in exactly k issues, for k = 1, 2, … ([`Neighbourhood`]), so every
//!   other package is met exactly once; it examines at most `budget`
//!   packages per proposal, and says whether it met them all (then its
//!   answer is exact);
//! * a next draft is no worse for any seat than the draft — its utility at
//!   least the draft's, exactly, which is a sincere voter's rule — and
//!   better by more than [`GAIN_TOLERANCE`] for at least one seat; every
//!   seat may accept it; it was never vetoed;
//! * joint gains come first: a package better for every seat wins over one
//!   to which some seat is indifferent. Among packages of the same kind,
//!   the fewest issues changed wins (a walk stops at the end of the first
//!   level with a joint gain), then the highest Nash product
//!   ∏ max(u_s − d_s, 0) over the disagreement point d, then the highest
//!   sum of utilities, then the first in outcome order;
//! * a first draft is the middle draft when every seat may accept it and it
//!   was never vetoed; otherwise the acceptable, never vetoed package with
//!   the fewest issues changed from the middle draft, then the closest to
//!   it in utility space (Euclidean), then the first in outcome order;
//! * when nothing qualifies, the search says why: nothing better exists
//!   among the packages examined, or something does but was vetoed.

use std::cmp::Ordering;

use crate::limits::{Acceptability, Utilities};
use crate::space::{OutsideSpace, Space};

/// A gain this small or smaller is rounding, not a gain: utilities summed
/// in another order can differ in their last bits.
pub const GAIN_TOLERANCE: f64 = 1e-12;

/// Packages the search examines per proposal by default: about a
/// millisecond of table look-ups per seat, and every package of a space of
/// up to 262 144, so the stop on the frontier is exact there.
pub const DEFAULT_BUDGET: usize = 1 << 18;

/// The middle value of every issue.
pub(crate) fn middle_draft<S: Space>(space: &S) -> Result<S::Outcome, OutsideSpace> {
    let values: Vec<u32> = (0..space.issues())
        .map(|i| space.cardinality(i).saturating_sub(1) / 2)
        .collect();
    space.outcome_of(&values)
}

/// The packages differing from a centre in exactly k issues, for k = 1, 2,
/// … up to every issue with two values or more: the combinations of issues
/// in lexicographic order, within one the values of the last issue fastest,
/// each issue's values in index order (skipping the centre's).
pub(crate) struct Neighbourhood<'s, S: Space> {
    space: &'s S,
    centre: S::Outcome,
    /// Issues with more than one value.
    movable: Vec<usize>,
    /// Positions in `movable` of the issues changed.
    comb: Vec<usize>,
    /// Per changed issue, the rank of its value among the non-centre ones.
    off: Vec<u32>,
    done: bool,
}

impl<'s, S: Space> Neighbourhood<'s, S> {
    /// The neighbourhood of `centre`.
    pub(crate) fn new(space: &'s S, centre: &S::Outcome) -> Self {
        let movable: Vec<usize> = (0..space.issues())
            .filter(|&i| space.cardinality(i) > 1)
            .collect();
        Neighbourhood {
            space,
            centre: centre.clone(),
            done: movable.is_empty(),
            movable,
            comb: vec![0],
            off: vec![0],
        }
    }

    /// Moves to the next value assignment, combination or level.
    fn advance(&mut self) {
        let k = self.comb.len();
        for j in (0..k).rev() {
            self.off[j] += 1;
            if self.off[j] < self.space.cardinality(self.movable[self.comb[j]]) - 1 {
                return;
            }
            self.off[j] = 0;
        }
        // Next combination of k positions out of movable.len().
        let m = self.movable.len();
        for j in (0..k).rev() {
            if self.comb[j] < m - k + j {
                self.comb[j] += 1;
                for l in j + 1..k {
                    self.comb[l] = self.comb[l - 1] + 1;
                }
                return;
            }
        }
        if k == m {
            self.done = true;
        } else {
            self.comb = (0..=k).collect();
            self.off = vec![0; k + 1];
        }
    }
}

impl<S: Space> Iterator for Neighbourhood<'_, S> {
    /// The number of issues changed, and the package.
    type Item = (usize, S::Outcome);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut p = self.centre.clone();
        for (&c, &off) in self.comb.iter().zip(&self.off) {
            let issue = self.movable[c];
            let own = self.space.value(&self.centre, issue);
            let v = off + u32::from(off >= own);
            p = self.space.with_value(&p, issue, v);
        }
        let k = self.comb.len();
        self.advance();
        Some((k, p))
    }
}

/// What a search found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Found<O> {
    /// The package to propose.
    Package(O),
    /// Nothing to propose.
    Nothing {
        /// Every package was examined.
        exhaustive: bool,
        /// Some package qualified but had been vetoed.
        vetoed: bool,
    },
}

/// Outcome order: value indices compared issue by issue (the enumeration
/// order of [`crate::space::OutcomeSpace`]).
fn outcome_order<S: Space>(space: &S, a: &S::Outcome, b: &S::Outcome) -> Ordering {
    (0..space.issues())
        .map(|i| space.value(a, i).cmp(&space.value(b, i)))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// The best candidate so far: its level, its score (higher is better) and
/// the package.
struct Best<O> {
    level: usize,
    score: (f64, f64),
    outcome: O,
}

impl<O> Best<O> {
    /// Whether a candidate at `level` with `score` beats this one (`later`
    /// breaks a tie: whether `outcome` comes after the candidate's).
    fn loses_to(&self, level: usize, score: (f64, f64), later: impl FnOnce() -> bool) -> bool {
        level < self.level
            || (level == self.level
                && match score.0.total_cmp(&self.score.0) {
                    Ordering::Greater => true,
                    Ordering::Less => false,
                    Ordering::Equal => match score.1.total_cmp(&self.score.1) {
                        Ordering::Greater => true,
                        Ordering::Less => false,
                        Ordering::Equal => later(),
                    },
                })
    }
}

/// The search over one context: the space, the limits, the utilities.
pub(crate) struct Search<'a, S: Space, A> {
    pub space: &'a S,
    pub limits: &'a A,
    pub utilities: &'a dyn Utilities<S::Outcome>,
    pub seats: usize,
    pub budget: usize,
}

impl<S: Space, A: Acceptability<S::Outcome>> Search<'_, S, A> {
    fn acceptable(&self, p: &S::Outcome) -> bool {
        (0..self.seats).all(|s| self.limits.may_accept(s, p).is_ok())
    }

    fn keep(
        &self,
        slot: &mut Option<Best<S::Outcome>>,
        level: usize,
        score: (f64, f64),
        p: &S::Outcome,
    ) {
        let better = match slot {
            None => true,
            Some(b) => b.loses_to(level, score, || {
                outcome_order(self.space, p, &b.outcome) == Ordering::Less
            }),
        };
        if better {
            *slot = Some(Best {
                level,
                score,
                outcome: p.clone(),
            });
        }
    }

    /// The next draft after `draft`, never one of `vetoed`.
    pub(crate) fn next_draft(
        &self,
        draft: &S::Outcome,
        vetoed: &[S::Outcome],
    ) -> Found<S::Outcome> {
        let u = self.utilities;
        let base: Vec<f64> = (0..self.seats).map(|s| u.utility(s, draft)).collect();
        let dis: Vec<f64> = (0..self.seats).map(|s| u.disagreement(s)).collect();
        let mut joint: Option<Best<S::Outcome>> = None;
        let mut some: Option<Best<S::Outcome>> = None;
        let mut skipped = false;
        let mut exhaustive = true;
        let mut level = 0;
        let mut us = vec![0.0; self.seats];
        for (examined, (k, p)) in Neighbourhood::new(self.space, draft).enumerate() {
            if k != level {
                if joint.is_some() {
                    exhaustive = false;
                    break;
                }
                level = k;
            }
            if examined == self.budget {
                exhaustive = false;
                break;
            }
            let (mut all, mut any) = (true, false);
            let mut worse = false;
            for (s, x) in us.iter_mut().enumerate() {
                *x = u.utility(s, &p);
                if *x < base[s] {
                    worse = true;
                    break;
                }
                let better = *x > base[s] + GAIN_TOLERANCE;
                all &= better;
                any |= better;
            }
            if worse || !any {
                continue;
            }
            let slot = if all { &mut joint } else { &mut some };
            if slot.as_ref().is_some_and(|b| b.level < k) || !self.acceptable(&p) {
                continue;
            }
            if vetoed.contains(&p) {
                skipped = true;
                continue;
            }
            let nash = us
                .iter()
                .zip(&dis)
                .map(|(x, d)| (x - d).max(0.0))
                .product::<f64>();
            let sum = us.iter().sum::<f64>();
            self.keep(slot, k, (nash, sum), &p);
        }
        match joint.or(some) {
            Some(b) => Found::Package(b.outcome),
            None => Found::Nothing {
                exhaustive,
                vetoed: skipped,
            },
        }
    }

    /// The first draft, never one of `vetoed`.
    pub(crate) fn first_draft(&self, vetoed: &[S::Outcome]) -> Found<S::Outcome> {
        let Ok(middle) = middle_draft(self.space) else {
            return Found::Nothing {
                exhaustive: true,
                vetoed: false,
            };
        };
        let mut skipped = false;
        if self.acceptable(&middle) {
            if !vetoed.contains(&middle) {
                return Found::Package(middle);
            }
            skipped = true;
        }
        let u = self.utilities;
        let target: Vec<f64> = (0..self.seats).map(|s| u.utility(s, &middle)).collect();
        let dis: Vec<f64> = (0..self.seats).map(|s| u.disagreement(s)).collect();
        let mut best: Option<Best<S::Outcome>> = None;
        let mut exhaustive = true;
        let mut us = vec![0.0; self.seats];
        for (examined, (k, p)) in Neighbourhood::new(self.space, &middle).enumerate() {
            if best.as_ref().is_some_and(|b| b.level < k) {
                exhaustive = false;
                break;
            }
            if examined == self.budget {
                exhaustive = false;
                break;
            }
            let mut below = false;
            for (s, x) in us.iter_mut().enumerate() {
                *x = u.utility(s, &p);
                if *x < dis[s] {
                    below = true;
                    break;
                }
            }
            if below || !self.acceptable(&p) {
                continue;
            }
            if vetoed.contains(&p) {
                skipped = true;
                continue;
            }
            let distance: f64 = us.iter().zip(&target).map(|(x, t)| (x - t) * (x - t)).sum();
            self.keep(&mut best, k, (-distance, 0.0), &p);
        }
        match best {
            Some(b) => Found::Package(b.outcome),
            None => Found::Nothing {
                exhaustive,
                vetoed: skipped,
            },
        }
    }
}
