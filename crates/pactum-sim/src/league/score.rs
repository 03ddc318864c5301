//! The league's scores of one negotiation for one side, pure functions.
//!
//! * **advantage** (ANL 2024): (u − r) / (u_max − r), u the side's utility
//!   of the agreement, r its reservation value, u_max its best utility; 0
//!   without agreement (the side keeps r) and 0 when u_max = r;
//! * **Kendall τ-b** between two rankings of the same outcomes (ties
//!   corrected); `None` when either ranking puts every outcome level;
//! * **concealment** (Pactum's reading of ANL 2026): how badly the
//!   opponent's model ranks the side's outcomes, (1 − τ) / 2 in [0, 1],
//!   τ between the opponent model's estimates and the side's true
//!   utilities: 0 when the model ranks them exactly, 1 when exactly
//!   backwards. An opponent without a model, or whose model ranks every
//!   outcome level, learnt nothing: concealment 1 (NegMAS scores such a
//!   model at the bottom of its Kendall scale, as here);
//! * the **ANL 2026 score** (Pactum's reading): advantage + concealment.

/// ANL's advantage; see the module's rules.
pub fn advantage(agreement: bool, utility: f64, reservation: f64, best: f64) -> f64 {
    if !agreement || best <= reservation {
        return 0.0;
    }
    (utility - reservation) / (best - reservation)
}

/// Kendall's τ-b of paired observations `x`, `y` (same length); `None`
/// with fewer than two pairs or when either side is constant.
pub fn kendall_tau_b(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    let (mut concordant, mut discordant) = (0i64, 0i64);
    let (mut tied_x, mut tied_y) = (0i64, 0i64);
    for i in 0..n {
        for j in i + 1..n {
            let dx = x[i].total_cmp(&x[j]) as i64;
            let dy = y[i].total_cmp(&y[j]) as i64;
            match (dx, dy) {
                (0, 0) => {
                    tied_x += 1;
                    tied_y += 1;
                }
                (0, _) => tied_x += 1,
                (_, 0) => tied_y += 1,
                _ if dx == dy => concordant += 1,
                _ => discordant += 1,
            }
        }
    }
    let pairs = (n as i64) * (n as i64 - 1) / 2;
    let denominator = (((pairs - tied_x) as f64) * ((pairs - tied_y) as f64)).sqrt();
    (denominator > 0.0).then(|| (concordant - discordant) as f64 / denominator)
}

/// Concealment from τ (`None`: no model, or a level one): (1 − τ) / 2,
/// and 1 for `None`.
pub fn concealment(tau: Option<f64>) -> f64 {
    tau.map_or(1.0, |t| ((1.0 - t) / 2.0).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn advantage_is_zero_without_agreement() {
        assert_eq!(advantage(false, 0.9, 0.3, 1.0), 0.0);
        assert_eq!(advantage(true, 0.3, 0.3, 1.0), 0.0);
        assert!((advantage(true, 0.65, 0.3, 1.0) - 0.5).abs() < 1e-12);
        assert_eq!(advantage(true, 1.0, 1.0, 1.0), 0.0);
    }

    #[test]
    fn tau_by_hand() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(kendall_tau_b(&x, &x), Some(1.0));
        assert_eq!(kendall_tau_b(&x, &[4.0, 3.0, 2.0, 1.0]), Some(-1.0));
        assert_eq!(kendall_tau_b(&x, &[1.0, 1.0, 1.0, 1.0]), None);
        // 1 discordant pair of 6: (5 − 1) / 6.
        let t = kendall_tau_b(&x, &[1.0, 2.0, 4.0, 3.0]).unwrap();
        assert!((t - 4.0 / 6.0).abs() < 1e-12);
        // With ties: x = 1,1,2; y = 1,2,3. Pairs: (0,1) tied in x,
        // (0,2) and (1,2) concordant; τ-b = 2 / √(2·3).
        let t = kendall_tau_b(&[1.0, 1.0, 2.0], &[1.0, 2.0, 3.0]).unwrap();
        assert!((t - 2.0 / 6f64.sqrt()).abs() < 1e-12);
    }

    /// Against a slow oracle: τ-b from the sign products of every pair.
    #[test]
    fn tau_matches_the_definition_on_random_data() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for _ in 0..50 {
            let n = rng.random_range(2..30usize);
            let x: Vec<f64> = (0..n).map(|_| rng.random_range(0..5u8) as f64).collect();
            let y: Vec<f64> = (0..n).map(|_| rng.random_range(0..5u8) as f64).collect();
            let sign = |a: f64, b: f64| (a - b).signum() * f64::from(u8::from(a != b));
            let (mut s, mut sx, mut sy) = (0.0, 0.0, 0.0);
            for i in 0..n {
                for j in 0..n {
                    let (a, b) = (sign(x[i], x[j]), sign(y[i], y[j]));
                    s += a * b;
                    sx += a * a;
                    sy += b * b;
                }
            }
            let oracle = (sx > 0.0 && sy > 0.0).then(|| s / (sx * sy).sqrt());
            match (kendall_tau_b(&x, &y), oracle) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-12),
                (a, b) => assert_eq!(a, b),
            }
        }
    }

    #[test]
    fn concealment_scale() {
        assert_eq!(concealment(Some(1.0)), 0.0);
        assert_eq!(concealment(Some(-1.0)), 1.0);
        assert_eq!(concealment(Some(0.0)), 0.5);
        assert_eq!(concealment(None), 1.0);
    }
}
