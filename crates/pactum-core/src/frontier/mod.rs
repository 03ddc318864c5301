//! The Pareto frontier of the rational outcomes, computed exactly.
//!
//! The methods give the same frontier:
//!
//! * **Additive fold.** When every party's utility is additive, the utility
//!   vector of an outcome is a sum of one contribution vector per issue, so
//!   the set of all utility vectors is the Minkowski sum of per-issue point
//!   sets. The non-dominated points of `A ⊕ B` lie in `ND(A) ⊕ ND(B)`, so the
//!   frontier is built issue by issue, pruning dominated partial sums (and
//!   partial sums that can no longer reach every reservation value). The cost
//!   depends on the frontier's size, not the outcome count: 10^30-outcome
//!   spaces take milliseconds.
//! * **Enumeration.** Every outcome is visited (in parallel chunks, keeping
//!   only chunk frontiers, so memory stays bounded). Used for nonlinear
//!   utilities and as the test oracle.
//! * **Hyper-rectangle search** (`rectangles`). When every utility is a sum
//!   of integer hyper-rectangle utilities, branch and bound over the issues
//!   finds the frontier's utility vectors without visiting the outcomes
//!   (10^30-outcome ANAC 2014 domains in under a second); it agrees with
//!   enumeration on every utility vector and on the number of outcomes
//!   tied at each point, but keeps one outcome per point. It has its own
//!   rules (its module's).
//!
//! The fold and enumeration sum contributions in issue order starting from
//! 0.0, exactly as [`UtilityFunction::utility`] does, so floating-point
//! results agree to the bit. Outcomes whose utility vectors are identical are ties: one frontier
//! point carries their count and the first few in enumeration order.
//!
//! The fold and enumeration take the analysis [`Budget`]: the fold refuses
//! a step whose partial sums or frontier exceed it before allocating them, enumeration holds
//! every merged partial frontier to it, and both poll its deadline and
//! cancellation flag (per fold step and per chunk of enumerated outcomes).
//!
//! The parts: `problem` (who is compared, thresholds, allowed values,
//! per-issue contributions), `pareto` (the non-dominated filter), `points`
//! (frontier points and their ties), `fold` (the additive method),
//! `enumerate` (the enumeration method and the parallel walk it shares with
//! the analysis) and `rectangles` (the hyper-rectangle search, its ranges
//! and its zone count).

mod enumerate;
mod fold;
mod pareto;
mod points;
mod problem;
pub mod rectangles;
#[cfg(test)]
mod tests;

pub(crate) use enumerate::for_each_allowed;
pub use enumerate::{Evaluator, enumerated_frontier, par_enumerate};
pub use fold::additive_frontier;
pub(crate) use fold::additive_frontier_of;
pub use pareto::{
    Groups, pareto_groups, pareto_groups_flat, pareto_groups_with_margin, pareto_groups_within,
};
pub use points::{FrontierOptions, FrontierPoint, TIE_TOLERANCE, merge_near_ties};
pub use problem::{Contributions, Problem};
pub use rectangles::{
    RectangleFrontier, SearchReport, UtilityRanges, rectangle_frontier, rectangle_ranges,
    rectangle_zopa_count,
};
