//! Each negotiator's private view of the outcomes, computed once per scenario.
//!
//! Time-based strategies ask "which outcome has the lowest utility above my
//! target?" hundreds of times per negotiation. Answering from a table of
//! every outcome's utility plus the rational outcomes sorted by utility makes
//! that a binary search, and sharing the table (`Arc`) across the thousands
//! of negotiations of a tournament makes a negotiation allocation-light.
//! A [`PartyPrefs`] holds only its own party's preferences: that is all a
//! negotiator may see. Its discount factor scores results only: utilities
//! in the table, and everything a negotiator reads, are undiscounted.

use std::sync::Arc;

use pactum_core::frontier::Contributions;
use pactum_core::{Role, Scenario};
use rayon::prelude::*;

use crate::error::SimError;
use crate::space::{OutcomeId, OutcomeSpace};

/// One party's utilities over the whole outcome space.
#[derive(Debug, Clone)]
pub struct PartyPrefs {
    /// Index of the party in the scenario.
    pub party: usize,
    /// The party's name.
    pub name: String,
    /// Utility of every outcome, by [`OutcomeId`].
    pub utils: Vec<f64>,
    /// Utility of no agreement as written in the scenario, if any.
    pub reservation: Option<f64>,
    /// GENIUS discount factor d, 0 < d < 1: a utility u reached at relative
    /// time t is worth u·d^t ([`PartyPrefs::discounted`]). `None`: no
    /// discounting (none in the scenario, d = 1, or switched off).
    /// Negotiators decide on the undiscounted `utils`, as GENIUS's agents do;
    /// only the score of a result is discounted.
    pub discount: Option<f64>,
    /// Lowest utility over the outcomes no red line forbids.
    pub worst: f64,
    /// Highest utility over the outcomes no red line forbids.
    pub best: f64,
    /// An outcome reaching `best` (the first in enumeration order).
    pub best_outcome: OutcomeId,
    /// Outcomes crossing the party's red lines (empty when it has none).
    forbidden: Vec<bool>,
    /// Rational outcomes (utility ≥ reservation value, no red line crossed)
    /// in ascending order of utility; equal utilities in enumeration order.
    pub sorted: Vec<OutcomeId>,
    /// `utils` of `sorted`, for binary search.
    pub sorted_utils: Vec<f64>,
}

impl PartyPrefs {
    /// Builds the table of party `party` (which must have preferences).
    pub fn new(scenario: &Scenario, space: &OutcomeSpace, party: usize) -> Self {
        let prefs = scenario.parties()[party]
            .preferences
            .as_ref()
            .expect("negotiators have preferences");
        let n = space.len();
        let mut utils = vec![0.0; n];
        let mut package = vec![0u32; space.issues()];
        match Contributions::new(scenario, &[party]) {
            Some(c) => {
                for (id, u) in utils.iter_mut().enumerate() {
                    space.decode_into(id as OutcomeId, &mut package);
                    // Summed in issue order from 0.0, exactly as the model does.
                    let mut s = 0.0;
                    for (i, &k) in package.iter().enumerate() {
                        s += c.of(i, k)[0];
                    }
                    *u = s;
                }
            }
            None => {
                utils.par_iter_mut().enumerate().for_each(|(id, u)| {
                    let o = space.decode(id as OutcomeId);
                    *u = prefs.utility.utility(scenario.issues(), &o);
                });
            }
        }
        let forbidden: Vec<bool> = if prefs.red_lines.is_empty() {
            Vec::new()
        } else {
            (0..n)
                .map(|id| {
                    space.decode_into(id as OutcomeId, &mut package);
                    prefs.crosses_red_line(&package)
                })
                .collect()
        };
        let mut p = Self::from_table(
            party,
            scenario.parties()[party].name.clone(),
            utils,
            forbidden,
            prefs.reservation_value,
        );
        // GENIUS treats a factor outside (0, 1) as 1: no discounting.
        p.discount = prefs.discount_factor.filter(|d| *d > 0.0 && *d < 1.0);
        p
    }

    /// `u` reached at relative time `t` ∈ [0, 1]: u·d^t with the party's
    /// discount factor d (GENIUS's `getUtilityWithDiscount`; its reservation
    /// value is discounted alike), `u` itself without one.
    pub fn discounted(&self, u: f64, t: f64) -> f64 {
        match self.discount {
            Some(d) => u * d.powf(t),
            None => u,
        }
    }

    /// Builds from a utility table (tests and hand-made spaces).
    pub fn from_table(
        party: usize,
        name: String,
        utils: Vec<f64>,
        forbidden: Vec<bool>,
        reservation: Option<f64>,
    ) -> Self {
        let allowed = |id: usize| forbidden.is_empty() || !forbidden[id];
        let (mut worst, mut best, mut best_outcome) = (f64::INFINITY, f64::NEG_INFINITY, 0);
        for (id, &u) in utils.iter().enumerate() {
            if !allowed(id) {
                continue;
            }
            worst = worst.min(u);
            if u > best {
                best = u;
                best_outcome = id as OutcomeId;
            }
        }
        let mut p = PartyPrefs {
            party,
            name,
            utils,
            reservation,
            discount: None,
            worst,
            best,
            best_outcome,
            forbidden,
            sorted: Vec::new(),
            sorted_utils: Vec::new(),
        };
        p.sort();
        p
    }

    fn sort(&mut self) {
        let mut sorted: Vec<OutcomeId> = (0..self.utils.len() as OutcomeId)
            .filter(|&id| self.is_rational(id))
            .collect();
        let u = &self.utils;
        sorted
            .par_sort_unstable_by(|&a, &b| u[a as usize].total_cmp(&u[b as usize]).then(a.cmp(&b)));
        self.sorted_utils = sorted.iter().map(|&id| u[id as usize]).collect();
        self.sorted = sorted;
    }

    /// The same party with another reservation value (a leverage shift).
    pub fn with_reservation(&self, reservation: Option<f64>) -> Self {
        let mut p = self.clone();
        p.reservation = reservation;
        p.sort();
        p
    }

    /// The party's table over a sub-space: `map[k]` is the full-space id of
    /// sub-space outcome k.
    pub fn restrict(&self, map: &[OutcomeId], reservation: Option<f64>) -> Self {
        let utils = map.iter().map(|&id| self.utility(id)).collect();
        let forbidden = if self.forbidden.is_empty() {
            Vec::new()
        } else {
            map.iter().map(|&id| self.forbids(id)).collect()
        };
        Self::from_table(self.party, self.name.clone(), utils, forbidden, reservation)
    }

    #[inline]
    /// The utility of outcome `id`.
    pub fn utility(&self, id: OutcomeId) -> f64 {
        self.utils[id as usize]
    }

    /// Whether the outcome crosses one of the party's red lines.
    #[inline]
    pub fn forbids(&self, id: OutcomeId) -> bool {
        !self.forbidden.is_empty() && self.forbidden[id as usize]
    }

    /// At least the reservation value and crossing no red line.
    #[inline]
    pub fn is_rational(&self, id: OutcomeId) -> bool {
        !self.forbids(id) && self.reservation.is_none_or(|r| self.utility(id) >= r)
    }

    /// Utility of no agreement: the reservation value, or the worst utility
    /// where there is none (Pactum's disagreement point).
    pub fn disagreement(&self) -> f64 {
        self.reservation.unwrap_or(self.worst)
    }

    /// NegMAS's `u_min`: the worst utility, raised to the reservation value.
    pub fn floor(&self) -> f64 {
        match self.reservation {
            Some(r) if r > self.worst => r,
            _ => self.worst,
        }
    }

    /// Position in `sorted` of the first outcome with utility ≥ `u`
    /// (`sorted.len()` when there is none).
    #[inline]
    pub fn rank_at_least(&self, u: f64) -> usize {
        self.sorted_utils.partition_point(|&x| x < u)
    }

    /// [`rank_at_least`](Self::rank_at_least) searched outward from `hint`
    /// (a rank found before): the same answer, in O(log d) steps for an
    /// answer d positions away, so a negotiator whose target moves a little
    /// each round finds it in a few cache-warm steps instead of a full
    /// binary search.
    pub fn rank_at_least_near(&self, u: f64, hint: usize) -> usize {
        let v = &self.sorted_utils;
        let n = v.len();
        let h = hint.min(n);
        let (lo, hi) = if h < n && v[h] < u {
            // The answer lies right of `h`: gallop right until a value ≥ u.
            let mut lo = h + 1;
            let mut step = 1;
            let hi = loop {
                let probe = h.saturating_add(step);
                if probe >= n {
                    break n;
                }
                if v[probe] >= u {
                    break probe;
                }
                lo = probe + 1;
                step *= 2;
            };
            (lo, hi)
        } else {
            // The answer is at most `h`: gallop left until a value < u.
            let mut hi = h;
            let mut step = 1;
            let lo = loop {
                if step > h {
                    break 0;
                }
                let probe = h - step;
                if v[probe] < u {
                    break probe + 1;
                }
                hi = probe;
                step *= 2;
            };
            (lo, hi)
        };
        lo + v[lo..hi].partition_point(|&x| x < u)
    }

    /// The rational outcome with the lowest utility ≥ `u`; the best rational
    /// outcome when none reaches `u`; `None` when no outcome is rational.
    pub fn lowest_at_least(&self, u: f64) -> Option<OutcomeId> {
        if self.sorted.is_empty() {
            return None;
        }
        let i = self.rank_at_least(u).min(self.sorted.len() - 1);
        Some(self.sorted[i])
    }

    /// The rational outcome whose utility is nearest `u` (the higher one on
    /// a tie; the first in enumeration order among equal utilities).
    pub fn nearest(&self, u: f64) -> Option<OutcomeId> {
        if self.sorted.is_empty() {
            return None;
        }
        self.nearest_from_rank(u, self.rank_at_least(u))
    }

    /// [`nearest`](Self::nearest), searching from the rank `hint` found
    /// last time (and leaving this one's there).
    pub fn nearest_near(&self, u: f64, hint: &mut usize) -> Option<OutcomeId> {
        if self.sorted.is_empty() {
            return None;
        }
        *hint = self.rank_at_least_near(u, *hint);
        self.nearest_from_rank(u, *hint)
    }

    /// The nearest outcome to `u` given `i`, the rank of `u`.
    fn nearest_from_rank(&self, u: f64, i: usize) -> Option<OutcomeId> {
        if i == self.sorted.len() {
            return Some(self.first_with(self.sorted.len() - 1));
        }
        if i > 0 && u - self.sorted_utils[i - 1] < self.sorted_utils[i] - u {
            return Some(self.first_with(i - 1));
        }
        Some(self.sorted[i])
    }

    /// The first outcome in `sorted` with the same utility as position `i`.
    pub fn first_with(&self, i: usize) -> OutcomeId {
        let u = self.sorted_utils[i];
        if i == 0 || self.sorted_utils[i - 1] < u {
            return self.sorted[i];
        }
        let first = self.sorted_utils[..i].partition_point(|&x| x < u);
        self.sorted[first]
    }
}

/// A scenario made ready for simulation: its numbered outcome space and
/// every negotiator's table. Built once, shared by every negotiation run on
/// the scenario.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The scenario.
    pub scenario: Arc<Scenario>,
    /// Its numbered outcome space.
    pub space: Arc<OutcomeSpace>,
    /// Scenario indices of the negotiators, in the scenario's order.
    pub negotiators: Vec<usize>,
    /// One table per negotiator (same order).
    pub prefs: Vec<Arc<PartyPrefs>>,
}

impl Prepared {
    /// Tabulates every negotiator of `scenario` (at least two; a small enough space).
    pub fn new(scenario: Scenario) -> Result<Self, SimError> {
        let negotiators: Vec<usize> = scenario
            .parties()
            .iter()
            .enumerate()
            .filter(|(_, p)| p.role == Role::Negotiator)
            .map(|(i, _)| i)
            .collect();
        if negotiators.len() < 2 {
            return Err(SimError::TooFewParties {
                scenario: scenario.name().to_string(),
                negotiators: negotiators.len(),
            });
        }
        let space = crate::space::of_scenario(&scenario)?;
        let prefs = negotiators
            .par_iter()
            .map(|&p| Arc::new(PartyPrefs::new(&scenario, &space, p)))
            .collect();
        Ok(Prepared {
            scenario: Arc::new(scenario),
            space: Arc::new(space),
            negotiators,
            prefs,
        })
    }

    /// Whether some negotiator's results are discounted.
    pub fn discounted(&self) -> bool {
        self.prefs.iter().any(|p| p.discount.is_some())
    }

    /// The same scenario with discounting switched off.
    pub fn without_discount(mut self) -> Self {
        for p in &mut self.prefs {
            if p.discount.is_some() {
                Arc::make_mut(p).discount = None;
            }
        }
        self
    }

    /// Names of the negotiators, in order.
    pub fn names(&self) -> Vec<String> {
        self.prefs.iter().map(|p| p.name.clone()).collect()
    }

    /// Every negotiator's utility of an outcome.
    pub fn utilities(&self, id: OutcomeId) -> Vec<f64> {
        self.prefs.iter().map(|p| p.utility(id)).collect()
    }

    /// The outcome as issue name → value.
    pub fn package(&self, id: OutcomeId) -> pactum_core::analysis::Package {
        self.scenario
            .describe(&self.space.decode(id))
            .into_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(utils: &[f64], rv: Option<f64>) -> PartyPrefs {
        PartyPrefs::from_table(0, "A".into(), utils.to_vec(), Vec::new(), rv)
    }

    #[test]
    fn sorted_ascending_with_ties_in_enumeration_order() {
        let p = table(&[0.5, 0.1, 0.9, 0.5, 0.3], None);
        assert_eq!(p.sorted, vec![1, 4, 0, 3, 2]);
        assert_eq!((p.worst, p.best, p.best_outcome), (0.1, 0.9, 2));
        assert_eq!(p.lowest_at_least(0.4), Some(0));
        assert_eq!(p.lowest_at_least(0.95), Some(2));
        assert_eq!(p.nearest(0.42), Some(0));
        assert_eq!(p.nearest(0.38), Some(4));
        assert_eq!(p.nearest(0.4), Some(0)); // tie: the higher one
    }

    #[test]
    fn reservation_value_removes_irrational_outcomes() {
        let p = table(&[0.5, 0.1, 0.9, 0.5, 0.3], Some(0.4));
        assert_eq!(p.sorted, vec![0, 3, 2]);
        assert_eq!(p.floor(), 0.4);
        assert_eq!(p.disagreement(), 0.4);
        assert!(!p.is_rational(4));
        let q = p.with_reservation(None);
        assert_eq!(q.sorted.len(), 5);
        assert_eq!(q.disagreement(), 0.1);
    }

    proptest::proptest! {
        /// The search from a hint is the plain binary search, whatever the
        /// hint (ties, values outside the range and NaN included).
        #[test]
        fn rank_near_a_hint_is_the_rank(
            utils in proptest::collection::vec(0u8..12, 0..40),
            u in -1.0f64..13.0,
            hint in 0usize..60,
            nan in proptest::bool::weighted(0.05),
        ) {
            let p = table(&utils.iter().map(|&x| f64::from(x)).collect::<Vec<_>>(), None);
            let u = if nan { f64::NAN } else { u.floor() + if hint % 2 == 0 { 0.0 } else { 0.5 } };
            proptest::prop_assert_eq!(p.rank_at_least_near(u, hint), p.rank_at_least(u));
        }
    }
}
