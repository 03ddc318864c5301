//! The full static analysis of a scenario, as one serialisable report.
//!
//! This is what `pactum analyze` prints: the outcome space, each
//! negotiator's range and disagreement point, the zone of possible agreement
//! (outcomes every negotiator prefers to no deal), the Pareto frontier and the
//! fair packages. Field names of [`Analysis`] are the stable `--json` schema.
//!
//! Every analysis runs within a [`Budget`]: issue sizes and the outcomes to
//! enumerate are checked before anything of their size is allocated
//! ([`check_budget`], which callers may also run on their own to refuse
//! early), the fold's partial sums and the frontier before each step, and
//! the deadline and cancellation flag as the work goes. Work beyond the
//! budget is a typed [`AnalysisError`] naming the limit, never an abort.

use indexmap::IndexMap;
use rand::{RngExt, SeedableRng};
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::time::{Duration, Instant};

use crate::frontier::{
    FrontierOptions, FrontierPoint, Problem, additive_frontier, enumerated_frontier, par_enumerate,
};
use crate::model::{IssueKind, Outcome, Role, Scenario, UtilityFunction, Value};
use crate::solutions::{Concept, solve};

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
        .issues
        .iter()
        .enumerate()
        .fold(1u128, |total, (i, issue)| {
            let mut forbidden: Vec<u32> = negotiators
                .iter()
                .filter_map(|&p| scenario.parties[p].preferences.as_ref())
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
    for issue in &scenario.issues {
        let values = issue.cardinality();
        if values > budget.max_values_per_issue {
            return Err(AnalysisError::IssueTooLarge {
                issue: issue.name.clone(),
                values,
                limit: budget.max_values_per_issue,
            });
        }
    }
    let non_additive = negotiators.iter().map(|&p| &scenario.parties[p]).find(|p| {
        p.preferences
            .as_ref()
            .is_some_and(|pr| pr.utility.as_additive().is_none())
    });
    if non_additive.is_some() || options.method == Method::Enumerate {
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

/// An outcome as issue name → value.
pub type Package = IndexMap<String, Value>;

#[derive(Debug, Clone, Serialize)]
/// Everything an exact analysis finds about a scenario.
pub struct Analysis {
    /// The scenario's name.
    pub scenario: String,
    /// Each issue, in the scenario's order.
    pub issues: Vec<IssueReport>,
    /// Each party, in the scenario's order.
    pub parties: Vec<PartyReport>,
    /// Names of the negotiators: the order of every `utilities` list.
    pub negotiators: Vec<String>,
    /// How many outcomes (packages) there are.
    pub outcome_count: u128,
    /// The zone of possible agreement.
    pub zopa: Zopa,
    /// The Pareto frontier of the rational outcomes.
    pub frontier: Vec<FrontierEntry>,
    /// Outcomes on the frontier, counting ties.
    pub frontier_outcome_count: u128,
    /// The fair packages (Nash, Kalai–Smorodinsky, egalitarian, utilitarian).
    pub solutions: Solutions,
    /// `additive` or `enumeration`.
    pub method: &'static str,
    /// What the analysis had to tell (approximations, empty zones…).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
/// One issue as the analysis reports it.
pub struct IssueReport {
    /// The issue's name.
    pub name: String,
    #[serde(rename = "type")]
    /// "discrete", "integer" or "real".
    pub kind: &'static str,
    /// How many values it has.
    pub cardinality: u64,
    /// Every value, when there are at most 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The lower bound of a numeric issue.
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The upper bound of a numeric issue.
    pub max: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
/// One party as the analysis reports it.
pub struct PartyReport {
    /// The party's name.
    pub name: String,
    /// Its role.
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Who it stands for, if given.
    pub representative: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its reservation value (no deal), if it has preferences.
    pub reservation_value: Option<f64>,
    /// Utility at the disagreement point used by the solutions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disagreement: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its lowest utility over all outcomes.
    pub min_utility: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its highest utility over all outcomes.
    pub max_utility: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its discount factor per round, if any.
    pub discount_factor: Option<f64>,
    /// Issue name → weight, in issue order and as written in the scenario,
    /// for a party with linear-additive preferences (none for hyper-rectangle
    /// utilities, which have no weights, or a party without preferences).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights: Option<IndexMap<String, f64>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// Its red lines, as text.
    pub red_lines: Vec<String>,
}

/// The zone of possible agreement.
#[derive(Debug, Clone, Serialize)]
pub struct Zopa {
    /// Outcomes every negotiator weakly prefers to no deal and none of
    /// their red lines forbids.
    pub count: u128,
    /// `count` as a share of all outcomes.
    pub fraction: f64,
    /// False when `count` is a sampling estimate (see `note`).
    pub exact: bool,
    /// True when no outcome is in the zone.
    pub empty: bool,
    /// Why the zone is empty (or how it was estimated).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
/// One point of the Pareto frontier.
pub struct FrontierEntry {
    /// The first outcome (in enumeration order) reaching these utilities.
    pub outcome: Package,
    /// Each negotiator's utility there, in the scenario's negotiator order.
    pub utilities: Vec<f64>,
    /// Outcomes with exactly these utilities.
    pub outcome_count: u128,
    /// The first few of them when there are several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tied_outcomes: Vec<Package>,
}

#[derive(Debug, Clone, Serialize)]
/// The fair packages, one per solution concept.
pub struct Solutions {
    /// The Nash bargaining solution (largest product of gains).
    pub nash: Option<Solution>,
    /// The Kalai–Smorodinsky solution (gains proportional to the best possible).
    pub kalai_smorodinsky: Option<Solution>,
    /// The egalitarian solution (largest smallest gain).
    pub egalitarian: Option<Solution>,
    /// The utilitarian solution (largest sum of utilities).
    pub utilitarian: Option<Solution>,
}

impl Solutions {
    /// The solution of concept `c`.
    pub fn get(&self, c: Concept) -> Option<&Solution> {
        match c {
            Concept::Nash => self.nash.as_ref(),
            Concept::KalaiSmorodinsky => self.kalai_smorodinsky.as_ref(),
            Concept::Egalitarian => self.egalitarian.as_ref(),
            Concept::Utilitarian => self.utilitarian.as_ref(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
/// A fair package.
pub struct Solution {
    /// The package.
    pub outcome: Package,
    /// Each negotiator's utility for it.
    pub utilities: Vec<f64>,
    /// Index into `frontier`.
    pub frontier_index: usize,
    /// The maximised quantity (for Kalai–Smorodinsky, minus the spread).
    pub objective: f64,
    /// Other frontier points within 1e-12 of the optimum.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ties: Vec<Tie>,
}

#[derive(Debug, Clone, Serialize)]
/// A package tied with a solution (same utilities for everyone).
pub struct Tie {
    /// The package.
    pub outcome: Package,
    /// Each negotiator's utility for it.
    pub utilities: Vec<f64>,
    /// The frontier point it lies on.
    pub frontier_index: usize,
}

/// Each negotiator's lowest and highest utility over the whole space
/// (red lines and reservation values ignored). A non-additive utility
/// enumerates the whole space: the caller checks its size against the
/// budget ([`check_budget`]); the deadline is polled here.
pub fn utility_ranges(
    problem: &Problem,
    budget: &Budget,
) -> Result<(Vec<f64>, Vec<f64>), AnalysisError> {
    let whole = Problem {
        allowed: full_space(problem.scenario),
        ..problem.clone()
    };
    utility_ranges_over(&whole, budget)
}

fn full_space(s: &Scenario) -> Vec<Vec<u32>> {
    s.issues
        .iter()
        .map(|i| (0..i.cardinality() as u32).collect())
        .collect()
}

/// Counts the rational outcomes exactly where affordable.
fn count_zopa(
    problem: &Problem,
    opts: &AnalysisOptions,
) -> Result<(u128, bool, Option<String>), AnalysisError> {
    let limit = opts.budget.max_outcomes_enumerated;
    let n = problem.parties.len();
    let allowed_total = problem.allowed_count();
    if allowed_total == 0 {
        return Ok((0, true, None));
    }
    // Method::Enumerate counts by visiting every outcome: the oracle.
    let shortcuts = opts.method == Method::Auto || allowed_total > limit;
    if let Some(c) = problem.contributions().filter(|_| shortcuts) {
        // Per issue and party: min and max contribution over allowed values.
        let issues = problem.scenario.issues.len();
        let mut rem_min = vec![vec![0.0; n]; issues + 1];
        let mut rem_max = vec![vec![0.0; n]; issues + 1];
        let mut rem_card = vec![1u128; issues + 1];
        for i in (0..issues).rev() {
            rem_card[i] = rem_card[i + 1].saturating_mul(problem.allowed[i].len() as u128);
            for p in 0..n {
                let vals = problem.allowed[i].iter().map(|&k| c.of(i, k)[p]);
                rem_min[i][p] = rem_min[i + 1][p] + vals.clone().fold(f64::INFINITY, f64::min);
                rem_max[i][p] = rem_max[i + 1][p] + vals.fold(f64::NEG_INFINITY, f64::max);
            }
        }
        // Float addition is monotone, so no outcome's utility (summed in
        // issue order) is below the issue-order sum of per-issue minima:
        // when that already meets every threshold, every outcome is rational.
        let everyone_in = (0..n).all(|p| {
            let worst = (0..issues).fold(0.0, |acc, i| {
                acc + problem.allowed[i]
                    .iter()
                    .map(|&k| c.of(i, k)[p])
                    .fold(f64::INFINITY, f64::min)
            });
            worst >= problem.thresholds[p]
        });
        if everyone_in {
            return Ok((allowed_total, true, None));
        }
        if n == 2
            && let Some(count) = count_two_parties(problem, &c)
        {
            return Ok((count, true, None));
        }
        opts.budget.check_time()?;
        // Branch and bound over issues; decided subtrees are counted whole.
        const SLACK: f64 = 1e-9;
        const BUDGET: u64 = 2_000_000;
        let mut nodes = 0u64;
        let mut partial = vec![vec![0.0; n]; issues + 1];
        fn walk(
            i: usize,
            problem: &Problem,
            c: &crate::frontier::Contributions,
            partial: &mut Vec<Vec<f64>>,
            rem: (&[Vec<f64>], &[Vec<f64>], &[u128]),
            nodes: &mut u64,
        ) -> Option<u128> {
            *nodes += 1;
            if *nodes > BUDGET {
                return None;
            }
            let (rem_min, rem_max, rem_card) = rem;
            let s = &partial[i];
            let t = &problem.thresholds;
            if i == partial.len() - 1 {
                return Some(problem.is_rational(s) as u128);
            }
            if s.iter()
                .zip(&rem_min[i])
                .zip(t)
                .all(|((s, m), r)| s + m >= r + SLACK)
            {
                return Some(rem_card[i]);
            }
            if s.iter()
                .zip(&rem_max[i])
                .zip(t)
                .any(|((s, m), r)| s + m < r - SLACK)
            {
                return Some(0);
            }
            let mut total = 0u128;
            for &k in &problem.allowed[i] {
                let next: Vec<f64> = partial[i]
                    .iter()
                    .zip(c.of(i, k))
                    .map(|(a, b)| a + b)
                    .collect();
                partial[i + 1] = next;
                total = total.saturating_add(walk(i + 1, problem, c, partial, rem, nodes)?);
            }
            Some(total)
        }
        if let Some(count) = walk(
            0,
            problem,
            &c,
            &mut partial,
            (&rem_min, &rem_max, &rem_card),
            &mut nodes,
        ) {
            return Ok((count, true, None));
        }
    }
    opts.budget.check_time()?;
    if allowed_total <= limit {
        let ev = crate::frontier::Evaluator::new(problem);
        let count = par_enumerate(
            problem,
            &opts.budget,
            |walk| {
                let mut u = vec![0.0; n];
                let mut count = 0u128;
                walk(&mut |o| {
                    ev.eval(o, &mut u);
                    count += problem.is_rational(&u) as u128;
                });
                count
            },
            |a, b| Ok(a + b),
        )?;
        return Ok((count, true, None));
    }
    // Too large to count exactly: a seeded uniform sample of allowed outcomes.
    const SAMPLES: u32 = 100_000;
    let ev = crate::frontier::Evaluator::new(problem);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x5EED);
    let mut hits = 0u32;
    let mut u = vec![0.0; n];
    let mut o: Outcome = vec![0; problem.allowed.len()];
    for _ in 0..SAMPLES {
        for (slot, vals) in o.iter_mut().zip(&problem.allowed) {
            *slot = vals[rng.random_range(0..vals.len())];
        }
        ev.eval(&o, &mut u);
        hits += problem.is_rational(&u) as u32;
    }
    let share = hits as f64 / SAMPLES as f64;
    // Exact integer arithmetic where it fits, so a full sample gives the total.
    let estimate = match allowed_total.checked_mul(hits as u128) {
        Some(x) => x / SAMPLES as u128,
        None => (allowed_total / SAMPLES as u128) * hits as u128,
    };
    // Wilson score interval (95%): sensible even when every sample is inside.
    let (z, n_s) = (1.96f64, SAMPLES as f64);
    let centre = (share + z * z / (2.0 * n_s)) / (1.0 + z * z / n_s);
    let half =
        z / (1.0 + z * z / n_s) * (share * (1.0 - share) / n_s + z * z / (4.0 * n_s * n_s)).sqrt();
    Ok((
        estimate,
        false,
        Some(format!(
            "estimated from a seeded uniform sample of {SAMPLES} outcomes ({hits} inside): {:.3}% of the space, 95% interval {:.3}%–{:.3}%; too large to count exactly",
            100.0 * share,
            100.0 * (centre - half).max(0.0),
            100.0 * (centre + half).min(1.0)
        )),
    ))
}

/// Exact count of the rational outcomes of a two-party additive problem by
/// meeting in the middle: the issues are split into a prefix and a suffix
/// half, and for every prefix sum the suffix sums that clear both thresholds
/// are counted with a sweep over a Fenwick tree — O(√N log N) instead of N.
///
/// `prefix + suffix` can differ from the issue-order sum in the last bits,
/// so pairs within 1e-9 of a threshold are re-added in issue order and
/// decided exactly. `None` when either half or that band is too large.
fn count_two_parties(problem: &Problem, c: &crate::frontier::Contributions) -> Option<u128> {
    const LIMIT: u128 = 4_000_000;
    const EPS: f64 = 1e-9;
    let allowed = &problem.allowed;
    let issues = allowed.len();
    let total = problem.allowed_count();
    let (mut m, mut pre) = (0, 1u128);
    while m < issues && (pre * allowed[m].len() as u128).pow(2) <= total {
        pre *= allowed[m].len() as u128;
        m += 1;
    }
    let suf = total / pre;
    if pre > LIMIT || suf > LIMIT {
        return None;
    }
    let sums = |first: usize, part: &[Vec<u32>], count: u128| {
        let mut out: Vec<[f64; 2]> = Vec::with_capacity(count as usize);
        crate::frontier::for_each_allowed(part, 0, count, |o| {
            let mut s = [0.0f64; 2];
            for (i, &k) in o.iter().enumerate() {
                let x = c.of(first + i, k);
                s[0] += x[0];
                s[1] += x[1];
            }
            out.push(s);
        });
        out
    };
    let prefixes = sums(0, &allowed[..m], pre);
    let suffixes = sums(m, &allowed[m..], suf);
    let r = [problem.thresholds[0], problem.thresholds[1]];
    let surely_in: Vec<[f64; 2]> = prefixes
        .iter()
        .map(|p| [r[0] + EPS - p[0], r[1] + EPS - p[1]])
        .collect();
    let maybe_in: Vec<[f64; 2]> = prefixes
        .iter()
        .map(|p| [r[0] - EPS - p[0], r[1] - EPS - p[1]])
        .collect();
    let inside = dominance_counts(&suffixes, &surely_in);
    let near = dominance_counts(&suffixes, &maybe_in);
    let mut count: u128 = inside.iter().map(|&x| x as u128).sum();
    let band: u128 = near.iter().zip(&inside).map(|(a, b)| (a - b) as u128).sum();
    if band == 0 {
        return Some(count);
    }
    if band > LIMIT {
        return None;
    }
    // The band: suffixes that clear the lower corner but not the upper one.
    let mut by_first: Vec<usize> = (0..suffixes.len()).collect();
    by_first.sort_unstable_by(|&a, &b| suffixes[a][0].total_cmp(&suffixes[b][0]));
    let mut by_second: Vec<usize> = (0..suffixes.len()).collect();
    by_second.sort_unstable_by(|&a, &b| suffixes[a][1].total_cmp(&suffixes[b][1]));
    let exact = |p: &[f64; 2], j: usize| -> bool {
        let mut s = *p;
        crate::frontier::for_each_allowed(&allowed[m..], j as u128, j as u128 + 1, |o| {
            for (i, &k) in o.iter().enumerate() {
                let x = c.of(m + i, k);
                s[0] += x[0];
                s[1] += x[1];
            }
        });
        s[0] >= r[0] && s[1] >= r[1]
    };
    for (pi, p) in prefixes.iter().enumerate() {
        if near[pi] == inside[pi] {
            continue;
        }
        let (lo, hi) = (maybe_in[pi], surely_in[pi]);
        // First coordinate in [lo0, hi0), second ≥ lo1 …
        let start = by_first.partition_point(|&j| suffixes[j][0] < lo[0]);
        for &j in &by_first[start..] {
            let q = suffixes[j];
            if q[0] >= hi[0] {
                break;
            }
            if q[1] >= lo[1] && exact(p, j) {
                count += 1;
            }
        }
        // … or first coordinate ≥ hi0 and second in [lo1, hi1).
        let start = by_second.partition_point(|&j| suffixes[j][1] < lo[1]);
        for &j in &by_second[start..] {
            let q = suffixes[j];
            if q[1] >= hi[1] {
                break;
            }
            if q[0] >= hi[0] && exact(p, j) {
                count += 1;
            }
        }
    }
    Some(count)
}

/// For each query `(x, y)`, how many points have first ≥ x and second ≥ y.
fn dominance_counts(points: &[[f64; 2]], queries: &[[f64; 2]]) -> Vec<u64> {
    let n = points.len();
    let mut by_first: Vec<usize> = (0..n).collect();
    by_first.sort_unstable_by(|&a, &b| points[b][0].total_cmp(&points[a][0]));
    let mut by_second: Vec<usize> = (0..n).collect();
    by_second.sort_unstable_by(|&a, &b| points[a][1].total_cmp(&points[b][1]));
    let mut rank = vec![0usize; n];
    for (r, &i) in by_second.iter().enumerate() {
        rank[i] = r;
    }
    let seconds: Vec<f64> = by_second.iter().map(|&i| points[i][1]).collect();
    let mut order: Vec<usize> = (0..queries.len()).collect();
    order.sort_unstable_by(|&a, &b| queries[b][0].total_cmp(&queries[a][0]));
    // Fenwick tree over second-coordinate ranks.
    let mut tree = vec![0u64; n + 1];
    let (mut added, mut next) = (0u64, 0usize);
    let mut out = vec![0u64; queries.len()];
    for q in order {
        let [x, y] = queries[q];
        while next < n && points[by_first[next]][0] >= x {
            let mut i = rank[by_first[next]] + 1;
            while i <= n {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
            added += 1;
            next += 1;
        }
        let mut below = 0u64;
        let mut i = seconds.partition_point(|&v| v < y);
        while i > 0 {
            below += tree[i];
            i -= i & i.wrapping_neg();
        }
        out[q] = added - below;
    }
    out
}

/// Plain-language reasons why no outcome is rational.
fn explain_empty_zopa(problem: &Problem, budget: &Budget) -> Result<Vec<String>, AnalysisError> {
    let s = problem.scenario;
    let mut notes = Vec::new();
    for (i, allowed) in problem.allowed.iter().enumerate() {
        if allowed.is_empty() {
            let who: Vec<&str> = problem
                .parties
                .iter()
                .filter(|&&p| {
                    s.parties[p]
                        .preferences
                        .as_ref()
                        .is_some_and(|pr| pr.red_lines.iter().any(|r| r.issue == i))
                })
                .map(|&p| s.parties[p].name.as_str())
                .collect();
            notes.push(format!(
                "the red lines of {} together forbid every value of issue {:?}",
                who.join(", "),
                s.issues[i].name
            ));
        }
    }
    if !notes.is_empty() {
        return Ok(notes);
    }
    for (j, &p) in problem.parties.iter().enumerate() {
        let alone = Problem::for_parties(s, vec![p]);
        let (_, best) = utility_ranges_over(&alone, budget)?;
        if best[0] < problem.thresholds[j] {
            notes.push(format!(
                "{}'s reservation value {} is above the best it can get ({:.6}) without crossing its own red lines",
                s.parties[p].name, problem.thresholds[j], best[0]
            ));
        }
    }
    if notes.is_empty() {
        notes.push(
            "each negotiator alone can be satisfied, but no outcome meets every reservation value and red line at once"
                .into(),
        );
    }
    Ok(notes)
}

/// Utility ranges over the problem's allowed outcomes (not the whole space).
fn utility_ranges_over(
    problem: &Problem,
    budget: &Budget,
) -> Result<(Vec<f64>, Vec<f64>), AnalysisError> {
    let n = problem.parties.len();
    if let Some(c) = problem.contributions() {
        let (mut lo, mut hi) = (vec![0.0; n], vec![0.0; n]);
        for (i, vals) in problem.allowed.iter().enumerate() {
            for p in 0..n {
                let it = vals.iter().map(|&k| c.of(i, k)[p]);
                lo[p] += it.clone().fold(f64::INFINITY, f64::min);
                hi[p] += it.fold(f64::NEG_INFINITY, f64::max);
            }
        }
        return Ok((lo, hi));
    }
    let scoped = Problem {
        thresholds: vec![f64::NEG_INFINITY; n],
        ..problem.clone()
    };
    let ev = crate::frontier::Evaluator::new(&scoped);
    par_enumerate(
        &scoped,
        budget,
        |walk| {
            let (mut lo, mut hi) = (vec![f64::INFINITY; n], vec![f64::NEG_INFINITY; n]);
            let mut u = vec![0.0; n];
            walk(&mut |o| {
                ev.eval(o, &mut u);
                for p in 0..n {
                    lo[p] = lo[p].min(u[p]);
                    hi[p] = hi[p].max(u[p]);
                }
            });
            (lo, hi)
        },
        |(lo, hi), (l, h)| {
            Ok((
                lo.iter().zip(&l).map(|(a, b)| a.min(*b)).collect(),
                hi.iter().zip(&h).map(|(a, b)| a.max(*b)).collect(),
            ))
        },
    )
}

/// The frontier of the negotiators' rational outcomes.
pub fn frontier(
    problem: &Problem,
    opts: &AnalysisOptions,
) -> Result<(Vec<FrontierPoint>, &'static str), AnalysisError> {
    let fopts = FrontierOptions {
        outcomes_per_point: opts.outcomes_per_point,
    };
    if opts.method == Method::Auto
        && let Some(f) = additive_frontier(problem, fopts, &opts.budget)?
    {
        return Ok((f, "additive"));
    }
    let total = problem.allowed_count();
    if total > opts.budget.max_outcomes_enumerated {
        let party = problem
            .parties
            .iter()
            .map(|&p| &problem.scenario.parties[p])
            .find(|p| {
                p.preferences
                    .as_ref()
                    .is_some_and(|pr| pr.utility.as_additive().is_none())
            })
            .map_or_else(
                || "enumeration was requested".to_string(),
                |p| format!("party {}", p.name),
            );
        return Err(AnalysisError::TooLarge {
            outcomes: total,
            party,
            limit: opts.budget.max_outcomes_enumerated,
        });
    }
    Ok((
        enumerated_frontier(problem, fopts, &opts.budget)?,
        "enumeration",
    ))
}

/// Disagreement point: the reservation value, or the worst utility where
/// there is none or it is lower.
pub fn disagreement_point(problem: &Problem, min: &[f64]) -> Vec<f64> {
    problem
        .thresholds
        .iter()
        .zip(min)
        .map(|(r, m)| if *r >= *m { *r } else { *m })
        .collect()
}

/// Runs the whole analysis.
pub fn analyze(scenario: &Scenario, opts: &AnalysisOptions) -> Result<Analysis, AnalysisError> {
    // Refuse before allocating anything of the scenario's size.
    check_budget(scenario, opts)?;
    let problem = Problem::negotiators(scenario);
    let outcome_count = scenario.outcome_count();
    let mut warnings = Vec::new();
    let (points, method) = frontier(&problem, opts)?;
    let (min, max) = utility_ranges(&problem, &opts.budget)?;
    let d = disagreement_point(&problem, &min);

    let (count, exact, note) = count_zopa(&problem, opts)?;
    let mut zopa_notes: Vec<String> = note.into_iter().collect();
    if count == 0 {
        zopa_notes.extend(explain_empty_zopa(&problem, &opts.budget)?);
    }
    let zopa = Zopa {
        count,
        fraction: if outcome_count == 0 {
            0.0
        } else {
            count as f64 / outcome_count as f64
        },
        exact,
        empty: count == 0,
        notes: zopa_notes,
    };

    let package = |o: &Outcome| -> Package { scenario.describe(o).into_iter().collect() };
    let frontier: Vec<FrontierEntry> = points
        .iter()
        .map(|p| FrontierEntry {
            outcome: package(&p.outcomes[0]),
            utilities: p.utilities.clone(),
            outcome_count: p.count,
            tied_outcomes: if p.count > 1 {
                p.outcomes.iter().map(package).collect()
            } else {
                Vec::new()
            },
        })
        .collect();
    let refs: Vec<&[f64]> = points.iter().map(|p| &p.utilities[..]).collect();
    let solve_one = |c: Concept| -> Option<Solution> {
        let idx = solve(c, &refs, &d, &max);
        let (&first, rest) = idx.split_first()?;
        Some(Solution {
            outcome: frontier[first].outcome.clone(),
            utilities: frontier[first].utilities.clone(),
            frontier_index: first,
            objective: c.objective(&points[first].utilities, &d, &max),
            ties: rest
                .iter()
                .map(|&i| Tie {
                    outcome: frontier[i].outcome.clone(),
                    utilities: frontier[i].utilities.clone(),
                    frontier_index: i,
                })
                .collect(),
        })
    };
    let solutions = Solutions {
        nash: solve_one(Concept::Nash),
        kalai_smorodinsky: solve_one(Concept::KalaiSmorodinsky),
        egalitarian: solve_one(Concept::Egalitarian),
        utilitarian: solve_one(Concept::Utilitarian),
    };

    for (j, &p) in problem.parties.iter().enumerate() {
        if let Some(r) = scenario.parties[p]
            .preferences
            .as_ref()
            .and_then(|pr| pr.reservation_value)
            && r < min[j]
        {
            warnings.push(format!(
                    "{}: reservation value {r} is below its worst outcome ({:.6}); that minimum is the disagreement point",
                    scenario.parties[p].name, min[j]
                ));
        }
    }

    let negotiator_pos = |p: usize| problem.parties.iter().position(|&q| q == p);
    let parties = scenario
        .parties
        .iter()
        .enumerate()
        .map(|(p, party)| {
            let prefs = party.preferences.as_ref();
            let j = negotiator_pos(p);
            PartyReport {
                name: party.name.clone(),
                role: party.role,
                representative: party.representative.clone(),
                reservation_value: prefs.and_then(|pr| pr.reservation_value),
                disagreement: j.map(|j| d[j]),
                min_utility: j.map(|j| min[j]),
                max_utility: j.map(|j| max[j]),
                discount_factor: prefs.and_then(|pr| pr.discount_factor),
                weights: prefs.and_then(|pr| match &pr.utility {
                    UtilityFunction::Additive(a) => Some(
                        scenario
                            .issues
                            .iter()
                            .zip(&a.weights)
                            .map(|(issue, &w)| (issue.name.clone(), w))
                            .collect(),
                    ),
                    UtilityFunction::HyperRectangles(_) => None,
                }),
                red_lines: prefs
                    .map(|pr| {
                        pr.red_lines
                            .iter()
                            .map(|r| {
                                let issue = &scenario.issues[r.issue];
                                let vals: Vec<String> = r
                                    .values
                                    .iter()
                                    .map(|&k| issue.value(k).to_string())
                                    .collect();
                                format!("{} ≠ {}", issue.name, vals.join(" | "))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();

    Ok(Analysis {
        scenario: scenario.name.clone(),
        issues: scenario.issues.iter().map(issue_report).collect(),
        parties,
        negotiators: problem
            .parties
            .iter()
            .map(|&p| scenario.parties[p].name.clone())
            .collect(),
        outcome_count,
        zopa,
        frontier_outcome_count: points.iter().fold(0u128, |n, p| n.saturating_add(p.count)),
        frontier,
        solutions,
        method,
        warnings,
    })
}

fn issue_report(issue: &crate::model::Issue) -> IssueReport {
    let card = issue.cardinality();
    let values = (card <= 100).then(|| (0..card as u32).map(|k| issue.value(k)).collect());
    let (kind, min, max) = match &issue.kind {
        IssueKind::Discrete { .. } => ("discrete", None, None),
        IssueKind::Integer { min, max } => ("integer", Some(*min as f64), Some(*max as f64)),
        IssueKind::Real { min, max, .. } => ("real", Some(*min), Some(*max)),
    };
    IssueReport {
        name: issue.name.clone(),
        kind,
        cardinality: card,
        values,
        min,
        max,
    }
}

/// Utilities of the negotiators `pair` (indices into the negotiator list)
/// for every outcome, or for a seeded uniform sample of `max_points`
/// outcomes when the space is larger: the cloud a utility-space plot draws.
/// It holds every issue's values: run it on scenarios [`check_budget`]
/// accepts.
pub fn utility_cloud(
    scenario: &Scenario,
    pair: (usize, usize),
    max_points: usize,
    seed: u64,
) -> Vec<(f64, f64)> {
    utility_cloud_marked(scenario, pair, max_points, seed)
        .into_iter()
        .map(|(x, y, _)| (x, y))
        .collect()
}

/// Like [`utility_cloud`], with each point marked `true` when its outcome
/// crosses a red line of some negotiator (so no deal can contain it).
/// It holds every issue's values: run it on scenarios [`check_budget`]
/// accepts.
pub fn utility_cloud_marked(
    scenario: &Scenario,
    pair: (usize, usize),
    max_points: usize,
    seed: u64,
) -> Vec<(f64, f64, bool)> {
    let negotiators = scenario.negotiators();
    let red_lines: Vec<&crate::model::Preferences> = negotiators
        .iter()
        .filter_map(|&p| scenario.parties[p].preferences.as_ref())
        .collect();
    let crosses = |o: &[u32]| red_lines.iter().any(|pr| pr.crosses_red_line(o));
    let problem = Problem::for_parties(scenario, vec![negotiators[pair.0], negotiators[pair.1]]);
    let whole = Problem {
        allowed: full_space(scenario),
        thresholds: vec![f64::NEG_INFINITY; 2],
        ..problem
    };
    let ev = crate::frontier::Evaluator::new(&whole);
    let mut u = [0.0; 2];
    if whole.allowed_count() <= max_points as u128 {
        let unlimited = Budget::default();
        let cloud = par_enumerate(
            &whole,
            &unlimited,
            |walk| {
                let mut pts = Vec::new();
                let mut u = [0.0; 2];
                walk(&mut |o| {
                    ev.eval(o, &mut u);
                    pts.push((u[0], u[1], crosses(o)));
                });
                pts
            },
            |mut a, b| {
                a.extend(b);
                Ok(a)
            },
        );
        // No deadline and no cancellation flag: enumeration cannot fail.
        return cloud.unwrap_or_default();
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut o: Outcome = vec![0; whole.allowed.len()];
    (0..max_points)
        .map(|_| {
            for (slot, vals) in o.iter_mut().zip(&whole.allowed) {
                *slot = vals[rng.random_range(0..vals.len())];
            }
            ev.eval(&o, &mut u);
            (u[0], u[1], crosses(&o))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloud_marks_outcomes_that_cross_a_red_line() {
        let s = crate::native::from_toml(
            "t.toml",
            r#"
name = "t"
[[issues]]
name = "a"
options = ["x", "y", "z"]
[[parties]]
name = "P"
weights = { a = 1.0 }
values.a = { x = 1.0, y = 0.5, z = 0.0 }
red_lines = [{ issue = "a", values = ["x"] }]
[[parties]]
name = "Q"
weights = { a = 1.0 }
values.a = { x = 0.0, y = 0.5, z = 1.0 }
"#,
        )
        .unwrap()
        .scenario;
        let cloud = utility_cloud_marked(&s, (0, 1), 100, 0);
        assert_eq!(
            cloud,
            vec![(1.0, 0.0, true), (0.5, 0.5, false), (0.0, 1.0, false)]
        );
        let a = analyze(&s, &AnalysisOptions::default()).unwrap();
        assert_eq!(a.zopa.count, 2);
        assert_eq!(a.frontier.len(), 2);
    }
}
