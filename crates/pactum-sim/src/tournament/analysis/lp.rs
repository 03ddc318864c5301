//! A small dense linear-programming solver: maximise cᵀx subject to
//! Ax = b, x ≥ 0 (b ≥ 0), by the two-phase simplex method with Bland's
//! rule (so it always terminates). Rules: values within [`TOL`] of zero
//! count as zero; an infeasible or unbounded problem gives `None`, never a
//! panic. Sized for payoff tables (tens of variables), not for large
//! problems.

/// Entries and reduced costs within this of zero count as zero.
pub const TOL: f64 = 1e-11;
/// Pivots before giving up (Bland's rule terminates long before).
const MAX_PIVOTS: usize = 100_000;

struct Tableau {
    /// m constraint rows then the objective row; columns: the n variables,
    /// the m artificial ones, the right-hand side.
    t: Vec<Vec<f64>>,
    basis: Vec<usize>,
    n: usize,
}

impl Tableau {
    fn rhs(&self) -> usize {
        self.t[0].len() - 1
    }

    fn pivot(&mut self, row: usize, col: usize) {
        let p = self.t[row][col];
        for v in &mut self.t[row] {
            *v /= p;
        }
        let pivot_row = self.t[row].clone();
        for (i, r) in self.t.iter_mut().enumerate() {
            if i == row {
                continue;
            }
            let f = r[col];
            if f != 0.0 {
                for (v, pv) in r.iter_mut().zip(&pivot_row) {
                    *v -= f * pv;
                }
            }
        }
        self.basis[row] = col;
    }

    /// Runs the simplex on the objective row over columns `0..cols`;
    /// false when unbounded (or out of pivots).
    fn optimise(&mut self, cols: usize) -> bool {
        let m = self.basis.len();
        let rhs = self.rhs();
        for _ in 0..MAX_PIVOTS {
            let Some(col) = (0..cols).find(|&j| self.t[m][j] > TOL) else {
                return true;
            };
            let mut best: Option<(usize, f64)> = None;
            for i in 0..m {
                let a = self.t[i][col];
                if a > TOL {
                    let ratio = self.t[i][rhs] / a;
                    let better = match best {
                        None => true,
                        Some((k, r)) => {
                            ratio < r - TOL || (ratio <= r + TOL && self.basis[i] < self.basis[k])
                        }
                    };
                    if better {
                        best = Some((i, ratio));
                    }
                }
            }
            let Some((row, _)) = best else {
                return false;
            };
            self.pivot(row, col);
        }
        false
    }

    /// Sets the objective row to the reduced costs of `c` (over the first
    /// `c.len()` columns) for the current basis.
    fn set_objective(&mut self, c: &[f64]) {
        let m = self.basis.len();
        let width = self.t[0].len();
        let mut obj = vec![0.0; width];
        obj[..c.len()].copy_from_slice(c);
        for i in 0..m {
            let cb = c.get(self.basis[i]).copied().unwrap_or(0.0);
            if cb != 0.0 {
                for (o, v) in obj.iter_mut().zip(&self.t[i]) {
                    *o -= cb * v;
                }
            }
        }
        self.t[m] = obj;
    }

    fn solution(&self) -> Vec<f64> {
        let rhs = self.rhs();
        let mut x = vec![0.0; self.n];
        for (i, &b) in self.basis.iter().enumerate() {
            if b < self.n {
                x[b] = self.t[i][rhs];
            }
        }
        x
    }
}

/// A maximiser of `c`ᵀx over {x ≥ 0 : `a`x = `b`} (every b ≥ 0, every row
/// of `a` as long as `c`), or `None` when there is none.
pub fn maximise(a: &[Vec<f64>], b: &[f64], c: &[f64]) -> Option<Vec<f64>> {
    let m = a.len();
    let n = c.len();
    if b.len() != m || a.iter().any(|r| r.len() != n) || b.iter().any(|&v| v.is_nan() || v < 0.0) {
        return None;
    }
    let mut t = Vec::with_capacity(m + 1);
    for (i, row) in a.iter().enumerate() {
        let mut r = row.clone();
        r.extend((0..m).map(|k| if k == i { 1.0 } else { 0.0 }));
        r.push(b[i]);
        t.push(r);
    }
    t.push(vec![0.0; n + m + 1]);
    let mut tab = Tableau {
        t,
        basis: (n..n + m).collect(),
        n,
    };
    // Phase 1: maximise −Σ artificial variables.
    let mut phase1 = vec![0.0; n + m];
    for v in &mut phase1[n..] {
        *v = -1.0;
    }
    tab.set_objective(&phase1);
    if !tab.optimise(n + m) {
        return None;
    }
    let rhs = tab.rhs();
    let infeasibility: f64 = (0..m)
        .filter(|&i| tab.basis[i] >= n)
        .map(|i| tab.t[i][rhs])
        .sum();
    if infeasibility > 1e-9 {
        return None;
    }
    // Drive artificial variables out of the basis where a real one can
    // take their place (a row with none is redundant and stays at zero).
    for i in 0..m {
        if tab.basis[i] >= n
            && let Some(col) = (0..n).find(|&j| tab.t[i][j].abs() > 1e-9)
        {
            tab.pivot(i, col);
        }
    }
    // Phase 2: the real objective, artificial columns never entering.
    tab.set_objective(c);
    if !tab.optimise(n) {
        return None;
    }
    Some(tab.solution())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_problem() {
        // max 3x + 2y, x + y + s = 4, x + 3y + t = 6, x ≤ 3 (x + u = 3):
        // optimum x = 3, y = 1, value 11.
        let a = vec![
            vec![1.0, 1.0, 1.0, 0.0, 0.0],
            vec![1.0, 3.0, 0.0, 1.0, 0.0],
            vec![1.0, 0.0, 0.0, 0.0, 1.0],
        ];
        let x = maximise(&a, &[4.0, 6.0, 3.0], &[3.0, 2.0, 0.0, 0.0, 0.0]).unwrap();
        assert!(
            (x[0] - 3.0).abs() < 1e-12 && (x[1] - 1.0).abs() < 1e-12,
            "{x:?}"
        );
    }

    #[test]
    fn infeasible_unbounded_and_redundant() {
        // x + y = 1 and x + y = 2: infeasible.
        let a = vec![vec![1.0, 1.0], vec![1.0, 1.0]];
        assert_eq!(maximise(&a, &[1.0, 2.0], &[1.0, 0.0]), None);
        // x − y = 0, maximise x: unbounded.
        assert_eq!(maximise(&[vec![1.0, -1.0]], &[0.0], &[1.0, 0.0]), None);
        // The same row twice: redundant, still solved.
        let x = maximise(&a, &[1.0, 1.0], &[0.0, 1.0]).unwrap();
        assert!((x[1] - 1.0).abs() < 1e-12);
    }
}
