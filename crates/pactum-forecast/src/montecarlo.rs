//! Monte Carlo sensitivity: how much does a forecast move when the inputs, which are expert
//! guesses, are a little different? Capabilities, positions and saliences are perturbed
//! uniformly within given ranges, the model is re-run per draw, and the spread of forecasts is
//! summarised by its median and 10th-90th percentiles.
//!
//! Draws run in parallel (rayon) but each draw has its own RNG derived from the seed and the
//! draw index, so the same seed gives identical output whatever the thread count. A draw keeps
//! only the point forecasts (no trajectories); progress is reported once per draw.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{ForecastError, Result};
use crate::model::Case;
use crate::progress::{Counter, Observer, Silent};
use crate::{ModelKind, Options, point_forecasts, run};

/// How one input is perturbed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Spread {
    /// Unchanged.
    None,
    /// Multiply by `1 + U(−f, f)`.
    Relative(f64),
    /// Add `U(−a, a)` (in input units).
    Absolute(f64),
    /// Add `U(−f·R, f·R)` with R the dimension's position range (positions only).
    ShareOfRange(f64),
    /// Per actor, draw uniformly from `[lo, hi]`.
    PerActor(Vec<(f64, f64)>),
}

/// Options of [`monte_carlo`]. Defaults: 200 draws, capabilities ±20%, positions ±5% of the
/// range, saliences ±10 points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McOptions {
    /// Number of perturbed runs.
    pub draws: usize,
    /// Seed of the draws (same seed, same result).
    pub seed: u64,
    /// Perturbation of capabilities.
    pub capability: Spread,
    /// Perturbation of positions.
    pub position: Spread,
    /// Perturbation of saliences.
    pub salience: Spread,
}

impl Default for McOptions {
    fn default() -> Self {
        Self {
            draws: 200,
            seed: 42,
            capability: Spread::Relative(0.2),
            position: Spread::ShareOfRange(0.05),
            salience: Spread::Absolute(10.0),
        }
    }
}

/// Summary for one dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McDimension {
    /// The dimension's name.
    pub dimension: String,
    /// Forecast on the unperturbed inputs.
    pub base: f64,
    /// Median of the draws' forecasts.
    pub median: f64,
    /// 10th percentile.
    pub p10: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Mean of the draws' forecasts.
    pub mean: f64,
    /// Forecast of every successful draw, in draw order.
    pub samples: Vec<f64>,
}

/// Result of [`monte_carlo`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McResult {
    /// The model's name.
    pub model: String,
    /// Draws made.
    pub draws: usize,
    /// Draws where the model returned an error (excluded from the summary).
    pub failures: usize,
    /// Summary per dimension.
    pub dimensions: Vec<McDimension>,
}

/// Percentile with linear interpolation between order statistics (`q` in [0, 1]).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

fn draw_rng(seed: u64, draw: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(draw as u64);
    rng
}

fn perturb(v: f64, spread: &Spread, actor: usize, range: f64, rng: &mut ChaCha8Rng) -> f64 {
    let u = |rng: &mut ChaCha8Rng, a: f64| {
        if a > 0.0 {
            rng.random_range(-a..=a)
        } else {
            0.0
        }
    };
    match spread {
        Spread::None => v,
        Spread::Relative(f) => v * (1.0 + u(rng, *f)),
        Spread::Absolute(a) => v + u(rng, *a),
        Spread::ShareOfRange(f) => v + u(rng, f * range),
        Spread::PerActor(r) => {
            let (lo, hi) = r[actor];
            if hi > lo {
                rng.random_range(lo..=hi)
            } else {
                lo
            }
        }
    }
}

/// One perturbed copy of `case`. Capabilities stay ≥ 0, saliences within 0-100 and positions
/// within the issue's scale (or the original range of positions when the issue has none).
pub fn perturbed_case(case: &Case, o: &McOptions, draw: usize) -> Case {
    let mut rng = draw_rng(o.seed, draw);
    let mut c = case.clone();
    let ranges: Vec<(f64, f64)> = (0..case.n_dims())
        .map(|d| match case.issues[d].scale {
            Some(s) => (s.lo.min(s.hi), s.hi.max(s.lo)),
            None => case.range(d),
        })
        .collect();
    for (i, a) in c.actors.iter_mut().enumerate() {
        a.capability = perturb(a.capability, &o.capability, i, 0.0, &mut rng).max(0.0);
        for (d, &(lo, hi)) in ranges.iter().enumerate() {
            a.positions[d] =
                perturb(a.positions[d], &o.position, i, hi - lo, &mut rng).clamp(lo, hi);
            a.saliences[d] =
                perturb(a.saliences[d], &o.salience, i, 0.0, &mut rng).clamp(0.0, 100.0);
        }
    }
    c
}

fn check_spread(s: &Spread, n: usize, what: &str) -> Result<()> {
    if let Spread::PerActor(r) = s
        && r.len() != n
    {
        return Err(ForecastError::Model {
            model: "montecarlo",
            message: format!("{what}: {} ranges for {n} actors", r.len()),
        });
    }
    Ok(())
}

/// Most draws one [`monte_carlo`] run makes: every draw's forecast is kept (for the
/// percentiles and the samples returned), so memory grows with the draws; a million draws
/// hold a few tens of megabytes, and percentiles settle long before.
pub const MAX_DRAWS: usize = 1_000_000;

/// Runs `model` on `o.draws` perturbed copies of `case` and summarises the forecasts.
/// More than [`MAX_DRAWS`] draws are refused before any is made.
pub fn monte_carlo(
    model: ModelKind,
    case: &Case,
    opts: &Options,
    o: &McOptions,
) -> Result<McResult> {
    monte_carlo_observed(model, case, opts, o, &Silent)
}

/// [`monte_carlo`], telling `observer` each time a draw is done.
pub fn monte_carlo_observed(
    model: ModelKind,
    case: &Case,
    opts: &Options,
    o: &McOptions,
    observer: &dyn Observer,
) -> Result<McResult> {
    let counter = Counter::new(o.draws, observer);
    monte_carlo_counted(model, case, opts, o, &counter)
}

/// [`monte_carlo`], ticking `counter` once per draw.
pub(crate) fn monte_carlo_counted(
    model: ModelKind,
    case: &Case,
    opts: &Options,
    o: &McOptions,
    counter: &Counter,
) -> Result<McResult> {
    if o.draws > MAX_DRAWS {
        return Err(ForecastError::TooManyDraws {
            draws: o.draws,
            limit: MAX_DRAWS,
        });
    }
    case.validate()?;
    let n = case.actors.len();
    check_spread(&o.capability, n, "capability")?;
    check_spread(&o.position, n, "position")?;
    check_spread(&o.salience, n, "salience")?;
    let base = run(model, case, opts)?;
    let results: Vec<Option<Vec<f64>>> = (0..o.draws)
        .into_par_iter()
        .map(|k| {
            let c = perturbed_case(case, o, k);
            let forecast = point_forecasts(model, &c, opts).ok();
            counter.tick();
            forecast
        })
        .collect();
    let failures = results.iter().filter(|r| r.is_none()).count();
    let ok: Vec<&Vec<f64>> = results.iter().flatten().collect();
    let dimensions = base
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, bd)| {
            let samples: Vec<f64> = ok.iter().map(|v| v[d]).collect();
            let mut sorted = samples.clone();
            sorted.sort_by(f64::total_cmp);
            let mean = if samples.is_empty() {
                f64::NAN
            } else {
                samples.iter().sum::<f64>() / samples.len() as f64
            };
            McDimension {
                dimension: bd.dimension.clone(),
                base: bd.forecast,
                median: percentile(&sorted, 0.5),
                p10: percentile(&sorted, 0.1),
                p90: percentile(&sorted, 0.9),
                mean,
                samples,
            }
        })
        .collect();
    Ok(McResult {
        model: model.name().to_string(),
        draws: o.draws,
        failures,
        dimensions,
    })
}
