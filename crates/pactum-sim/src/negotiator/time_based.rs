//! Time-based aspiration negotiators, offer for offer NegMAS's
//! `BoulwareTBNegotiator`, `LinearTBNegotiator` and `ConcederTBNegotiator`.
//!
//! At relative time t (the protocol's clock) with exponent e:
//!
//! * aspiration a(t) = 1 − t^e (NegMAS `PolyAspiration(1.0, e)`; boulware
//!   e = 4, linear e = 1, conceder e = 0.25);
//! * target τ(t) = clamp(u_min + (u_max − u_min)·a(t) − 10⁻⁴, u_min, u_max),
//!   where u_max is the best utility and u_min = max(worst utility,
//!   reservation value) (NegMAS `scale_utilities` with its default
//!   tolerance 10⁻⁴);
//! * **accept** an offer with utility ≥ τ(t);
//! * **offer** the rational outcome whose utility is nearest τ(t) from above
//!   — the lowest utility ≥ τ — except that an outcome at most 10⁻⁶ below τ
//!   wins when it is strictly nearer (NegMAS's presorting inverter,
//!   `worst_in`, with its `EPS = 1e-6` clamping). Among outcomes of equal
//!   own utility the first in enumeration order is offered (NegMAS's order
//!   there is arbitrary).
//!
//! Both decisions use the relative time of the current round.
//!
//! On a space too large to enumerate (searched, `crate::prefs`), u_max and
//! u_min are the best and lowest utilities search found for the
//! negotiator, and the offer is the nearest among its own searched
//! outcomes (one per utility level), so it may sit a level above τ where
//! the enumerated space would hold an outcome nearer; acceptance compares
//! the offer's exact utility with τ as above.

use std::sync::Arc;

use super::{Negotiator, Now, Response, SeatInfo, vote_by_utility};
use crate::prefs::PartyPrefs;
use crate::space::OutcomeId;

/// NegMAS's `POLY_ASPIRATION_EXPONENTS`.
pub const BOULWARE: f64 = 4.0;
/// Exponent of the linear strategy.
pub const LINEAR: f64 = 1.0;
/// Exponent of the conceder strategy.
pub const CONCEDER: f64 = 0.25;

/// NegMAS `UtilBasedNegotiator` default `eps`.
const TOLERANCE: f64 = 1e-4;
/// NegMAS presorting inverter `EPS`.
const INVERTER_EPS: f64 = 1e-6;

/// NegMAS's time-based negotiator, aspiration 1 − t^(1/exponent).
pub struct TimeBased {
    prefs: Arc<PartyPrefs>,
    exponent: f64,
    /// The last (t, τ(t)): answering and counter-offering share one round.
    cache: (f64, f64),
    /// The rank of the last offer's target: the next one is near it.
    rank: usize,
}

impl TimeBased {
    /// A time-based negotiator of the given exponent in the given seat.
    pub fn new(seat: &SeatInfo, exponent: f64) -> Self {
        TimeBased {
            prefs: seat.prefs.clone(),
            exponent,
            cache: (f64::NAN, 0.0),
            rank: 0,
        }
    }

    /// a(t) = 1 − t^e.
    pub fn aspiration(&self, t: f64) -> f64 {
        1.0 * (1.0 - t.powf(self.exponent))
    }

    /// τ(t), in the party's own utility.
    pub fn target(&self, t: f64) -> f64 {
        target(&self.prefs, self.aspiration(t))
    }

    fn cached_target(&mut self, t: f64) -> f64 {
        if self.cache.0 != t {
            self.cache = (t, self.target(t));
        }
        self.cache.1
    }
}

/// Scales a relative aspiration to the party's utility range, as NegMAS does.
pub fn target(prefs: &PartyPrefs, aspiration: f64) -> f64 {
    let (lo, hi) = (prefs.floor(), prefs.best);
    let x = (hi - lo) * aspiration + lo - TOLERANCE;
    x.min(hi).max(lo)
}

/// NegMAS `PresortingInverseUtilityFunction.worst_in((τ, u_max))`.
pub fn worst_in(prefs: &PartyPrefs, tau: f64) -> OutcomeId {
    worst_in_near(prefs, tau, &mut 0)
}

/// [`worst_in`], searching from the rank `hint` found last time (and
/// leaving this one's there): the same outcome, found faster when τ moves
/// little between calls.
pub fn worst_in_near(prefs: &PartyPrefs, tau: f64, hint: &mut usize) -> OutcomeId {
    let n = prefs.sorted.len();
    if n == 0 {
        return prefs.best_outcome;
    }
    *hint = prefs.rank_at_least_near(tau, *hint);
    let i = (*hint).min(n - 1);
    let u = &prefs.sorted_utils;
    if i > 0 && u[i - 1] >= tau - INVERTER_EPS && (tau - u[i - 1]) < (u[i] - tau).abs() {
        return prefs.first_with(i - 1);
    }
    prefs.first_with(i)
}

impl Negotiator for TimeBased {
    fn respond(&mut self, now: &Now, offer: OutcomeId, _proposer: usize) -> Response {
        let u = self.prefs.utility(offer);
        if u >= self.cached_target(now.time) && u <= self.prefs.best && !self.prefs.forbids(offer) {
            Response::Accept
        } else {
            Response::Reject
        }
    }

    fn propose(&mut self, now: &Now) -> Option<OutcomeId> {
        let tau = self.cached_target(now.time);
        Some(worst_in_near(&self.prefs, tau, &mut self.rank))
    }

    fn vote(&mut self, now: &Now, current: Option<OutcomeId>, proposal: OutcomeId) -> bool {
        let _ = now;
        vote_by_utility(&self.prefs, current, proposal)
    }
}
