//! What a Monte Carlo run may vary, as an input states it: per-actor `[low, high]` ranges and
//! file-wide default spreads, and how they become [`McOptions`].
//!
//! Rules: an actor with a range is drawn from it; an actor without one gets the base spread
//! around its value; where no actor has a range, the base spread is kept as is.

use serde::Serialize;

use crate::model::Case;
use crate::montecarlo::{McOptions, Spread};

/// An inclusive `[low, high]` range for Monte Carlo draws.
pub type ValueRange = (f64, f64);

/// Per-actor ranges for Monte Carlo draws; `None` where the input gives none.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Ranges {
    /// Capability range per actor.
    pub capability: Vec<Option<ValueRange>>,
    /// Position range per actor (one-dimensional cases).
    pub position: Vec<Option<ValueRange>>,
    /// Salience range per actor (one-dimensional cases).
    pub salience: Vec<Option<ValueRange>>,
}

impl Ranges {
    /// No ranges for `n` actors.
    pub fn none(n: usize) -> Self {
        Self {
            capability: vec![None; n],
            position: vec![None; n],
            salience: vec![None; n],
        }
    }

    /// Whether any range is given.
    pub fn any(&self) -> bool {
        [&self.capability, &self.position, &self.salience]
            .iter()
            .any(|v| v.iter().any(Option::is_some))
    }

    /// Monte Carlo options for the one-dimensional `case`: actors with a range are drawn from
    /// it, the others get `base`'s spread around their value. Where no actor has a range,
    /// `base`'s spread is kept as is.
    pub fn mc_options(&self, case: &Case, base: &McOptions) -> McOptions {
        let width = case.issues.first().and_then(|i| i.scale).map_or_else(
            || {
                let (lo, hi) = case.range(0);
                hi - lo
            },
            |s| (s.hi - s.lo).abs(),
        );
        let caps = case.capabilities();
        let mut o = base.clone();
        o.capability = per_actor(&self.capability, &caps, &base.capability, 0.0);
        if case.n_dims() == 1 {
            o.position = per_actor(&self.position, &case.positions(0), &base.position, width);
            o.salience = per_actor(&self.salience, &case.saliences(0), &base.salience, 0.0);
        }
        o
    }
}

fn per_actor(ranges: &[Option<ValueRange>], values: &[f64], spread: &Spread, width: f64) -> Spread {
    if ranges.iter().all(Option::is_none) || ranges.len() != values.len() {
        return spread.clone();
    }
    let around = |i: usize, v: f64| -> ValueRange {
        match spread {
            Spread::None => (v, v),
            Spread::Relative(f) => {
                let (a, b) = (v * (1.0 - f), v * (1.0 + f));
                (a.min(b), a.max(b))
            }
            Spread::Absolute(a) => (v - a, v + a),
            Spread::ShareOfRange(f) => (v - f * width, v + f * width),
            Spread::PerActor(r) => r.get(i).copied().unwrap_or((v, v)),
        }
    };
    Spread::PerActor(
        ranges
            .iter()
            .zip(values)
            .enumerate()
            .map(|(i, (r, &v))| r.unwrap_or_else(|| around(i, v)))
            .collect(),
    )
}

/// `[forecast] uncertainty = { capability = 0.2, position = 5, salience = 10 }`: the ± used
/// for actors without explicit ranges (capability relative, position and salience in points).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Uncertainty {
    /// Capability ± this fraction.
    pub capability: Option<f64>,
    /// Position ± this many points.
    pub position: Option<f64>,
    /// Salience ± this many points.
    pub salience: Option<f64>,
}

impl Uncertainty {
    /// Overrides `o`'s spreads with the ones given here.
    pub fn apply(&self, o: &mut McOptions) {
        if let Some(c) = self.capability {
            o.capability = Spread::Relative(c);
        }
        if let Some(p) = self.position {
            o.position = Spread::Absolute(p);
        }
        if let Some(s) = self.salience {
            o.salience = Spread::Absolute(s);
        }
    }
}
