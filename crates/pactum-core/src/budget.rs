//! The limits on one analysis's work, and the check made before any of it.
//!
//! Rules: sizes (values per issue, outcomes to enumerate) are checked from
//! the scenario before anything of their size is allocated
//! ([`check_budget`]); the deadline and cancellation flag are polled as the
//! work goes ([`Budget::check_time`]); work beyond the budget is a typed
//! [`AnalysisError`] naming the limit, never an abort. The analysis module
//! re-exports everything here: `pactum_core::analysis::Budget` is the path.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::time::{Duration, Instant};

use crate::model::{Scenario, UtilityFunction};

/// How to compute the frontier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// The additive fold where every utility is additive, else enumeration.
    #[default]
    Auto,
    /// Always visit every outcome (slow; the test oracle).
    Enumerate,
}

/// How an analysis is done and how much work it may do.
#[derive(Debug, Clone)]
pub struct AnalysisOptions {
    /// How the frontier is computed.
    pub method: Method,
    /// Tied outcomes listed per frontier point.
    pub outcomes_per_point: usize,
    /// The limits on the work: refused with an [`AnalysisError`] before the
    /// memory or time is spent.
    pub budget: Budget,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            method: Method::Auto,
            outcomes_per_point: 10,
            budget: Budget::default(),
        }
    }
}

impl AnalysisOptions {
    /// The default options with `budget`.
    pub fn with_budget(budget: Budget) -> Self {
        AnalysisOptions {
            budget,
            ..Default::default()
        }
    }
}

/// Limits on the work one analysis may do. Sizes are checked before
/// anything of that size is allocated; the deadline and the cancellation
/// flag are polled as the work goes (per issue of the additive fold, per
/// chunk of enumerated outcomes), so an analysis stops soon after either.
///
/// The limits are on work, not on outcome counts: an additive space of
/// 10^30 outcomes whose frontier is small is analysed in milliseconds.
#[derive(Debug, Clone)]
pub struct Budget {
    /// Most values one issue may have (grid points of a real issue): every
    /// analysis materialises each issue's values.
    pub max_values_per_issue: u64,
    /// Largest outcome space that may be enumerated (non-additive utilities,
    /// or [`Method::Enumerate`]).
    pub max_outcomes_enumerated: u128,
    /// Most partial sums the additive fold may hold at one step (frontier
    /// points so far × candidate values of the next issue).
    pub max_partial_sums: u128,
    /// Most points a frontier may keep.
    pub max_frontier_points: usize,
    /// Most nodes the hyper-rectangle search may visit (per search): it
    /// then stops with the best frontier found and the gap left
    /// (`frontier::rectangles`). A count, not a time, so the result does
    /// not depend on the machine.
    pub max_search_nodes: u64,
    /// Most nodes the exact count of the zone of possible agreement of
    /// integer hyper-rectangle utilities may visit; beyond them the zone
    /// is estimated from a seeded sample.
    pub max_count_nodes: u64,
    /// Most nodes the counts of the outcomes tied at the points of an exact
    /// hyper-rectangle frontier may visit, all points together; beyond
    /// them each point counts only the outcome it carries.
    pub max_tie_nodes: u64,
    /// The analysis stops with [`AnalysisError::DeadlinePassed`] after this.
    pub deadline: Option<Instant>,
    /// Set to `true` (from any thread) to stop the analysis with
    /// [`AnalysisError::Cancelled`].
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Budget {
    /// Default of [`Budget::max_values_per_issue`].
    pub const MAX_VALUES_PER_ISSUE: u64 = 1_000_000;
    /// Default of [`Budget::max_outcomes_enumerated`].
    pub const MAX_OUTCOMES_ENUMERATED: u128 = 50_000_000;
    /// Default of [`Budget::max_partial_sums`].
    pub const MAX_PARTIAL_SUMS: u128 = 5_000_000;
    /// Default of [`Budget::max_frontier_points`].
    pub const MAX_FRONTIER_POINTS: usize = 100_000;
    /// Default of [`Budget::max_search_nodes`].
    pub const MAX_SEARCH_NODES: u64 = 50_000_000;
    /// Default of [`Budget::max_count_nodes`].
    pub const MAX_COUNT_NODES: u64 = 2_000_000;
    /// Default of [`Budget::max_tie_nodes`].
    pub const MAX_TIE_NODES: u64 = 1_000_000;
    /// Most issues a scenario searched by the hyper-rectangle search may
    /// have (the search goes one level deeper per issue).
    pub const MAX_SEARCH_ISSUES: usize = 1000;
    /// Most values, over all issues, a scenario searched by the
    /// hyper-rectangle search may have (the search holds a row of bounds
    /// per value and party).
    pub const MAX_SEARCH_VALUES: u64 = 1_000_000;

    /// The default limits with a deadline `within` from now.
    pub fn with_timeout(within: Duration) -> Self {
        Budget {
            deadline: Instant::now().checked_add(within),
            ..Default::default()
        }
    }

    /// Whether the deadline has passed or the analysis was cancelled.
    pub fn check_time(&self) -> Result<(), AnalysisError> {
        if self
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(AtomicOrdering::Relaxed))
        {
            return Err(AnalysisError::Cancelled);
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(AnalysisError::DeadlinePassed);
        }
        Ok(())
    }

    /// Refuses a frontier of `points` points.
    pub(crate) fn check_frontier(&self, points: usize) -> Result<(), AnalysisError> {
        if points > self.max_frontier_points {
            return Err(AnalysisError::FrontierTooLarge {
                points,
                limit: self.max_frontier_points,
            });
        }
        Ok(())
    }
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            max_values_per_issue: Self::MAX_VALUES_PER_ISSUE,
            max_outcomes_enumerated: Self::MAX_OUTCOMES_ENUMERATED,
            max_partial_sums: Self::MAX_PARTIAL_SUMS,
            max_frontier_points: Self::MAX_FRONTIER_POINTS,
            max_search_nodes: Self::MAX_SEARCH_NODES,
            max_count_nodes: Self::MAX_COUNT_NODES,
            max_tie_nodes: Self::MAX_TIE_NODES,
            deadline: None,
            cancel: None,
        }
    }
}

/// Why an analysis could not be done.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    #[error("the scenario has no negotiators: at least one party needs role = \"negotiator\"")]
    /// The scenario has no party with role negotiator.
    NoNegotiators,
    /// An issue has more values than [`Budget::max_values_per_issue`].
    #[error(
        "issue `{issue}` has {values} values; the analysis handles at most {limit} values per issue"
    )]
    IssueTooLarge {
        /// The issue's name.
        issue: String,
        /// How many values it has.
        values: u64,
        /// The most the budget allows.
        limit: u64,
    },
    /// The outcome space must be enumerated and is larger than
    /// [`Budget::max_outcomes_enumerated`].
    #[error(
        "cannot analyse this scenario exactly: {outcomes} outcomes and a non-additive utility ({party}); exact analysis enumerates at most {limit} outcomes"
    )]
    TooLarge {
        /// How many outcomes there are.
        outcomes: u128,
        /// The party whose utility is not additive.
        party: String,
        /// The most the budget allows.
        limit: u128,
    },
    /// The additive fold would hold more than [`Budget::max_partial_sums`].
    #[error(
        "the frontier grows too large at issue `{issue}`: {partial_sums} partial sums to compare; the analysis compares at most {limit}"
    )]
    TooManyPartialSums {
        /// The issue at which the fold grew too large.
        issue: String,
        /// How many partial sums it would compare.
        partial_sums: u128,
        /// The most the budget allows.
        limit: u128,
    },
    /// A frontier has more than [`Budget::max_frontier_points`] points.
    #[error("the frontier has {points} points; the analysis keeps at most {limit} frontier points")]
    FrontierTooLarge {
        /// How many points the frontier has.
        points: usize,
        /// The most the budget allows.
        limit: usize,
    },
    /// [`Budget::deadline`] passed.
    #[error("the analysis did not finish within its time limit")]
    DeadlinePassed,
    /// [`Budget::cancel`] was set.
    #[error("the analysis was cancelled")]
    Cancelled,
}

impl AnalysisError {
    /// Whether the analysis was refused or stopped for its size or time (as
    /// opposed to a scenario it cannot analyse at all).
    pub fn is_over_budget(&self) -> bool {
        !matches!(self, AnalysisError::NoNegotiators)
    }
}

/// The number of outcomes no negotiator's red line forbids, counted from the
/// red lines (no per-value allocation).
fn allowed_outcome_count(scenario: &Scenario, negotiators: &[usize]) -> u128 {
    scenario
        .issues()
        .iter()
        .enumerate()
        .fold(1u128, |total, (i, issue)| {
            let mut forbidden: Vec<u32> = negotiators
                .iter()
                .filter_map(|&p| scenario.parties()[p].preferences.as_ref())
                .flat_map(|pr| pr.red_lines.iter().filter(|r| r.issue == i))
                .flat_map(|r| r.values.iter().copied())
                .filter(|&v| u64::from(v) < issue.cardinality())
                .collect();
            forbidden.sort_unstable();
            forbidden.dedup();
            total.saturating_mul(u128::from(issue.cardinality() - forbidden.len() as u64))
        })
}

/// Predicts, without allocating anything of the scenario's size, whether
/// [`analyze`] with `options` would be refused for size: an issue with more
/// values than [`Budget::max_values_per_issue`], or an outcome space to
/// enumerate (a non-additive utility, or [`Method::Enumerate`]) larger than
/// [`Budget::max_outcomes_enumerated`]. Also refuses a scenario without
/// negotiators. Its cost is one pass over the issues and parties.
///
/// `Ok` does not promise that the analysis finishes: the additive fold's
/// frontier size, the deadline and cancellation are only known as it runs
/// (`analyze` then returns [`AnalysisError::TooManyPartialSums`],
/// [`AnalysisError::FrontierTooLarge`], [`AnalysisError::DeadlinePassed`] or
/// [`AnalysisError::Cancelled`]).
pub fn check_budget(scenario: &Scenario, options: &AnalysisOptions) -> Result<(), AnalysisError> {
    let budget = &options.budget;
    let negotiators = scenario.negotiators();
    if negotiators.is_empty() {
        return Err(AnalysisError::NoNegotiators);
    }
    for issue in scenario.issues() {
        let values = issue.cardinality();
        if values > budget.max_values_per_issue {
            return Err(AnalysisError::IssueTooLarge {
                issue: issue.name.clone(),
                values,
                limit: budget.max_values_per_issue,
            });
        }
    }
    let non_additive = negotiators
        .iter()
        .map(|&p| &scenario.parties()[p])
        .find(|p| {
            p.preferences
                .as_ref()
                .is_some_and(|pr| pr.utility.as_additive().is_none())
        });
    // Integer hyper-rectangle sums are searched, not enumerated.
    let searched = options.method == Method::Auto && searchable(scenario, &negotiators);
    if (non_additive.is_some() && !searched) || options.method == Method::Enumerate {
        // Utility ranges of a non-additive utility visit the whole space;
        // otherwise only the outcomes no red line forbids are visited.
        let outcomes = if non_additive.is_some() {
            scenario.outcome_count()
        } else {
            allowed_outcome_count(scenario, &negotiators)
        };
        if outcomes > budget.max_outcomes_enumerated {
            return Err(AnalysisError::TooLarge {
                outcomes,
                party: non_additive.map_or_else(
                    || "enumeration was requested".to_string(),
                    |p| format!("party {}", p.name),
                ),
                limit: budget.max_outcomes_enumerated,
            });
        }
    }
    Ok(())
}

/// The largest total magnitude of one party's rectangle utilities that the
/// hyper-rectangle search takes: below 2^53 every partial sum of integers
/// is an exact float.
const EXACT_SUM: f64 = 9_007_199_254_740_992.0;

/// Whether `utility` is a sum of hyper-rectangle utilities that are all
/// integers, of total magnitude below 2^53: then the utility is
/// `min(1, S / N)` for an integer sum `S` computed exactly.
pub(crate) fn integer_rectangles(utility: &UtilityFunction) -> bool {
    match utility {
        UtilityFunction::HyperRectangles(h) => {
            let magnitude: f64 = h.rectangles.iter().map(|r| r.utility.abs()).sum();
            magnitude < EXACT_SUM && h.rectangles.iter().all(|r| r.utility.fract() == 0.0)
        }
        UtilityFunction::Additive(_) => false,
    }
}

/// Whether the hyper-rectangle search computes the frontier of `parties`
/// (scenario indices): each has an integer hyper-rectangle utility
/// ([`integer_rectangles`]) and the scenario has at most
/// [`Budget::MAX_SEARCH_ISSUES`] issues and [`Budget::MAX_SEARCH_VALUES`]
/// values in all.
pub(crate) fn searchable(scenario: &Scenario, parties: &[usize]) -> bool {
    !parties.is_empty()
        && scenario.issues().len() <= Budget::MAX_SEARCH_ISSUES
        && scenario
            .issues()
            .iter()
            .map(|i| i.cardinality())
            .fold(0u64, u64::saturating_add)
            <= Budget::MAX_SEARCH_VALUES
        && parties.iter().all(|&p| {
            scenario.parties()[p]
                .preferences
                .as_ref()
                .is_some_and(|pr| integer_rectangles(&pr.utility))
        })
}
