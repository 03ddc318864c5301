//! One-shot baselines every dynamic model must beat (spec §4.1).
//!
//! * [`weighted_mean`]: the compromise model, `Σ w x / Σ w`.
//! * [`weighted_median`]: the median voter; **tie rule**: when the cumulative weight reaches
//!   exactly half the total at some position, [`MedianRule::Lower`] (default) returns that
//!   position, `Upper` the next one, `Midpoint` their average.
//! * [`condorcet_winner`]: the actor position that no other position beats under intensity votes
//!   `v_jk = Σ_i w_i (|x_i−x_k| − |x_i−x_j|)`; in one dimension this is the weighted median.
//!   **Tie rule**: among unbeaten positions the lowest wins (equal to the lower median).
//! * [`nash_bargaining`]: asymmetric Nash product `Π (u_i(y) − d_i)^{w_i}` maximised on a grid.

use serde::{Deserialize, Serialize};

use crate::error::{ForecastError, Result};
use crate::model::Case;

/// Which per-actor weights a baseline uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Weighting {
    /// capability × salience (the standard "effective power").
    #[default]
    CapabilitySalience,
    /// Capability only.
    Capability,
    /// Salience only.
    Salience,
    /// Every actor weighs 1.
    Equal,
}

/// Per-actor weights on dimension `d`.
pub fn weights(case: &Case, d: usize, w: Weighting) -> Vec<f64> {
    case.actors
        .iter()
        .map(|a| match w {
            Weighting::CapabilitySalience => a.capability * a.saliences[d],
            Weighting::Capability => a.capability,
            Weighting::Salience => a.saliences[d],
            Weighting::Equal => 1.0,
        })
        .collect()
}

fn zero_weight(total: f64) -> Result<()> {
    if total > 0.0 {
        Ok(())
    } else {
        Err(ForecastError::Model {
            model: "baseline",
            message: "all weights are zero".into(),
        })
    }
}

/// Weighted mean `Σ w_i x_i / Σ w_i`.
pub fn weighted_mean_of(x: &[f64], w: &[f64]) -> Result<f64> {
    let total: f64 = w.iter().sum();
    zero_weight(total)?;
    Ok(x.iter().zip(w).map(|(x, w)| x * w).sum::<f64>() / total)
}

/// Compromise model on dimension `d`.
pub fn weighted_mean(case: &Case, d: usize, w: Weighting) -> Result<f64> {
    weighted_mean_of(&case.positions(d), &weights(case, d, w))
}

/// What to return when the cumulative weight hits exactly one half.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum MedianRule {
    #[default]
    /// The position where the half is reached.
    Lower,
    /// The next position.
    Upper,
    /// The average of the two.
    Midpoint,
}

/// Weighted median of `x` with weights `w` (see module docs for the tie rule).
pub fn weighted_median_of(x: &[f64], w: &[f64], rule: MedianRule) -> Result<f64> {
    let total: f64 = w.iter().sum();
    zero_weight(total)?;
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    // Merge equal positions so ties in x do not split the cumulative weight.
    let mut pts: Vec<(f64, f64)> = Vec::new();
    for i in idx {
        match pts.last_mut() {
            Some((px, pw)) if *px == x[i] => *pw += w[i],
            _ => pts.push((x[i], w[i])),
        }
    }
    let half = total / 2.0;
    let eps = 1e-12 * total;
    let mut cum = 0.0;
    for (k, &(px, pw)) in pts.iter().enumerate() {
        cum += pw;
        if cum >= half - eps {
            let exact = (cum - half).abs() <= eps;
            let next = pts[k + 1..].iter().find(|p| p.1 > 0.0).map(|p| p.0);
            return Ok(match (rule, exact, next) {
                (MedianRule::Upper, true, Some(n)) => n,
                (MedianRule::Midpoint, true, Some(n)) => (px + n) / 2.0,
                _ => px,
            });
        }
    }
    Ok(pts.last().map_or(f64::NAN, |p| p.0))
}

/// Weighted median on dimension `d`.
pub fn weighted_median(case: &Case, d: usize, w: Weighting, rule: MedianRule) -> Result<f64> {
    weighted_median_of(&case.positions(d), &weights(case, d, w), rule)
}

/// Position among `x` that no other position beats under intensity votes with weights `w`;
/// ties go to the lowest position. (Equivalently: minimises `Σ w_i |x_i − y|` over `y ∈ x`.)
pub fn condorcet_winner_of(x: &[f64], w: &[f64]) -> Result<f64> {
    zero_weight(w.iter().sum())?;
    let loss = |y: f64| -> f64 { x.iter().zip(w).map(|(xi, wi)| wi * (xi - y).abs()).sum() };
    let mut cands: Vec<f64> = x.to_vec();
    cands.sort_by(f64::total_cmp);
    let scale = w.iter().sum::<f64>() * cands.last().map_or(1.0, |v| v.abs().max(1.0));
    let mut best = cands[0];
    let mut best_loss = loss(best);
    for &c in &cands[1..] {
        let l = loss(c);
        if l < best_loss - 1e-12 * scale {
            best = c;
            best_loss = l;
        }
    }
    Ok(best)
}

/// Condorcet winner among actor positions on dimension `d` with capability × salience votes.
pub fn condorcet_winner(case: &Case, d: usize, w: Weighting) -> Result<f64> {
    condorcet_winner_of(&case.positions(d), &weights(case, d, w))
}

/// Utility shape for the Nash solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum NashUtility {
    /// `u = 1 − |x − y| / R`.
    #[default]
    Linear,
    /// `u = 1 − ((x − y) / R)²`; with equal `d_i` the maximiser is the weighted mean.
    Quadratic,
}

/// Disagreement point of the Nash solution.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum Disagreement {
    /// `d_i = 0` for everybody.
    #[default]
    Zero,
    /// `d_i = u_i(status quo)`; needs the issue's status quo.
    StatusQuo,
    /// Explicit utilities, one per actor.
    Explicit(Vec<f64>),
}

/// Options of [`nash_bargaining`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NashOptions {
    /// How an actor values a point.
    pub utility: NashUtility,
    /// The disagreement utilities.
    pub disagreement: Disagreement,
    /// The exponents of the Nash product.
    pub weighting: Weighting,
    /// Grid points over `[min, max]` of the positions (and status quo); 2001 by default.
    pub grid_points: usize,
}

impl Default for NashOptions {
    fn default() -> Self {
        Self {
            utility: NashUtility::Linear,
            disagreement: Disagreement::Zero,
            weighting: Weighting::CapabilitySalience,
            grid_points: 2001,
        }
    }
}

/// Asymmetric Nash bargaining solution on dimension `d`: the grid point maximising
/// `Σ_i w_i ln(u_i(y) − d_i)` over points where every actor gains; first maximum on ties.
pub fn nash_bargaining(case: &Case, d: usize, opts: &NashOptions) -> Result<f64> {
    let x = case.positions(d);
    let w = weights(case, d, opts.weighting);
    zero_weight(w.iter().sum())?;
    let (mut lo, mut hi) = case.range(d);
    let sq = case.issues[d].status_quo;
    if let (Disagreement::StatusQuo, Some(s)) = (&opts.disagreement, sq) {
        lo = lo.min(s);
        hi = hi.max(s);
    }
    let r = hi - lo;
    if r <= 0.0 {
        return Ok(lo);
    }
    let u = |xi: f64, y: f64| -> f64 {
        let t = (xi - y).abs() / r;
        match opts.utility {
            NashUtility::Linear => 1.0 - t,
            NashUtility::Quadratic => 1.0 - t * t,
        }
    };
    let dis: Vec<f64> = match &opts.disagreement {
        Disagreement::Zero => vec![0.0; x.len()],
        Disagreement::StatusQuo => {
            let s = sq.ok_or_else(|| ForecastError::Model {
                model: "nash",
                message: format!("issue `{}` has no status quo", case.issues[d].name),
            })?;
            x.iter().map(|&xi| u(xi, s)).collect()
        }
        Disagreement::Explicit(v) if v.len() == x.len() => v.clone(),
        Disagreement::Explicit(v) => {
            return Err(ForecastError::Model {
                model: "nash",
                message: format!("{} disagreement values for {} actors", v.len(), x.len()),
            });
        }
    };
    let n = opts.grid_points.max(2);
    let step = r / (n - 1) as f64;
    let mut best: Option<(f64, f64)> = None;
    for k in 0..n {
        let y = lo + k as f64 * step;
        let mut obj = 0.0;
        let mut feasible = true;
        for i in 0..x.len() {
            let gain = u(x[i], y) - dis[i];
            if w[i] == 0.0 {
                continue;
            }
            if gain <= 0.0 {
                feasible = false;
                break;
            }
            obj += w[i] * gain.ln();
        }
        if feasible && best.is_none_or(|(_, b)| obj > b) {
            best = Some((y, obj));
        }
    }
    best.map(|b| b.0).ok_or_else(|| ForecastError::Model {
        model: "nash",
        message: "no grid point gives every actor more than its disagreement utility".into(),
    })
}

/// All baselines of one dimension, as reported by the golden files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineSummary {
    /// Capability × salience weighted mean.
    pub cs_weighted_mean: f64,
    /// Capability weighted mean.
    pub c_weighted_mean: f64,
    /// Capability × salience weighted median, lower tie rule.
    pub cs_weighted_median_lower: f64,
    /// Capability weighted median, lower tie rule.
    pub c_weighted_median_lower: f64,
    /// Condorcet winner among the positions, capability × salience weights.
    pub cs_condorcet_winner_among_positions: f64,
    /// Unweighted median, lower tie rule.
    pub unweighted_median_lower: f64,
    /// Nash bargaining: capability × salience exponents, linear utilities, disagreement 0, grid search.
    pub nash_bargaining_cs_weights_linear_u_d0_grid: f64,
}

/// Computes every baseline on dimension `d`.
pub fn summary(case: &Case, d: usize) -> Result<BaselineSummary> {
    use Weighting::*;
    Ok(BaselineSummary {
        cs_weighted_mean: weighted_mean(case, d, CapabilitySalience)?,
        c_weighted_mean: weighted_mean(case, d, Capability)?,
        cs_weighted_median_lower: weighted_median(case, d, CapabilitySalience, MedianRule::Lower)?,
        c_weighted_median_lower: weighted_median(case, d, Capability, MedianRule::Lower)?,
        cs_condorcet_winner_among_positions: condorcet_winner(case, d, CapabilitySalience)?,
        unweighted_median_lower: weighted_median(case, d, Equal, MedianRule::Lower)?,
        nash_bargaining_cs_weights_linear_u_d0_grid: nash_bargaining(
            case,
            d,
            &NashOptions::default(),
        )?,
    })
}
