//! Several independent values computed side by side: the arithmetic of a vote or of a
//! challenge written once over [`Real`], run on one `f64` or on a pack of them.
//!
//! Rules: every operation on a pack is the IEEE operation on each lane by itself — no lane
//! sees another, nothing is fused (no multiply-add) and nothing is reordered — so code written
//! over [`Real`] gives, lane by lane, the bits it gives on plain `f64`. A [`Kernel`] is run on
//! the widest packs the processor offers ([`Width`], detected once at run time): eight lanes
//! in AVX-512 registers, else four in AVX2 registers (their own instructions, FMA never
//! enabled for AVX2; AVX-512 implies FMA, which the compiler never uses on its own since Rust
//! does not fuse a product and a sum), else [`Lanes`] of four in baseline instructions. Each
//! vector pack exists only inside the function compiled for its extension that runs a kernel
//! after the detection, so its instructions never run on a processor without them. A kernel
//! may assume only that a pack holds at most [`MAX_LANES`] values and that this is a multiple
//! of its lane count.

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
    /// `f64::max(x, 0.0)` of each lane (0 for a NaN; a zero result is +0).
    fn max0(self) -> Self;
    /// `x` where the lane is below 0, else +0 (0 for a NaN): subtracting it from a sum gives,
    /// to the last bit, what adding `(-x).max0()` gives.
    fn min0(self) -> Self;
    /// `f64::abs` of each lane.
    fn abs(self) -> Self;
    /// `f64::sqrt` of each lane (correctly rounded, as IEEE requires).
    fn sqrt(self) -> Self;
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
    /// `f64::max(x, 0.0)` with the sign of a zero result fixed at + (which `f64::max` leaves
    /// open), as the packs give it; every caller adds the result to a positive sum.
    #[inline(always)]
    fn max0(self) -> Self {
        if self > 0.0 { self } else { 0.0 }
    }
    #[inline(always)]
    fn min0(self) -> Self {
        if self < 0.0 { self } else { 0.0 }
    }
    #[inline(always)]
    fn abs(self) -> Self {
        f64::abs(self)
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        f64::sqrt(self)
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
    fn min0(self) -> Self {
        self.map(|a| if a < 0.0 { a } else { 0.0 })
    }
    #[inline(always)]
    fn abs(self) -> Self {
        self.map(f64::abs)
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        self.map(f64::sqrt)
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

/// The vector instructions the processor offers, for the loops written over [`Real`]; each
/// width is offered only with every narrower one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Width {
    /// No vector extension beyond the baseline: packs of four in baseline instructions.
    Base,
    /// AVX2: packs of four in 256-bit registers (detected on x86-64 only).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Avx2,
    /// AVX-512 (its foundation, with AVX2): packs of eight in 512-bit registers (detected on
    /// x86-64 only).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Avx512,
}

/// Every pack size a caller may use; padded rows are a multiple of it.
pub(super) const MAX_LANES: usize = 8;

/// `n` rounded up to a whole number of the widest packs.
pub(super) fn padded(n: usize) -> usize {
    n.div_ceil(MAX_LANES) * MAX_LANES
}

/// Makes `v` hold `len` values, all zero when its length changes, else as they were: a buffer
/// whose every value is written before it is read, or whose padding (never written) must stay
/// zero, at one length per run.
pub(super) fn fit(v: &mut Vec<f64>, len: usize) {
    if v.len() != len {
        v.clear();
        v.resize(len, 0.0);
    }
}

/// What this processor offers, detected on the first call.
pub(super) fn width() -> Width {
    static WIDTH: OnceLock<Width> = OnceLock::new();
    *WIDTH.get_or_init(detect)
}

#[cfg(target_arch = "x86_64")]
fn detect() -> Width {
    let avx2 = std::arch::is_x86_feature_detected!("avx2");
    if avx2 && std::arch::is_x86_feature_detected!("avx512f") {
        Width::Avx512
    } else if avx2 {
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
    [Width::Base, Width::Avx2, Width::Avx512]
        .into_iter()
        .filter(|&w| w <= width())
        .collect()
}

/// A loop written over [`Real`]; [`run`] runs it on the widest packs available.
pub(super) trait Kernel {
    /// What the loop computes.
    type Out;
    /// The loop on packs `P` (`f64` for one value at a time).
    fn run<P: Real>(self) -> Self::Out;
}

/// Runs `kernel` on the widest packs this processor offers.
pub(super) fn run<K: Kernel>(kernel: K) -> K::Out {
    run_at(kernel, width())
}

/// Runs `kernel` on packs of the given width (every width gives the same bits); a width the
/// processor lacks runs the baseline packs.
pub(super) fn run_at<K: Kernel>(kernel: K, at: Width) -> K::Out {
    match at {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `width()` reports AVX-512 only when the processor has it.
        Width::Avx512 if width() >= Width::Avx512 => unsafe { run_avx512(kernel) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `width()` reports AVX2 or a wider width only when the processor has AVX2.
        Width::Avx2 if width() >= Width::Avx2 => unsafe { run_avx2(kernel) },
        _ => kernel.run::<Lanes<4>>(),
    }
}

/// [`run`] compiled for AVX2 (without FMA): the only place an [`x86::Ymm`] pack is made.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn run_avx2<K: Kernel>(kernel: K) -> K::Out {
    kernel.run::<x86::Ymm>()
}

/// [`run`] compiled for AVX-512 (its foundation): the only place an [`x86::Zmm`] pack is made.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn run_avx512<K: Kernel>(kernel: K) -> K::Out {
    kernel.run::<x86::Zmm>()
}

/// Four lanes in an AVX register, eight in an AVX-512 one.
#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::{
        __m256d, __m512d, _CMP_GT_OQ, _CMP_LE_OQ, _CMP_LT_OQ, _mm256_add_pd, _mm256_andnot_pd,
        _mm256_blendv_pd, _mm256_cmp_pd, _mm256_div_pd, _mm256_loadu_pd, _mm256_max_pd,
        _mm256_min_pd, _mm256_mul_pd, _mm256_set1_pd, _mm256_setzero_pd, _mm256_sqrt_pd,
        _mm256_storeu_pd, _mm256_sub_pd, _mm256_xor_pd, _mm512_add_pd, _mm512_andnot_si512,
        _mm512_castpd_si512, _mm512_castsi512_pd, _mm512_cmp_pd_mask, _mm512_div_pd,
        _mm512_loadu_pd, _mm512_mask_blend_pd, _mm512_max_pd, _mm512_min_pd, _mm512_mul_pd,
        _mm512_set1_epi64, _mm512_set1_pd, _mm512_setzero_pd, _mm512_sqrt_pd, _mm512_storeu_pd,
        _mm512_sub_pd, _mm512_xor_si512,
    };
    use std::ops::{Add, Div, Mul, Neg, Sub};

    use super::Real;

    /// Four `f64` in one AVX register. Values of this type are made only inside
    /// `run_avx2`, which runs after AVX2 was detected: that is what makes every
    /// `unsafe` block below sound (the intrinsics need AVX, nothing else).
    #[derive(Clone, Copy)]
    pub(super) struct Ymm(__m256d);

    macro_rules! ymm_op {
        ($trait:ident, $method:ident, $intrinsic:ident) => {
            impl $trait for Ymm {
                type Output = Self;
                #[inline(always)]
                fn $method(self, rhs: Self) -> Self {
                    // SAFETY: a `Ymm` exists only where AVX is available (see the type).
                    Ymm(unsafe { $intrinsic(self.0, rhs.0) })
                }
            }
        };
    }
    ymm_op!(Add, add, _mm256_add_pd);
    ymm_op!(Sub, sub, _mm256_sub_pd);
    ymm_op!(Mul, mul, _mm256_mul_pd);
    ymm_op!(Div, div, _mm256_div_pd);

    impl Neg for Ymm {
        type Output = Self;
        #[inline(always)]
        fn neg(self) -> Self {
            // SAFETY: a `Ymm` exists only where AVX is available (see the type). Flipping
            // the sign bit is what `-x` does on one `f64`.
            Ymm(unsafe { _mm256_xor_pd(self.0, _mm256_set1_pd(-0.0)) })
        }
    }

    impl Real for Ymm {
        const LANES: usize = 4;
        #[inline(always)]
        fn splat(x: f64) -> Self {
            // SAFETY: only called inside `run_avx2` (see the type).
            Ymm(unsafe { _mm256_set1_pd(x) })
        }
        #[inline(always)]
        fn load(s: &[f64]) -> Self {
            let s = &s[..4];
            // SAFETY: `s` holds four readable `f64` (checked above); AVX as for the type.
            Ymm(unsafe { _mm256_loadu_pd(s.as_ptr()) })
        }
        #[inline(always)]
        fn store(self, s: &mut [f64]) {
            let s = &mut s[..4];
            // SAFETY: `s` holds four writable `f64` (checked above); AVX as for the type.
            unsafe { _mm256_storeu_pd(s.as_mut_ptr(), self.0) }
        }
        #[inline(always)]
        fn max0(self) -> Self {
            // SAFETY: AVX as for the type. The instruction gives its second operand (0)
            // unless the first is greater: 0 for a NaN, as `f64::max(x, 0.0)`.
            Ymm(unsafe { _mm256_max_pd(self.0, _mm256_setzero_pd()) })
        }
        #[inline(always)]
        fn min0(self) -> Self {
            // SAFETY: AVX as for the type. The instruction gives its second operand (0)
            // unless the first is less: 0 for a NaN, as the scalar `min0`.
            Ymm(unsafe { _mm256_min_pd(self.0, _mm256_setzero_pd()) })
        }
        #[inline(always)]
        fn abs(self) -> Self {
            // SAFETY: AVX as for the type. Clearing the sign bit is `f64::abs`.
            Ymm(unsafe { _mm256_andnot_pd(_mm256_set1_pd(-0.0), self.0) })
        }
        #[inline(always)]
        fn sqrt(self) -> Self {
            // SAFETY: AVX as for the type. The square root is correctly rounded, as `f64::sqrt`.
            Ymm(unsafe { _mm256_sqrt_pd(self.0) })
        }
        #[inline(always)]
        fn clamp1(self) -> Self {
            // SAFETY: AVX as for the type. As `f64::clamp`: below −1 gives −1, above 1
            // gives 1, anything else (NaN too) stays.
            unsafe {
                let (lo, hi) = (_mm256_set1_pd(-1.0), _mm256_set1_pd(1.0));
                let below = _mm256_cmp_pd::<_CMP_LT_OQ>(self.0, lo);
                let above = _mm256_cmp_pd::<_CMP_GT_OQ>(self.0, hi);
                Ymm(_mm256_blendv_pd(
                    _mm256_blendv_pd(self.0, lo, below),
                    hi,
                    above,
                ))
            }
        }
        #[inline(always)]
        fn le_select(self, bound: f64, yes: Self, no: Self) -> Self {
            // SAFETY: AVX as for the type. An ordered comparison: a NaN lane takes `no`.
            unsafe {
                let keep = _mm256_cmp_pd::<_CMP_LE_OQ>(self.0, _mm256_set1_pd(bound));
                Ymm(_mm256_blendv_pd(no.0, yes.0, keep))
            }
        }
        #[inline(always)]
        fn lt_select(self, bound: f64, yes: Self, no: Self) -> Self {
            // SAFETY: AVX as for the type. An ordered comparison: a NaN lane takes `no`.
            unsafe {
                let keep = _mm256_cmp_pd::<_CMP_LT_OQ>(self.0, _mm256_set1_pd(bound));
                Ymm(_mm256_blendv_pd(no.0, yes.0, keep))
            }
        }
    }

    /// Eight `f64` in one AVX-512 register. Values of this type are made only inside
    /// `run_avx512`, which runs after AVX-512 was detected: that is what makes every
    /// `unsafe` block below sound (the intrinsics need its foundation, nothing else).
    #[derive(Clone, Copy)]
    pub(super) struct Zmm(__m512d);

    /// The sign bit of an `f64`, in each lane.
    const SIGN: i64 = i64::MIN;

    macro_rules! zmm_op {
        ($trait:ident, $method:ident, $intrinsic:ident) => {
            impl $trait for Zmm {
                type Output = Self;
                #[inline(always)]
                fn $method(self, rhs: Self) -> Self {
                    // SAFETY: a `Zmm` exists only where AVX-512 is available (see the type).
                    Zmm(unsafe { $intrinsic(self.0, rhs.0) })
                }
            }
        };
    }
    zmm_op!(Add, add, _mm512_add_pd);
    zmm_op!(Sub, sub, _mm512_sub_pd);
    zmm_op!(Mul, mul, _mm512_mul_pd);
    zmm_op!(Div, div, _mm512_div_pd);

    impl Neg for Zmm {
        type Output = Self;
        #[inline(always)]
        fn neg(self) -> Self {
            // SAFETY: a `Zmm` exists only where AVX-512 is available (see the type). Flipping
            // the sign bit is what `-x` does on one `f64` (done on the bits as integers, which
            // the foundation offers).
            Zmm(unsafe {
                _mm512_castsi512_pd(_mm512_xor_si512(
                    _mm512_castpd_si512(self.0),
                    _mm512_set1_epi64(SIGN),
                ))
            })
        }
    }

    impl Real for Zmm {
        const LANES: usize = 8;
        #[inline(always)]
        fn splat(x: f64) -> Self {
            // SAFETY: only called inside `run_avx512` (see the type).
            Zmm(unsafe { _mm512_set1_pd(x) })
        }
        #[inline(always)]
        fn load(s: &[f64]) -> Self {
            let s = &s[..8];
            // SAFETY: `s` holds eight readable `f64` (checked above); AVX-512 as for the type.
            Zmm(unsafe { _mm512_loadu_pd(s.as_ptr()) })
        }
        #[inline(always)]
        fn store(self, s: &mut [f64]) {
            let s = &mut s[..8];
            // SAFETY: `s` holds eight writable `f64` (checked above); AVX-512 as for the type.
            unsafe { _mm512_storeu_pd(s.as_mut_ptr(), self.0) }
        }
        #[inline(always)]
        fn max0(self) -> Self {
            // SAFETY: AVX-512 as for the type. The instruction gives its second operand (0)
            // unless the first is greater: 0 for a NaN, as `f64::max(x, 0.0)`.
            Zmm(unsafe { _mm512_max_pd(self.0, _mm512_setzero_pd()) })
        }
        #[inline(always)]
        fn min0(self) -> Self {
            // SAFETY: AVX-512 as for the type. The instruction gives its second operand (0)
            // unless the first is less: 0 for a NaN, as the scalar `min0`.
            Zmm(unsafe { _mm512_min_pd(self.0, _mm512_setzero_pd()) })
        }
        #[inline(always)]
        fn abs(self) -> Self {
            // SAFETY: AVX-512 as for the type. Clearing the sign bit is `f64::abs`.
            Zmm(unsafe {
                _mm512_castsi512_pd(_mm512_andnot_si512(
                    _mm512_set1_epi64(SIGN),
                    _mm512_castpd_si512(self.0),
                ))
            })
        }
        #[inline(always)]
        fn sqrt(self) -> Self {
            // SAFETY: AVX-512 as for the type. The square root is correctly rounded, as
            // `f64::sqrt`.
            Zmm(unsafe { _mm512_sqrt_pd(self.0) })
        }
        #[inline(always)]
        fn clamp1(self) -> Self {
            // SAFETY: AVX-512 as for the type. As `f64::clamp`: below −1 gives −1, above 1
            // gives 1, anything else (NaN too, for which both comparisons are false) stays.
            unsafe {
                let (lo, hi) = (_mm512_set1_pd(-1.0), _mm512_set1_pd(1.0));
                let below = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(self.0, lo);
                let above = _mm512_cmp_pd_mask::<_CMP_GT_OQ>(self.0, hi);
                Zmm(_mm512_mask_blend_pd(
                    above,
                    _mm512_mask_blend_pd(below, self.0, lo),
                    hi,
                ))
            }
        }
        #[inline(always)]
        fn le_select(self, bound: f64, yes: Self, no: Self) -> Self {
            // SAFETY: AVX-512 as for the type. An ordered comparison: a NaN lane takes `no`.
            unsafe {
                let keep = _mm512_cmp_pd_mask::<_CMP_LE_OQ>(self.0, _mm512_set1_pd(bound));
                Zmm(_mm512_mask_blend_pd(keep, no.0, yes.0))
            }
        }
        #[inline(always)]
        fn lt_select(self, bound: f64, yes: Self, no: Self) -> Self {
            // SAFETY: AVX-512 as for the type. An ordered comparison: a NaN lane takes `no`.
            unsafe {
                let keep = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(self.0, _mm512_set1_pd(bound));
                Zmm(_mm512_mask_blend_pd(keep, no.0, yes.0))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation of [`Real`] on two rows of [`SPECIAL`] values.
    struct EveryOperation {
        a: [f64; SPECIAL],
        b: [f64; SPECIAL],
    }

    /// How many values [`EveryOperation`] takes: two of the widest packs.
    const SPECIAL: usize = 2 * MAX_LANES;

    impl Kernel for EveryOperation {
        type Out = Vec<f64>;
        fn run<P: Real>(self) -> Vec<f64> {
            // Kept opaque so that no operation is computed while compiling.
            let (a, b) = std::hint::black_box((self.a, self.b));
            let len = SPECIAL;
            let mut out = vec![0.0; 13 * len];
            for o in (0..len).step_by(P::LANES) {
                let (x, y) = (P::load(&a[o..]), P::load(&b[o..]));
                let results = [
                    x + y,
                    x - y,
                    x * y,
                    x / y,
                    -x,
                    (-x).max0(),
                    x.max0(),
                    x.min0(),
                    x.abs(),
                    x.sqrt(),
                    (x * P::splat(1e9)).clamp1(),
                    x.le_select(1.0, x, y),
                    x.lt_select(0.0, x, y),
                ];
                for (r, value) in results.into_iter().enumerate() {
                    value.store(&mut out[r * len + o..]);
                }
            }
            out
        }
    }

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
        check(&got, &|a, _| if -a > 0.0 { -a } else { 0.0 });
        x.min0().store(&mut got);
        check(&got, &|a, _| if a < 0.0 { a } else { 0.0 });
        x.abs().store(&mut got);
        check(&got, &|a, _| a.abs());
        x.sqrt().store(&mut got);
        check(&got, &|a, _| a.sqrt());
        for (x, y) in a.iter().zip(b) {
            // Subtracting min0 is adding max0 of the negation, to the last bit.
            let sum = y.abs() + 1.0;
            assert_eq!((sum - x.min0()).to_bits(), (sum + (-x).max0()).to_bits());
        }
        (x * Lanes::splat(1e9)).clamp1().store(&mut got);
        check(&got, &|a, _| (a * 1e9).clamp(-1.0, 1.0));
        x.le_select(1.0, x, y).store(&mut got);
        check(&got, &|a, b| if a <= 1.0 { a } else { b });
        x.lt_select(0.0, x, y).store(&mut got);
        check(&got, &|a, b| if a < 0.0 { a } else { b });
        // A second row of NaNs, signed zeros, infinities and values near overflow, so that
        // every lane of the widest pack meets them.
        let specials = [
            f64::NAN,
            -0.0,
            0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e300,
            -1e300,
            -1.0,
        ];
        let others = [
            -1e300,
            0.0,
            -0.0,
            f64::INFINITY,
            1.0,
            1e300,
            f64::NAN,
            f64::NEG_INFINITY,
        ];
        let join = |x: [f64; 8], y: [f64; 8]| -> [f64; SPECIAL] {
            std::array::from_fn(|l| if l < 8 { x[l] } else { y[l - 8] })
        };
        let (a, b) = (join(a, specials), join(b, others));
        let want = EveryOperation { a, b }.run::<f64>();
        for at in widths() {
            let got = run_at(EveryOperation { a, b }, at);
            for (k, (g, w)) in got.iter().zip(&want).enumerate() {
                let (operation, lane) = (k / SPECIAL, k % SPECIAL);
                assert_eq!(
                    g.to_bits(),
                    w.to_bits(),
                    "{at:?}: operation {operation}, lane {lane}"
                );
            }
        }
        // Swapped, every special value meets every kind of operand on both sides.
        let want = EveryOperation { a: b, b: a }.run::<f64>();
        for at in widths() {
            let got = run_at(EveryOperation { a: b, b: a }, at);
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g.to_bits(), w.to_bits(), "{at:?}, swapped");
            }
        }
        assert_eq!(padded(34), 40);
        assert_eq!(padded(8), 8);
        assert!(widths().contains(&Width::Base));
        assert!(widths().contains(&width()));
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx2")
        {
            assert_eq!(widths(), [Width::Base, Width::Avx2, Width::Avx512]);
        }
    }
}
