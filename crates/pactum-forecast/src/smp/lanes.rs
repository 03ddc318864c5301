//! Several independent values computed side by side: the arithmetic of a vote or of a
//! challenge written once over [`Real`], run on one `f64` or on a [`Lanes`] pack of them.
//!
//! Rules: every operation on a [`Lanes`] pack is the IEEE operation on each lane by itself —
//! no lane sees another, nothing is fused (no multiply-add) and nothing is reordered — so code
//! written over [`Real`] gives, lane by lane, the bits it gives on plain `f64`. Whether the
//! compiler turns a lane-wise operation into one vector instruction changes only the speed.
//! [`Width`] is what the processor offers, detected once at run time (AVX2 or not); the callers run a copy of their loop compiled for it (FMA is never enabled).

use std::ops::{Add, Div, Mul, Neg, Sub};
use std::sync::OnceLock;

/// A number, or a pack of numbers, with the operations the SMP's votes and utilities use.
pub(super) trait Real:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    /// How many values a pack holds.
    const LANES: usize;
    /// Every lane set to `x`.
    fn splat(x: f64) -> Self;
    /// The first [`Real::LANES`] values of `s`.
    fn load(s: &[f64]) -> Self;
    /// Writes the lanes into the first [`Real::LANES`] places of `s`.
    fn store(self, s: &mut [f64]);
    /// `f64::max(x, 0.0)` of each lane.
    fn max0(self) -> Self;
    /// `f64::abs` of each lane.
    fn abs(self) -> Self;
    /// `f64::clamp(x, -1.0, 1.0)` of each lane.
    fn clamp1(self) -> Self;
    /// For each lane, `yes` where the lane is at most `bound`, else `no`.
    fn le_select(self, bound: f64, yes: Self, no: Self) -> Self;
    /// For each lane, `yes` where the lane is below `bound`, else `no`.
    fn lt_select(self, bound: f64, yes: Self, no: Self) -> Self;
}

impl Real for f64 {
    const LANES: usize = 1;
    #[inline(always)]
    fn splat(x: f64) -> Self {
        x
    }
    #[inline(always)]
    fn load(s: &[f64]) -> Self {
        s[0]
    }
    #[inline(always)]
    fn store(self, s: &mut [f64]) {
        s[0] = self;
    }
    #[inline(always)]
    fn max0(self) -> Self {
        self.max(0.0)
    }
    #[inline(always)]
    fn abs(self) -> Self {
        f64::abs(self)
    }
    #[inline(always)]
    fn clamp1(self) -> Self {
        self.clamp(-1.0, 1.0)
    }
    #[inline(always)]
    fn le_select(self, bound: f64, yes: Self, no: Self) -> Self {
        if self <= bound { yes } else { no }
    }
    #[inline(always)]
    fn lt_select(self, bound: f64, yes: Self, no: Self) -> Self {
        if self < bound { yes } else { no }
    }
}

/// `N` values side by side; each operation applies to each lane by itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Lanes<const N: usize>([f64; N]);

impl<const N: usize> Lanes<N> {
    #[inline(always)]
    fn map(self, f: impl Fn(f64) -> f64) -> Self {
        let mut out = self.0;
        for x in &mut out {
            *x = f(*x);
        }
        Lanes(out)
    }

    #[inline(always)]
    fn zip(self, other: Self, f: impl Fn(f64, f64) -> f64) -> Self {
        let mut out = self.0;
        for (x, y) in out.iter_mut().zip(other.0) {
            *x = f(*x, y);
        }
        Lanes(out)
    }

    #[inline(always)]
    fn select(self, keep: impl Fn(f64) -> bool, yes: Self, no: Self) -> Self {
        let mut out = no.0;
        for ((o, x), y) in out.iter_mut().zip(self.0).zip(yes.0) {
            if keep(x) {
                *o = y;
            }
        }
        Lanes(out)
    }
}

macro_rules! lane_op {
    ($trait:ident, $method:ident, $op:tt) => {
        impl<const N: usize> $trait for Lanes<N> {
            type Output = Self;
            #[inline(always)]
            fn $method(self, rhs: Self) -> Self {
                self.zip(rhs, |a, b| a $op b)
            }
        }
    };
}
lane_op!(Add, add, +);
lane_op!(Sub, sub, -);
lane_op!(Mul, mul, *);
lane_op!(Div, div, /);

impl<const N: usize> Neg for Lanes<N> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        self.map(|a| -a)
    }
}

impl<const N: usize> Real for Lanes<N> {
    const LANES: usize = N;
    #[inline(always)]
    fn splat(x: f64) -> Self {
        Lanes([x; N])
    }
    #[inline(always)]
    fn load(s: &[f64]) -> Self {
        let mut out = [0.0; N];
        out.copy_from_slice(&s[..N]);
        Lanes(out)
    }
    #[inline(always)]
    fn store(self, s: &mut [f64]) {
        s[..N].copy_from_slice(&self.0);
    }
    /// Written as a comparison so that it is one vector maximum; like `f64::max`, it gives 0
    /// for a NaN (the sign of a zero result is left open by `f64::max` too, and every caller
    /// adds the result to a positive sum).
    #[inline(always)]
    fn max0(self) -> Self {
        self.map(|a| if a > 0.0 { a } else { 0.0 })
    }
    #[inline(always)]
    fn abs(self) -> Self {
        self.map(f64::abs)
    }
    #[inline(always)]
    fn clamp1(self) -> Self {
        self.map(|a| a.clamp(-1.0, 1.0))
    }
    #[inline(always)]
    fn le_select(self, bound: f64, yes: Self, no: Self) -> Self {
        self.select(|a| a <= bound, yes, no)
    }
    #[inline(always)]
    fn lt_select(self, bound: f64, yes: Self, no: Self) -> Self {
        self.select(|a| a < bound, yes, no)
    }
}

/// The vector instructions the processor offers, for the loops written over [`Real`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Width {
    /// No vector extension beyond the baseline: packs of four in baseline instructions.
    Base,
    /// AVX2: packs of four in 256-bit registers.
    Avx2,
}

/// Every pack size a caller may use; padded rows are a multiple of it.
pub(super) const MAX_LANES: usize = 8;

/// `n` rounded up to a whole number of the widest packs.
pub(super) fn padded(n: usize) -> usize {
    n.div_ceil(MAX_LANES) * MAX_LANES
}

/// What this processor offers, detected on the first call.
pub(super) fn width() -> Width {
    static WIDTH: OnceLock<Width> = OnceLock::new();
    *WIDTH.get_or_init(detect)
}

#[cfg(target_arch = "x86_64")]
fn detect() -> Width {
    if std::arch::is_x86_feature_detected!("avx2") {
        Width::Avx2
    } else {
        Width::Base
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn detect() -> Width {
    Width::Base
}

/// Every width this processor can run (the baseline always), for comparing them in tests.
#[cfg(test)]
pub(super) fn widths() -> Vec<Width> {
    let all = [Width::Base, Width::Avx2];
    let top = all.iter().position(|&w| w == width()).unwrap_or(0);
    all[..=top].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_lane_gets_the_scalar_operation_s_bits() {
        let a = [0.3, -1.5, f64::NAN, 2.0, -0.0, 1e-300, 7.0, -3.25];
        let b = [0.1, 3.0, 1.0, -2.0, 0.0, 3.0, 1e300, 0.5];
        let (x, y) = (Lanes::<8>::load(&a), Lanes::<8>::load(&b));
        let mut got = [0.0; 8];
        let check = |got: &[f64; 8], f: &dyn Fn(f64, f64) -> f64| {
            for l in 0..8 {
                assert_eq!(got[l].to_bits(), f(a[l], b[l]).to_bits(), "lane {l}");
            }
        };
        (x + y).store(&mut got);
        check(&got, &|a, b| a + b);
        (x - y).store(&mut got);
        check(&got, &|a, b| a - b);
        (x * y).store(&mut got);
        check(&got, &|a, b| a * b);
        (x / y).store(&mut got);
        check(&got, &|a, b| a / b);
        (-x).max0().store(&mut got);
        check(&got, &|a, _| (-a).max(0.0));
        x.abs().store(&mut got);
        check(&got, &|a, _| a.abs());
        (x * Lanes::splat(1e9)).clamp1().store(&mut got);
        check(&got, &|a, _| (a * 1e9).clamp(-1.0, 1.0));
        x.le_select(1.0, x, y).store(&mut got);
        check(&got, &|a, b| if a <= 1.0 { a } else { b });
        x.lt_select(0.0, x, y).store(&mut got);
        check(&got, &|a, b| if a < 0.0 { a } else { b });
        assert_eq!(padded(34), 40);
        assert_eq!(padded(8), 8);
        assert!(widths().contains(&Width::Base));
    }
}
