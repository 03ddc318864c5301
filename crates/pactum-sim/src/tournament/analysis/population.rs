//! Strategies in a population: each one's payoff against a mix of
//! opponents, its regret, and the discrete-time replicator dynamics.
//!
//! Rules:
//! * payoff against a mix x: fᵢ(x) = Σⱼ xⱼ Pᵢⱼ / Σⱼ xⱼ over the cells
//!   Pᵢⱼ the table has (without self-play the diagonal is empty, and i is
//!   scored against the rest of the population); with a full table this is
//!   (Px)ᵢ. When no opponent with a cell has a positive share, every cell
//!   the row has weighs the same;
//! * regret against x: maxⱼ fⱼ(x) − fᵢ(x) (what a player of i gives up by
//!   not switching to the best response to x; 0 for a best response);
//! * replicator dynamics: from the uniform mix, x′ᵢ = xᵢ(fᵢ(x) − c) /
//!   Σⱼ xⱼ(fⱼ(x) − c) with c = min(0, smallest cell) (so that every
//!   fitness is non-negative), until no share moves by more than the
//!   tolerance or the step limit; a population whose fitnesses are all zero
//!   stays where it is. No randomness: the same table gives the same path.

/// One strategy's payoff against the mix `x`, by `table`'s row `i`.
fn payoff_of(row: &[Option<f64>], x: &[f64]) -> f64 {
    let (mut s, mut w) = (0.0, 0.0);
    for (cell, &xj) in row.iter().zip(x) {
        if let Some(v) = cell {
            s += xj * v;
            w += xj;
        }
    }
    if w > 0.0 {
        return s / w;
    }
    let known: Vec<f64> = row.iter().flatten().copied().collect();
    known.iter().sum::<f64>() / known.len().max(1) as f64
}

/// Every strategy's payoff against the mix `x` (see the module's rules).
pub fn payoffs(table: &[Vec<Option<f64>>], x: &[f64]) -> Vec<f64> {
    table.iter().map(|row| payoff_of(row, x)).collect()
}

/// Every strategy's regret against the mix `x`.
pub fn regrets(table: &[Vec<Option<f64>>], x: &[f64]) -> Vec<f64> {
    let f = payoffs(table, x);
    let best = f.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    f.iter().map(|v| best - v).collect()
}

/// Where the replicator dynamics went.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// The final shares (summing to 1).
    pub shares: Vec<f64>,
    /// Steps taken.
    pub steps: usize,
    /// Whether the last step moved no share by more than the tolerance.
    pub converged: bool,
}

/// The replicator dynamics of `table` from the uniform mix, at most
/// `max_steps` steps, stopping when no share moves by more than
/// `tolerance`.
pub fn replicator(table: &[Vec<Option<f64>>], max_steps: usize, tolerance: f64) -> Path {
    let k = table.len();
    let c = table
        .iter()
        .flatten()
        .flatten()
        .copied()
        .fold(0.0, f64::min);
    let mut x = vec![1.0 / k as f64; k];
    for step in 1..=max_steps {
        let f = payoffs(table, &x);
        let weights: Vec<f64> = x.iter().zip(&f).map(|(xi, fi)| xi * (fi - c)).collect();
        let total: f64 = weights.iter().sum();
        if total.is_nan() || total <= 0.0 {
            return Path {
                shares: x,
                steps: step - 1,
                converged: true,
            };
        }
        let next: Vec<f64> = weights.iter().map(|w| w / total).collect();
        let moved = x
            .iter()
            .zip(&next)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        x = next;
        if moved <= tolerance {
            return Path {
                shares: x,
                steps: step,
                converged: true,
            };
        }
    }
    Path {
        shares: x,
        steps: max_steps,
        converged: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn full(p: &[&[f64]]) -> Vec<Vec<Option<f64>>> {
        p.iter()
            .map(|r| r.iter().map(|&v| Some(v)).collect())
            .collect()
    }

    #[test]
    fn payoffs_and_regret_by_hand() {
        let t = full(&[&[0.5, 0.8], &[0.3, 0.4]]);
        let u = [0.5, 0.5];
        assert_eq!(payoffs(&t, &u), [0.65, 0.35]);
        let r = regrets(&t, &u);
        assert_eq!(r[0], 0.0);
        assert!((r[1] - 0.3).abs() < 1e-15);
        // Without the diagonal, each is scored against the other.
        let t = vec![vec![None, Some(0.8)], vec![Some(0.3), None]];
        assert_eq!(payoffs(&t, &u), [0.8, 0.3]);
        // Against a mix with no share on the opponent: the row's own cells.
        assert_eq!(payoffs(&t, &[1.0, 0.0]), [0.8, 0.3]);
    }

    #[test]
    fn replicator_by_hand() {
        // One step: f = (0.65, 0.35) at the uniform mix, x′ = (0.65, 0.35).
        let t = full(&[&[0.5, 0.8], &[0.3, 0.4]]);
        let one = replicator(&t, 1, 0.0);
        assert!((one.shares[0] - 0.65).abs() < 1e-15 && !one.converged);
        // The dominant strategy takes over.
        let all = replicator(&t, 100_000, 1e-12);
        assert!(all.converged && all.shares[0] > 1.0 - 1e-9, "{all:?}");
        // Hawk–dove style coexistence: x* solves 0.2x + 0.9(1−x) = 0.5x + 0.4(1−x), x = 5/8.
        let t = full(&[&[0.2, 0.9], &[0.5, 0.4]]);
        let p = replicator(&t, 100_000, 1e-14);
        assert!(p.converged && (p.shares[0] - 0.625).abs() < 1e-9, "{p:?}");
        // Nothing to gain anywhere: the population stays uniform.
        let p = replicator(&full(&[&[0.0, 0.0], &[0.0, 0.0]]), 10, 1e-12);
        assert_eq!((p.shares, p.steps, p.converged), (vec![0.5, 0.5], 0, true));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, rng_seed: proptest::test_runner::RngSeed::Fixed(3), ..ProptestConfig::default() })]
        #[test]
        fn shares_stay_a_distribution(cells in prop::collection::vec(-1.0f64..1.0, 16), steps in 1usize..300) {
            let t: Vec<Vec<Option<f64>>> = cells.chunks(4).map(|r| r.iter().map(|&v| Some(v)).collect()).collect();
            let p = replicator(&t, steps, 0.0);
            let sum: f64 = p.shares.iter().sum();
            prop_assert!((sum - 1.0).abs() < 1e-12);
            prop_assert!(p.shares.iter().all(|&s| s >= 0.0));
            let r = regrets(&t, &p.shares);
            prop_assert!(r.iter().all(|&v| v >= 0.0) && r.contains(&0.0));
        }
    }
}
