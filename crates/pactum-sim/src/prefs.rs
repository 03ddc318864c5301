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
//!
//! Where the space is too large to enumerate ([`crate::space`]), the same
//! table is kept over the *searched* space instead: each negotiator's own
//! outcomes are those `pactum_core::search` finds for its utility alone
//! ([`SEARCH_LEVELS`] levels from the best found down to the lowest found),
//! and the table holds the exact utility of every numbered outcome (its
//! own, the others', and any package added later), so a negotiator accepts
//! on exact utilities while it proposes, concedes and ranks among its own
//! outcomes only. Nothing of another party's preferences reaches a
//! negotiator's own outcomes.

use std::sync::Arc;

use pactum_core::frontier::Contributions;
use pactum_core::search::Landscape;
use pactum_core::{Role, Scenario};
use pactum_protocol::derive_seed;
use rayon::prelude::*;

use crate::error::SimError;
use crate::space::{Catalog, OutcomeId, OutcomeSpace, SimSpace};

/// Utility levels searched for each negotiator on a searched space.
pub const SEARCH_LEVELS: usize = 256;

/// The fixed seed of the searches (mixed with the party's index): a
/// scenario's searched space is the same whatever the negotiation's seed,
/// so a tournament shares it.
const SEARCH_SEED: u64 = 0x5041_4354_554d_5345;

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
    /// On a searched space, which outcomes are the party's own (found for
    /// its utility); empty: every outcome is.
    own: Vec<bool>,
    /// Rational outcomes (utility ≥ reservation value, no red line crossed)
    /// in ascending order of utility; equal utilities in enumeration order.
    /// On a searched space, the party's own outcomes only.
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
        Self::from_own(party, name, utils, forbidden, Vec::new(), reservation)
    }

    /// Builds from a utility table of which only the outcomes marked in
    /// `own` are the party's (empty: all are); worst, best and the sorted
    /// outcomes are over those.
    fn from_own(
        party: usize,
        name: String,
        utils: Vec<f64>,
        forbidden: Vec<bool>,
        own: Vec<bool>,
        reservation: Option<f64>,
    ) -> Self {
        let allowed =
            |id: usize| (forbidden.is_empty() || !forbidden[id]) && (own.is_empty() || own[id]);
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
            own,
            sorted: Vec::new(),
            sorted_utils: Vec::new(),
        };
        p.sort();
        p
    }

    fn sort(&mut self) {
        let mut sorted: Vec<OutcomeId> = (0..self.utils.len() as OutcomeId)
            .filter(|&id| self.is_rational(id) && self.is_own(id))
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

    /// Whether the outcome is one of the party's own (always, on an
    /// enumerated space).
    #[inline]
    pub fn is_own(&self, id: OutcomeId) -> bool {
        self.own.is_empty() || self.own[id as usize]
    }

    /// The same party over a catalog grown by `utils` (the exact utilities
    /// of the outcomes added, in order, none of them its own) and their red
    /// line crossings.
    pub fn extended(&self, utils: &[f64], forbidden: &[bool]) -> Self {
        let mut p = self.clone();
        let before = p.utils.len();
        p.utils.extend_from_slice(utils);
        if !p.forbidden.is_empty() {
            p.forbidden.extend_from_slice(forbidden);
        }
        if !p.own.is_empty() {
            p.own.resize(before + utils.len(), false);
        }
        p
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
    /// Its numbered outcome space: enumerated, or searched.
    pub space: Arc<SimSpace>,
    /// Scenario indices of the negotiators, in the scenario's order.
    pub negotiators: Vec<usize>,
    /// One table per negotiator (same order).
    pub prefs: Vec<Arc<PartyPrefs>>,
}

impl Prepared {
    /// Tabulates every negotiator of `scenario` (at least two) over every
    /// outcome, or, on a space too large to enumerate, over the outcomes
    /// search finds for each (module docs).
    pub fn new(scenario: Scenario) -> Result<Self, SimError> {
        Self::with_limit(scenario, crate::space::MAX_OUTCOMES)
    }

    /// [`Prepared::new`], enumerating at most `max_enumerated` outcomes
    /// (at most [`crate::space::MAX_OUTCOMES`]) and searching beyond.
    pub fn with_limit(scenario: Scenario, max_enumerated: u64) -> Result<Self, SimError> {
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
        let limit = max_enumerated.min(crate::space::MAX_OUTCOMES);
        let Some(space) = crate::space::enumerable(&scenario, limit) else {
            return Self::searched(scenario, negotiators);
        };
        let prefs = negotiators
            .par_iter()
            .map(|&p| Arc::new(PartyPrefs::new(&scenario, &space, p)))
            .collect();
        Ok(Prepared {
            scenario: Arc::new(scenario),
            space: Arc::new(SimSpace::Enumerated(space)),
            negotiators,
            prefs,
        })
    }

    /// The searched space: each negotiator's levels (in negotiator order)
    /// numbered into one catalog, every numbered outcome's exact utility
    /// tabulated for every negotiator.
    fn searched(scenario: Scenario, negotiators: Vec<usize>) -> Result<Self, SimError> {
        let landscapes = negotiators
            .iter()
            .map(|&p| Landscape::new(&scenario, p))
            .collect::<Result<Vec<_>, _>>()?;
        let levels: Vec<Vec<_>> = landscapes
            .par_iter()
            .zip(&negotiators)
            .map(|(l, &p)| l.levels(derive_seed(SEARCH_SEED, p as u64), SEARCH_LEVELS))
            .collect();
        let cards: Vec<u32> = scenario
            .issues()
            .iter()
            .map(|i| i.cardinality() as u32)
            .collect();
        let mut catalog = Catalog::new(cards);
        let mut owned: Vec<Vec<OutcomeId>> = Vec::new();
        for found in &levels {
            let ids = found
                .iter()
                .map(|f| catalog.add(&f.outcome))
                .collect::<Result<Vec<_>, _>>()?;
            owned.push(ids);
        }
        let space = SimSpace::Searched(catalog);
        let packages: Vec<Vec<u32>> = (0..space.len() as OutcomeId)
            .map(|id| space.decode(id))
            .collect();
        let prefs = negotiators
            .par_iter()
            .zip(landscapes.par_iter().zip(&owned))
            .map(|(&p, (l, ids))| {
                let party = &scenario.parties()[p];
                let prefs = party
                    .preferences
                    .as_ref()
                    .expect("negotiators have preferences");
                let utils = packages.iter().map(|o| l.utility(o)).collect();
                let forbidden = if prefs.red_lines.is_empty() {
                    Vec::new()
                } else {
                    packages.iter().map(|o| prefs.crosses_red_line(o)).collect()
                };
                let mut own = vec![false; packages.len()];
                for &id in ids {
                    own[id as usize] = true;
                }
                let mut t = PartyPrefs::from_own(
                    p,
                    party.name.clone(),
                    utils,
                    forbidden,
                    own,
                    prefs.reservation_value,
                );
                t.discount = prefs.discount_factor.filter(|d| *d > 0.0 && *d < 1.0);
                Arc::new(t)
            })
            .collect();
        Ok(Prepared {
            scenario: Arc::new(scenario),
            space: Arc::new(space),
            negotiators,
            prefs,
        })
    }

    /// On a searched space, the same with `packages` numbered too (those
    /// not yet), their utilities evaluated exactly for every negotiator and
    /// none of them any negotiator's own; an enumerated space numbers every
    /// package already and is returned unchanged. A package off the issues
    /// is an error.
    pub fn with_packages(&self, packages: &[Vec<u32>]) -> Result<Self, SimError> {
        let SimSpace::Searched(catalog) = &*self.space else {
            for p in packages {
                self.space.encode(p)?;
            }
            return Ok(self.clone());
        };
        let mut catalog = catalog.clone();
        let before = catalog.len();
        for p in packages {
            catalog.add(p)?;
        }
        if catalog.len() == before {
            return Ok(self.clone());
        }
        let space = SimSpace::Searched(catalog);
        let added: Vec<Vec<u32>> = (before..space.len())
            .map(|id| space.decode(id as OutcomeId))
            .collect();
        let prefs = self
            .prefs
            .iter()
            .map(|t| {
                let party = self.scenario.parties()[t.party]
                    .preferences
                    .as_ref()
                    .expect("negotiators have preferences");
                let issues = self.scenario.issues();
                let utils: Vec<f64> = added
                    .iter()
                    .map(|o| party.utility.utility(issues, o))
                    .collect();
                let forbidden: Vec<bool> =
                    added.iter().map(|o| party.crosses_red_line(o)).collect();
                Arc::new(t.extended(&utils, &forbidden))
            })
            .collect();
        Ok(Prepared {
            scenario: self.scenario.clone(),
            space: Arc::new(space),
            negotiators: self.negotiators.clone(),
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

    /// Every negotiator's utility of a package, from the model.
    #[cfg(test)]
    fn scenario_utilities(&self, package: &[u32]) -> Vec<f64> {
        self.negotiators
            .iter()
            .map(|&p| {
                let prefs = self.scenario.parties()[p].preferences.as_ref().unwrap();
                prefs.utility.utility(self.scenario.issues(), package)
            })
            .collect()
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

    /// Eight issues of ten options (10^8 outcomes, more than a simulation
    /// enumerates): A values option k at k/9, B at (9 − k)/9, equal weights.
    fn wide() -> Scenario {
        let mut text = String::from("name = \"wide\"\n");
        let options: Vec<String> = (0..10).map(|k| format!("\"o{k}\"")).collect();
        for i in 0..8 {
            text += &format!(
                "[[issues]]\nname = \"i{i}\"\noptions = [{}]\n",
                options.join(", ")
            );
        }
        for (name, rising) in [("A", true), ("B", false)] {
            text += &format!("[[parties]]\nname = \"{name}\"\nrole = \"negotiator\"\n");
            let weights: Vec<String> = (0..8).map(|i| format!("i{i} = 0.125")).collect();
            text += &format!("weights = {{ {} }}\n", weights.join(", "));
            for i in 0..8 {
                let values: Vec<String> = (0..10)
                    .map(|k| {
                        let v = if rising { k } else { 9 - k };
                        format!("o{k} = {}", f64::from(v) / 9.0)
                    })
                    .collect();
                text += &format!("values.i{i} = {{ {} }}\n", values.join(", "));
            }
        }
        pactum_core::native::from_toml("wide.toml", &text)
            .unwrap()
            .scenario
    }

    #[test]
    fn a_space_too_large_to_enumerate_is_searched_with_exact_utilities() {
        let s = wide();
        let p = Prepared::new(s.clone()).unwrap();
        assert!(p.space.is_searched());
        for t in &p.prefs {
            let f = &s.parties()[t.party].preferences.as_ref().unwrap().utility;
            assert!(t.sorted.len() > 10, "{}", t.sorted.len());
            assert!(t.sorted.iter().all(|&id| t.is_own(id)));
            for id in 0..p.space.len() as OutcomeId {
                let exact = f.utility(s.issues(), &p.space.decode(id));
                assert_eq!(t.utility(id).to_bits(), exact.to_bits());
            }
            // Each issue at its best value: the search finds the maximum.
            assert!((t.best - 1.0).abs() < 1e-12, "{}", t.best);
            assert!(t.worst.abs() < 1e-12, "{}", t.worst);
        }
        // A's own outcomes are not B's: each ranks its own only.
        assert_ne!(p.prefs[0].sorted, p.prefs[1].sorted);
        // Built again, the same space.
        let q = Prepared::new(s).unwrap();
        assert_eq!(p.space, q.space);
        // A package added later is numbered once, tabulated exactly and
        // nobody's own.
        let extra = vec![3u32, 1, 4, 1, 5, 9, 2, 6];
        let r = p.with_packages(&[extra.clone(), extra.clone()]).unwrap();
        assert_eq!(r.space.len(), p.space.len() + 1);
        let id = r.space.encode(&extra).unwrap();
        assert!(!r.prefs[0].is_own(id) && !r.prefs[1].is_own(id));
        assert_eq!(r.prefs[0].sorted, p.prefs[0].sorted);
        assert_eq!(r.utilities(id), q.scenario_utilities(&extra));
        assert!(p.with_packages(&[vec![10, 0, 0, 0, 0, 0, 0, 0]]).is_err());
    }

    #[test]
    fn a_searched_space_plays_alternating_offers_only() {
        let p = Prepared::new(wide()).unwrap();
        let run = |protocol| {
            let config = crate::Config {
                protocol,
                record: true,
                ..crate::Config::sao(50, 9)
            };
            crate::negotiate(&p, &["boulware", "micro"], &config)
        };
        let a = run(crate::ProtocolKind::Sao).unwrap();
        let b = run(crate::ProtocolKind::Sao).unwrap();
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert!(!a.trace.events.is_empty());
        assert!(matches!(
            run(crate::ProtocolKind::SingleText(crate::Mediator::Veto)),
            Err(SimError::NeedsEnumeration { .. })
        ));
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
