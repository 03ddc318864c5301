//! Nash averaging (Balduzzi et al., 2018): the maximum-entropy Nash
//! equilibrium of the symmetric zero-sum game whose payoff matrix is an
//! antisymmetric A (Aᵀ = −A), and each strategy's skill A·p against it.
//!
//! The game's value is 0, and its equilibria (p, p) are the mixes of the
//! polytope S = {p ≥ 0, Σp = 1, Ap ≤ 0}; entropy is strictly concave, so
//! the maximum-entropy one is unique. It is found exactly up to a stated
//! tolerance:
//!
//! 1. linear programs (the simplex of [`super::lp`]) find which
//!    strategies some equilibrium plays (max pᵢ over S > [`SUPPORT_TOL`])
//!    and which constraints (Ap)ⱼ ≤ 0 hold with equality on all of S; the
//!    mean of their optima is a point of S strictly inside every other
//!    constraint;
//! 2. on the affine set those equalities leave, a log-barrier Newton method
//!    maximises the entropy, the barrier weight shrinking tenfold until the
//!    duality gap bound (constraints/t) is below [`GAP`].
//!
//! Skills are A·p: 0 for every strategy the equilibrium plays, negative for
//! the others. Rules: the input is square, finite and antisymmetric (the
//! caller builds it as P − Pᵀ); the result's mix sums to 1.

use super::lp;

/// A strategy whose largest share over the equilibria is at most this is
/// played by none; a constraint slack at most this over S is an equality.
pub const SUPPORT_TOL: f64 = 1e-9;
/// The barrier method stops when constraints/t is below this: the entropy
/// is then within it of its maximum.
pub const GAP: f64 = 1e-12;

/// The maximum-entropy equilibrium and the skills.
#[derive(Debug, Clone, PartialEq)]
pub struct Averaging {
    /// The equilibrium mix, one share per strategy (summing to 1).
    pub mix: Vec<f64>,
    /// A·mix: each strategy's payoff against the mix.
    pub skill: Vec<f64>,
}

/// Nash averaging of the antisymmetric `a` (k × k, k ≥ 1).
pub fn nash_averaging(a: &[Vec<f64>]) -> Averaging {
    let k = a.len();
    // Variables: p (k), slacks s (k) with (Ap)_j + s_j = 0; Σp = 1.
    let mut rows: Vec<Vec<f64>> = (0..k)
        .map(|j| {
            let mut r = a[j].clone();
            r.extend((0..k).map(|i| if i == j { 1.0 } else { 0.0 }));
            r
        })
        .collect();
    let mut sum = vec![1.0; k];
    sum.extend(vec![0.0; k]);
    rows.push(sum);
    let mut b = vec![0.0; k];
    b.push(1.0);
    let mut witnesses: Vec<Vec<f64>> = Vec::new();
    let mut support = vec![false; k];
    let mut equality = vec![true; k];
    for v in 0..2 * k {
        let mut c = vec![0.0; 2 * k];
        c[v] = 1.0;
        let Some(x) = lp::maximise(&rows, &b, &c) else {
            continue;
        };
        if v < k {
            support[v] = x[v] > SUPPORT_TOL;
        } else {
            equality[v - k] = x[v] <= SUPPORT_TOL;
        }
        witnesses.push(x[..k].to_vec());
    }
    if witnesses.is_empty() {
        // Not reached for an antisymmetric matrix (S is never empty).
        let uniform = vec![1.0 / k as f64; k];
        return finish(a, uniform);
    }
    let mut p0 = vec![0.0; k];
    for w in &witnesses {
        for (p, x) in p0.iter_mut().zip(w) {
            *p += x.max(0.0) / witnesses.len() as f64;
        }
    }
    let t: Vec<usize> = (0..k).filter(|&i| support[i]).collect();
    if t.len() <= 1 {
        let mut mix = vec![0.0; k];
        match t.first() {
            Some(&i) => mix[i] = 1.0,
            None => mix = p0,
        }
        return finish(a, mix);
    }
    // Equalities on the support: Σp = 1 and (Ap)_j = 0 for j in `equality`.
    let mut eq: Vec<Vec<f64>> = vec![vec![1.0; t.len()]];
    for j in (0..k).filter(|&j| equality[j]) {
        eq.push(t.iter().map(|&i| a[j][i]).collect());
    }
    let basis = null_space(&eq, t.len());
    let start: Vec<f64> = t.iter().map(|&i| p0[i]).collect();
    let inequalities: Vec<Vec<f64>> = (0..k)
        .filter(|&j| !equality[j])
        .map(|j| t.iter().map(|&i| a[j][i]).collect())
        .collect();
    let best = if basis.is_empty() {
        start
    } else {
        max_entropy(&start, &basis, &inequalities)
    };
    let mut mix = vec![0.0; k];
    for (&i, &p) in t.iter().zip(&best) {
        mix[i] = p.max(0.0);
    }
    finish(a, mix)
}

/// Normalises `mix` and computes the skills.
fn finish(a: &[Vec<f64>], mut mix: Vec<f64>) -> Averaging {
    let total: f64 = mix.iter().sum();
    for p in &mut mix {
        *p /= total;
    }
    let skill = a
        .iter()
        .map(|row| row.iter().zip(&mix).map(|(x, p)| x * p).sum())
        .collect();
    Averaging { mix, skill }
}

/// A basis (as vectors of length `n`) of the null space of `m`, by
/// reduced row echelon form with partial pivoting.
fn null_space(m: &[Vec<f64>], n: usize) -> Vec<Vec<f64>> {
    let mut r: Vec<Vec<f64>> = m.to_vec();
    let mut pivots: Vec<usize> = Vec::new();
    let mut row = 0;
    for col in 0..n {
        if row == r.len() {
            break;
        }
        let (best, value) = (row..r.len())
            .map(|i| (i, r[i][col].abs()))
            .fold((row, -1.0), |acc, x| if x.1 > acc.1 { x } else { acc });
        if value <= SUPPORT_TOL {
            continue;
        }
        r.swap(row, best);
        let p = r[row][col];
        for v in &mut r[row] {
            *v /= p;
        }
        let pivot_row = r[row].clone();
        for (i, other) in r.iter_mut().enumerate() {
            if i != row {
                let f = other[col];
                for (v, pv) in other.iter_mut().zip(&pivot_row) {
                    *v -= f * pv;
                }
            }
        }
        pivots.push(col);
        row += 1;
    }
    (0..n)
        .filter(|c| !pivots.contains(c))
        .map(|free| {
            let mut v = vec![0.0; n];
            v[free] = 1.0;
            for (i, &pc) in pivots.iter().enumerate() {
                v[pc] = -r[i][free];
            }
            v
        })
        .collect()
}

/// Solves the symmetric positive definite `h` x = `g` (Gaussian
/// elimination with partial pivoting).
fn solve(mut h: Vec<Vec<f64>>, mut g: Vec<f64>) -> Vec<f64> {
    let n = g.len();
    for col in 0..n {
        let best = (col..n)
            .max_by(|&i, &j| h[i][col].abs().total_cmp(&h[j][col].abs()))
            .unwrap_or(col);
        h.swap(col, best);
        g.swap(col, best);
        let p = h[col][col];
        if p.abs() < 1e-300 {
            continue;
        }
        for i in col + 1..n {
            let f = h[i][col] / p;
            if f != 0.0 {
                let pivot_row = h[col].clone();
                for (v, pv) in h[i].iter_mut().zip(&pivot_row).skip(col) {
                    *v -= f * pv;
                }
                g[i] -= f * g[col];
            }
        }
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|j| h[i][j] * x[j]).sum();
        x[i] = if h[i][i].abs() < 1e-300 {
            0.0
        } else {
            (g[i] - s) / h[i][i]
        };
    }
    x
}

/// Maximises the entropy of p = `start` + Σ zᵢ `basis`ᵢ over p > 0 and
/// c·p < 0 for every c of `inequalities` (`start` strictly inside).
fn max_entropy(start: &[f64], basis: &[Vec<f64>], inequalities: &[Vec<f64>]) -> Vec<f64> {
    let n = start.len();
    let d = basis.len();
    let point = |z: &[f64]| -> Vec<f64> {
        (0..n)
            .map(|i| start[i] + basis.iter().zip(z).map(|(b, zk)| b[i] * zk).sum::<f64>())
            .collect()
    };
    let slacks = |p: &[f64]| -> Vec<f64> {
        inequalities
            .iter()
            .map(|c| -c.iter().zip(p).map(|(x, y)| x * y).sum::<f64>())
            .collect()
    };
    // The barrier objective t·Σ p ln p − Σ ln p − Σ ln g (∞ outside).
    let objective = |t: f64, p: &[f64]| -> f64 {
        let g = slacks(p);
        if p.iter().any(|&x| x <= 0.0) || g.iter().any(|&x| x <= 0.0) {
            return f64::INFINITY;
        }
        t * p.iter().map(|x| x * x.ln()).sum::<f64>()
            - p.iter().map(|x| x.ln()).sum::<f64>()
            - g.iter().map(|x| x.ln()).sum::<f64>()
    };
    let constraints = (n + inequalities.len()) as f64;
    let mut z = vec![0.0; d];
    let mut t = 1.0;
    loop {
        for _ in 0..200 {
            let p = point(&z);
            let g = slacks(&p);
            // Gradient and Hessian in p.
            let mut grad: Vec<f64> = p.iter().map(|&x| t * (x.ln() + 1.0) - 1.0 / x).collect();
            let mut hess = vec![vec![0.0; n]; n];
            for i in 0..n {
                hess[i][i] = t / p[i] + 1.0 / (p[i] * p[i]);
            }
            for (c, &gj) in inequalities.iter().zip(&g) {
                for i in 0..n {
                    grad[i] += c[i] / gj;
                    for l in 0..n {
                        hess[i][l] += c[i] * c[l] / (gj * gj);
                    }
                }
            }
            // Projected onto the basis.
            let gz: Vec<f64> = basis
                .iter()
                .map(|b| b.iter().zip(&grad).map(|(x, y)| x * y).sum())
                .collect();
            let hz: Vec<Vec<f64>> = basis
                .iter()
                .map(|bu| {
                    basis
                        .iter()
                        .map(|bv| {
                            (0..n)
                                .map(|i| bu[i] * (0..n).map(|l| hess[i][l] * bv[l]).sum::<f64>())
                                .sum()
                        })
                        .collect()
                })
                .collect();
            let step = solve(hz, gz.clone());
            let decrement: f64 = gz.iter().zip(&step).map(|(x, y)| x * y).sum();
            if decrement.is_nan() || decrement <= 2e-14 {
                break;
            }
            let f0 = objective(t, &p);
            let mut s = 1.0;
            let mut moved = false;
            for _ in 0..60 {
                let trial: Vec<f64> = z.iter().zip(&step).map(|(a, b)| a - s * b).collect();
                if objective(t, &point(&trial)) <= f0 - 0.25 * s * decrement {
                    z = trial;
                    moved = true;
                    break;
                }
                s *= 0.5;
            }
            if !moved {
                break;
            }
        }
        if constraints / t < GAP {
            break;
        }
        t *= 10.0;
    }
    point(&z)
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)] // index loops read as the matrices they build
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: &[f64], b: &[f64], tol: f64) {
        assert!(
            a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tol),
            "{a:?} vs {b:?}"
        );
    }

    #[test]
    fn rock_paper_scissors_is_uniform() {
        let a = vec![
            vec![0.0, -1.0, 1.0],
            vec![1.0, 0.0, -1.0],
            vec![-1.0, 1.0, 0.0],
        ];
        let r = nash_averaging(&a);
        close(&r.mix, &[1.0 / 3.0; 3], 1e-9);
        close(&r.skill, &[0.0; 3], 1e-9);
    }

    #[test]
    fn a_dominant_strategy_takes_everything() {
        // 0 beats 1 and 2; 1 beats 2.
        let a = vec![
            vec![0.0, 0.2, 0.5],
            vec![-0.2, 0.0, 0.1],
            vec![-0.5, -0.1, 0.0],
        ];
        let r = nash_averaging(&a);
        close(&r.mix, &[1.0, 0.0, 0.0], 1e-12);
        close(&r.skill, &[0.0, -0.2, -0.5], 1e-12);
    }

    #[test]
    fn copies_share_equally() {
        // 0 and 1 are copies beating 2: every mix of 0 and 1 is an
        // equilibrium, the one of maximum entropy halves.
        let a = vec![
            vec![0.0, 0.0, 0.3],
            vec![0.0, 0.0, 0.3],
            vec![-0.3, -0.3, 0.0],
        ];
        let r = nash_averaging(&a);
        close(&r.mix, &[0.5, 0.5, 0.0], 1e-9);
        close(&r.skill, &[0.0, 0.0, -0.3], 1e-9);
        // Two copies of rock among rock, paper, scissors: rock's third is
        // split between its copies.
        let a = vec![
            vec![0.0, 0.0, -1.0, 1.0],
            vec![0.0, 0.0, -1.0, 1.0],
            vec![1.0, 1.0, 0.0, -1.0],
            vec![-1.0, -1.0, 1.0, 0.0],
        ];
        let r = nash_averaging(&a);
        close(&r.mix, &[1.0 / 6.0, 1.0 / 6.0, 1.0 / 3.0, 1.0 / 3.0], 1e-8);
        // All zero: every mix is an equilibrium; the uniform has most entropy.
        let r = nash_averaging(&[vec![0.0; 4], vec![0.0; 4], vec![0.0; 4], vec![0.0; 4]]);
        close(&r.mix, &[0.25; 4], 1e-9);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, rng_seed: proptest::test_runner::RngSeed::Fixed(7), ..ProptestConfig::default() })]
        #[test]
        fn an_equilibrium_of_most_entropy(
            cells in prop::collection::vec(-1.0f64..1.0, 15),
            k in 2usize..6,
            copy in any::<bool>(),
        ) {
            // A random antisymmetric matrix, optionally with strategy 0
            // copied as the last one.
            let mut a = vec![vec![0.0; k]; k];
            let mut it = cells.iter();
            for i in 0..k {
                for j in i + 1..k {
                    let x = *it.next().unwrap();
                    a[i][j] = x;
                    a[j][i] = -x;
                }
            }
            if copy {
                for i in 0..k {
                    a[k - 1][i] = a[0][i];
                    a[i][k - 1] = -a[0][i];
                }
                a[k - 1][k - 1] = 0.0;
                a[0][k - 1] = 0.0;
                a[k - 1][0] = 0.0;
            }
            let r = nash_averaging(&a);
            let sum: f64 = r.mix.iter().sum();
            prop_assert!((sum - 1.0).abs() < 1e-12);
            // An equilibrium: no strategy gains against the mix.
            for s in &r.skill {
                prop_assert!(*s <= 1e-8, "{:?}", r);
            }
            // The copies share equally (a mix moving share between them
            // has the same payoffs, so the entropy decides).
            if copy && k > 2 {
                prop_assert!((r.mix[0] - r.mix[k - 1]).abs() < 1e-6, "{:?}", r);
                // Invariance to copies: without the copy, strategy 0 holds
                // what the two hold together, and the others' skills stay.
                let reduced: Vec<Vec<f64>> = a[..k - 1].iter().map(|row| row[..k - 1].to_vec()).collect();
                let s = nash_averaging(&reduced);
                prop_assert!((s.mix[0] - r.mix[0] - r.mix[k - 1]).abs() < 1e-6, "{:?} {:?}", r, s);
                for i in 1..k - 1 {
                    prop_assert!((s.mix[i] - r.mix[i]).abs() < 1e-6, "{:?} {:?}", r, s);
                    prop_assert!((s.skill[i] - r.skill[i]).abs() < 1e-6, "{:?} {:?}", r, s);
                }
            }
            // Local optimality: moving share between two played strategies
            // along a direction keeping the equilibrium never raises the
            // entropy (checked against the uniform mix of the support when
            // it is an equilibrium too).
            let support: Vec<usize> = (0..k).filter(|&i| r.mix[i] > 1e-9).collect();
            let uniform: Vec<f64> = (0..k)
                .map(|i| if support.contains(&i) { 1.0 / support.len() as f64 } else { 0.0 })
                .collect();
            let is_equilibrium = a.iter().all(|row| row.iter().zip(&uniform).map(|(x, p)| x * p).sum::<f64>() <= 1e-12);
            if is_equilibrium {
                for i in &support {
                    prop_assert!((r.mix[*i] - uniform[*i]).abs() < 1e-6, "{:?}", r);
                }
            }
        }
    }
}
