//! A negotiator with a frequency-based opponent model that aims at the
//! estimated Nash point.
//!
//! **Opponent model** (HardHeaded-style, from the offers of every other
//! seat): for issue i and value k, with c_i(k) the number of opponent offers
//! using k and s_i the number of consecutive opponent offers that left
//! issue i unchanged,
//!
//! * value estimate v̂_i(k) = (1 + c_i(k)) / (1 + max_k c_i(k));
//! * weight estimate ŵ_i = (1 + s_i) / Σ_j (1 + s_j);
//! * estimated opponent utility û(o) = Σ_i ŵ_i·v̂_i(o_i) (in [0, 1]).
//!
//! **Nash estimate**: over a pool of at most [`POOL`] rational outcomes
//! (evenly spaced along the own sorted list), the outcome maximising
//! (u(o) − u_min)·û(o); its own utility is u_N (refreshed every
//! [`REFRESH`] rounds).
//!
//! **Target**: τ(t) = u_N + (u_max − u_N)·(1 − t²), never below u_N.
//!
//! * **offer**: among the [`BAND`] rational outcomes with the lowest own
//!   utility ≥ τ, the one the model says the opponent likes most (first in
//!   that order on ties);
//! * **accept** an offer with own utility ≥ τ(t).

use std::sync::Arc;

use super::{Negotiator, Now, Response, SeatInfo, vote_by_utility};
use crate::prefs::PartyPrefs;
use crate::space::{OutcomeId, SimSpace};

/// Outcomes examined for the Nash estimate.
pub const POOL: usize = 2000;
/// Rounds between refreshes of the Nash estimate.
pub const REFRESH: usize = 10;
/// Outcomes just above the target considered for an offer.
pub const BAND: usize = 64;

/// The Nash-seeking negotiator (strategy `nash-seeker`).
pub struct NashSeeker {
    prefs: Arc<PartyPrefs>,
    space: Arc<SimSpace>,
    /// Per issue, per value: how many opponent offers used it.
    counts: Vec<Vec<u32>>,
    /// Per issue: opponent offers that repeated the previous value.
    stable: Vec<u32>,
    last_opponent: Option<OutcomeId>,
    /// Own utility of the estimated Nash point, and when it was computed.
    nash_utility: Option<(f64, usize)>,
    dirty: bool,
}

impl NashSeeker {
    /// A Nash seeker in the given seat.
    pub fn new(seat: &SeatInfo) -> Self {
        let space = seat.space.clone();
        NashSeeker {
            prefs: seat.prefs.clone(),
            counts: space.cards().iter().map(|&c| vec![0; c as usize]).collect(),
            stable: vec![0; space.issues()],
            space,
            last_opponent: None,
            nash_utility: None,
            dirty: false,
        }
    }

    /// û(o).
    pub fn estimated_opponent_utility(&self, id: OutcomeId) -> f64 {
        let total: f64 = self.stable.iter().map(|&s| 1.0 + s as f64).sum();
        let mut u = 0.0;
        for (i, counts) in self.counts.iter().enumerate() {
            let max = counts.iter().copied().max().unwrap_or(0) as f64;
            let k = self.space.value(id, i) as usize;
            let w = (1.0 + self.stable[i] as f64) / total;
            u += w * (1.0 + counts[k] as f64) / (1.0 + max);
        }
        u
    }

    fn nash_estimate(&mut self, step: usize) -> f64 {
        if let Some((u, at)) = self.nash_utility
            && (!self.dirty || step < at + REFRESH)
        {
            return u;
        }
        let p = &self.prefs;
        let n = p.sorted.len();
        let floor = p.floor();
        let mut best = (f64::NEG_INFINITY, p.best);
        if n > 0 {
            let stride = n.div_ceil(POOL).max(1);
            let mut k = n - 1;
            loop {
                let id = p.sorted[k];
                let score = (p.utility(id) - floor) * self.estimated_opponent_utility(id);
                if score > best.0 {
                    best = (score, p.utility(id));
                }
                if k < stride {
                    break;
                }
                k -= stride;
            }
        }
        self.nash_utility = Some((best.1, step));
        self.dirty = false;
        best.1
    }

    fn target(&mut self, now: &Now) -> f64 {
        let un = self.nash_estimate(now.step);
        let t = now.time;
        un + (self.prefs.best - un) * (1.0 - t * t)
    }
}

impl Negotiator for NashSeeker {
    fn on_offer(&mut self, _now: &Now, offer: OutcomeId, _proposer: usize) {
        for (i, counts) in self.counts.iter_mut().enumerate() {
            let k = self.space.value(offer, i);
            counts[k as usize] += 1;
            if let Some(prev) = self.last_opponent
                && self.space.value(prev, i) == k
            {
                self.stable[i] += 1;
            }
        }
        self.last_opponent = Some(offer);
        self.dirty = true;
    }

    fn respond(&mut self, now: &Now, offer: OutcomeId, _proposer: usize) -> Response {
        let tau = self.target(now);
        if self.prefs.is_rational(offer) && self.prefs.utility(offer) >= tau {
            Response::Accept
        } else {
            Response::Reject
        }
    }

    fn propose(&mut self, now: &Now) -> Option<OutcomeId> {
        let tau = self.target(now);
        let p = &self.prefs;
        let n = p.sorted.len();
        if n == 0 {
            return Some(p.best_outcome);
        }
        let start = p.rank_at_least(tau).min(n - 1);
        let end = (start + BAND).min(n);
        let mut best = (f64::NEG_INFINITY, p.sorted[start]);
        for &id in &p.sorted[start..end] {
            let u = self.estimated_opponent_utility(id);
            if u > best.0 {
                best = (u, id);
            }
        }
        Some(best.1)
    }

    fn vote(&mut self, _now: &Now, current: Option<OutcomeId>, proposal: OutcomeId) -> bool {
        vote_by_utility(&self.prefs, current, proposal)
    }

    fn opponent_utility(&self, outcome: OutcomeId) -> Option<f64> {
        Some(self.estimated_opponent_utility(outcome))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::negotiator::build;

    fn seat(p: &crate::prefs::Prepared, seat: usize) -> SeatInfo {
        SeatInfo {
            seat,
            parties: 2,
            prefs: p.prefs[seat].clone(),
            space: p.space.clone(),
            seed: 1,
        }
    }

    #[test]
    fn the_opponent_model_is_exposed_and_learns_from_offers() {
        let p = crate::test_support::line();
        let now = Now {
            step: 0,
            n_steps: Some(10),
            time: 0.1,
        };
        let mut n = NashSeeker::new(&seat(&p, 0));
        // Nothing seen: every outcome estimated alike.
        let before: Vec<f64> = (0..5).map(|o| n.opponent_utility(o).unwrap()).collect();
        assert!(before.windows(2).all(|w| w[0] == w[1]));
        // B keeps offering p0: the model ranks p0 first.
        for _ in 0..3 {
            n.on_offer(&now, 0, 1);
        }
        let after: Vec<f64> = (0..5).map(|o| n.opponent_utility(o).unwrap()).collect();
        assert!(after[1..].iter().all(|&u| u < after[0]));
        assert_eq!(n.opponent_utility(3), Some(n.estimated_opponent_utility(3)));
        // A strategy without a model says so.
        let b = build("boulware", &seat(&p, 0)).unwrap();
        assert_eq!(b.opponent_utility(0), None);
    }
}
