//! The concealment measure of `anl2026`: how well one side's opponent
//! model ranks the other side's outcomes. Rules: τ is Kendall's τ-b
//! ([`score::kendall_tau_b`]) between the model's estimates and the true
//! utilities, over every outcome, or a sample of [`TAU_SAMPLE`] drawn with
//! replacement from a seed where there are more; a model that fails, gives
//! the wrong number of estimates or a utility that is not finite is an
//! error, never a score.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::score;
use super::watch::Handle;
use crate::error::ModelError;
use crate::prefs::Prepared;
use crate::space::OutcomeId;

/// Outcomes at most over which τ is computed (a seeded sample beyond).
pub const TAU_SAMPLE: usize = 2000;

/// The outcomes τ is computed over: all of them, or a seeded sample of
/// [`TAU_SAMPLE`] (drawn with replacement) where there are more.
pub(super) fn sample(p: &Prepared, seed: u64) -> Vec<OutcomeId> {
    let n = p.space.len();
    if n <= TAU_SAMPLE {
        return (0..n as OutcomeId).collect();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..TAU_SAMPLE)
        .map(|_| rng.random_range(0..n as OutcomeId))
        .collect()
}

/// τ between `model`'s estimates and seat `side`'s utilities over
/// `outcomes`; `None` without a model; the model's error if it failed.
pub(super) fn model_tau(
    model: &Handle,
    p: &Prepared,
    side: usize,
    outcomes: &[OutcomeId],
) -> Result<Option<f64>, ModelError> {
    let m = model.lock().unwrap_or_else(|e| e.into_inner());
    let Some(estimate) = m.opponent_utilities(outcomes)? else {
        return Ok(None);
    };
    if estimate.len() != outcomes.len() {
        return Err(ModelError(format!(
            "{} estimates for {} outcomes",
            estimate.len(),
            outcomes.len()
        )));
    }
    if let Some(bad) = estimate.iter().find(|u| !u.is_finite()) {
        return Err(ModelError(format!("estimated a utility of {bad}")));
    }
    let truth: Vec<f64> = outcomes.iter().map(|&o| p.prefs[side].utility(o)).collect();
    Ok(score::kendall_tau_b(&estimate, &truth))
}
