//! The statistics of a finished tournament ([`analyze`]): what a table of
//! mean scores leaves out. Every definition, for one scoring measure
//! ([`Measure`]: each seat's utility by default):
//!
//! * **payoff table** — P[i][j] is the mean score of strategy i against
//!   strategy j: every negotiation gives, for each ordered pair of its seats
//!   (s, t), seat s's score to the cell of (s's strategy, t's strategy) (in
//!   a bilateral negotiation: each seat's score against the other; a
//!   self-play pairing gives both seats' scores to the diagonal). Each cell
//!   has a Student-t confidence interval (mean ± t·s/√n; none below two
//!   scores);
//! * **scores** — each strategy's mean over every seat it held (the
//!   summary's mean utility), with its interval;
//! * **pairwise tests** — for every pair of strategies, the two-sided
//!   Wilcoxon rank-sum (Mann–Whitney U) test of their scores (normal
//!   approximation with tie and continuity corrections), and its p-value
//!   adjusted over all pairs by Holm and by Benjamini–Hochberg; pairs where
//!   a strategy has fewer than two scores are not tested and not counted;
//! * **Nash averaging** — the maximum-entropy Nash equilibrium p of the
//!   zero-sum meta-game on A = P − Pᵀ (the diagonal never matters), and
//!   each strategy's skill (A·p)ᵢ (0 in the equilibrium's support, negative
//!   outside); every off-diagonal cell is needed;
//! * **regret** — against a population mix x, maxⱼ fⱼ(x) − fᵢ(x), with
//!   fᵢ(x) the score of i against x (over the cells the table has), against
//!   the uniform mix and against the Nash-averaging mix;
//! * **replicator dynamics** — discrete time from the uniform population
//!   (see [`population`]), with the final shares and the strategies whose
//!   share stays above the survival threshold;
//! * **rankings** — by mean score, by Nash-averaging skill (highest first)
//!   and by regret against the uniform mix (lowest first); equal values
//!   share a rank (1, 2, 2, 4).
//!
//! Rules: pure and deterministic (no randomness, no clock, no I/O besides
//! [`read_folder`]); bad input is a typed [`AnalysisError`], never a panic;
//! the JSON of an [`Analysis`] has no NaN (what cannot be computed is
//! `null`).

mod dist;
mod lp;
mod nash;
mod population;
mod significance;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::files::{read_json, read_rows};
use super::rows::{Layout, Manifest, Row};
use crate::error::SimError;
pub use nash::{GAP as NASH_GAP, SUPPORT_TOL as NASH_SUPPORT_TOL};

/// What scores a seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// The seat's utility of the result (its utility of no agreement when
    /// there was none).
    #[default]
    Utility,
    /// Utility minus the seat's utility of no agreement.
    Advantage,
    /// The discounted utility (tournaments with discounting only).
    DiscountedUtility,
}

impl Measure {
    /// Every measure, in order.
    pub const ALL: [Measure; 3] = [
        Measure::Utility,
        Measure::Advantage,
        Measure::DiscountedUtility,
    ];

    /// The measure's name (`utility`, `advantage`, `discounted_utility`).
    pub fn name(self) -> &'static str {
        match self {
            Measure::Utility => "utility",
            Measure::Advantage => "advantage",
            Measure::DiscountedUtility => "discounted_utility",
        }
    }

    /// Seat `seat`'s score in `row`, if the row has it.
    fn score(self, row: &Row, seat: usize) -> Option<f64> {
        match self {
            Measure::Utility => row.utilities.get(seat).copied(),
            Measure::Advantage => Some(row.utilities.get(seat)? - row.reservations.get(seat)?),
            Measure::DiscountedUtility => row.discounted_utilities.as_ref()?.get(seat).copied(),
        }
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Measure {
    type Err = AnalysisError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Measure::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| AnalysisError::UnknownMeasure(s.to_string()))
    }
}

/// Why a tournament cannot be analysed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    /// No negotiation to analyse.
    #[error("there are no negotiations to analyse")]
    NoRows,
    /// Fewer than two strategies.
    #[error("the analysis compares strategies and needs at least two; there are {0}")]
    TooFewStrategies(usize),
    /// A row seats a strategy that is not the tournament's.
    #[error("negotiation {id} seats {strategy:?}, which is not one of the tournament's strategies")]
    UnknownStrategy {
        /// The negotiation's number.
        id: u64,
        /// The strategy.
        strategy: String,
    },
    /// A row lacks the measure (e.g. discounted utilities without
    /// discounting) or has a non-finite score.
    #[error("negotiation {id} has no finite {measure} for seat {seat}")]
    NoScore {
        /// The negotiation's number.
        id: u64,
        /// The measure.
        measure: Measure,
        /// The seat, from 1.
        seat: usize,
    },
    /// Two strategies never met: the payoff table has a hole off its diagonal.
    #[error("{a} never negotiated against {b}: the payoff table has no cell for them")]
    MissingCell {
        /// The row strategy.
        a: String,
        /// The column strategy.
        b: String,
    },
    /// An unknown measure name.
    #[error("unknown measure {0:?}: expected utility, advantage or discounted_utility")]
    UnknownMeasure(String),
    /// An option out of its range.
    #[error("{0}")]
    BadOption(String),
}

/// The analysis's parameters, checked by [`Options::new`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    measure: Measure,
    confidence: f64,
    alpha: f64,
    survival: f64,
    replicator_steps: usize,
    replicator_tolerance: f64,
}

impl Default for Options {
    /// Utility, 95% intervals, tests at 0.05, survival above 0.001, at most
    /// 100,000 replicator steps, converged when no share moves by 1e-12.
    fn default() -> Self {
        Options {
            measure: Measure::Utility,
            confidence: 0.95,
            alpha: 0.05,
            survival: 1e-3,
            replicator_steps: 100_000,
            replicator_tolerance: 1e-12,
        }
    }
}

impl Options {
    /// Options with `measure`, the confidence level of the intervals
    /// (0 < c < 1), the significance level of the tests (0 < α < 1) and the
    /// share above which a strategy survives the replicator dynamics
    /// (0 ≤ s < 1); the replicator's steps and tolerance as by default.
    pub fn new(
        measure: Measure,
        confidence: f64,
        alpha: f64,
        survival: f64,
    ) -> Result<Self, AnalysisError> {
        let open = |x: f64| x > 0.0 && x < 1.0;
        if !open(confidence) {
            return Err(AnalysisError::BadOption(format!(
                "confidence {confidence}: expected a level between 0 and 1, e.g. 0.95"
            )));
        }
        if !open(alpha) {
            return Err(AnalysisError::BadOption(format!(
                "significance level {alpha}: expected a level between 0 and 1, e.g. 0.05"
            )));
        }
        if !(0.0..1.0).contains(&survival) {
            return Err(AnalysisError::BadOption(format!(
                "survival threshold {survival}: expected a share from 0 up to (not including) 1"
            )));
        }
        Ok(Options {
            measure,
            confidence,
            alpha,
            survival,
            ..Options::default()
        })
    }

    /// The measure scored.
    pub fn measure(&self) -> Measure {
        self.measure
    }
}

/// A mean with its spread and confidence interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Scores.
    pub n: u64,
    /// Their mean (null without scores).
    pub mean: Option<f64>,
    /// Their sample standard deviation (null below two scores).
    pub sd: Option<f64>,
    /// Lower end of the interval (null below two scores).
    pub low: Option<f64>,
    /// Upper end of the interval (null below two scores).
    pub high: Option<f64>,
}

impl Estimate {
    fn of(scores: &[f64], confidence: f64) -> Self {
        let (mean, sd, interval) = significance::mean_interval(scores, confidence);
        Estimate {
            n: scores.len() as u64,
            mean: (!scores.is_empty()).then_some(mean),
            sd,
            low: interval.map(|i| i.0),
            high: interval.map(|i| i.1),
        }
    }
}

/// One strategy's scores over every seat it held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// The strategy.
    pub strategy: String,
    /// Its scores' mean and interval.
    #[serde(flatten)]
    pub estimate: Estimate,
}

/// The test of one pair of strategies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairTest {
    /// The first strategy (earlier in the tournament's order).
    pub a: String,
    /// The second strategy.
    pub b: String,
    /// Scores of a.
    pub n_a: u64,
    /// Scores of b.
    pub n_b: u64,
    /// Mann–Whitney U of a's scores (null when not tested).
    pub u: Option<f64>,
    /// The standardised statistic.
    pub z: Option<f64>,
    /// The two-sided p-value.
    pub p: Option<f64>,
    /// Holm-adjusted p-value.
    pub p_holm: Option<f64>,
    /// Benjamini–Hochberg-adjusted p-value.
    pub p_bh: Option<f64>,
    /// Whether the Holm-adjusted p-value is below the significance level.
    pub significant_holm: bool,
    /// Whether the Benjamini–Hochberg-adjusted p-value is below it.
    pub significant_bh: bool,
}

/// Nash averaging of the payoff table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NashAveraging {
    /// The maximum-entropy equilibrium's share of each strategy.
    pub mix: Vec<f64>,
    /// Each strategy's skill, (A·mix)ᵢ with A = P − Pᵀ.
    pub skill: Vec<f64>,
}

/// Regrets against two populations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Regret {
    /// Against the uniform mix of the strategies.
    pub uniform: Vec<f64>,
    /// Against the Nash-averaging mix.
    pub nash: Vec<f64>,
}

/// The replicator dynamics' end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Replicator {
    /// Steps taken.
    pub steps: usize,
    /// Whether the shares settled (else the step limit stopped them).
    pub converged: bool,
    /// Final share of each strategy.
    pub shares: Vec<f64>,
    /// The share above which a strategy survives.
    pub threshold: f64,
    /// The strategies above it, in the tournament's order.
    pub survivors: Vec<String>,
}

/// One place of a ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// 1 + the strategies strictly better.
    pub rank: usize,
    /// The strategy.
    pub strategy: String,
    /// The value ranked by.
    pub value: f64,
}

/// The three rankings, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rankings {
    /// By mean score (highest first).
    pub mean: Vec<Place>,
    /// By Nash-averaging skill (highest first).
    pub nash_averaging: Vec<Place>,
    /// By regret against the uniform mix (lowest first).
    pub regret: Vec<Place>,
}

/// The analysis of a tournament (`analysis.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// The measure scored.
    pub measure: Measure,
    /// The confidence level of every interval.
    pub confidence: f64,
    /// How the intervals are computed.
    pub interval: String,
    /// Which test compares strategies.
    pub test: String,
    /// The significance level.
    pub alpha: f64,
    /// Negotiations analysed.
    pub negotiations: u64,
    /// The strategies, in the tournament's order (the tables' order).
    pub strategies: Vec<String>,
    /// The payoff table: `payoff[i][j]`, strategy i's scores against j.
    pub payoff: Vec<Vec<Estimate>>,
    /// Each strategy's scores over every seat it held.
    pub scores: Vec<Score>,
    /// Every pair of strategies, in the tournament's order.
    pub tests: Vec<PairTest>,
    /// Nash averaging.
    pub nash_averaging: NashAveraging,
    /// Regrets.
    pub regret: Regret,
    /// Replicator dynamics from the uniform population.
    pub replicator: Replicator,
    /// Rankings.
    pub rankings: Rankings,
}

/// The interval method, as [`Analysis::interval`] states it.
pub const INTERVAL: &str = "Student t: mean ± t(1 − (1 − confidence)/2, n − 1) · s/√n";
/// The test, as [`Analysis::test`] states it.
pub const TEST: &str = "Wilcoxon rank-sum (Mann–Whitney U), two-sided, normal approximation \
                        with tie and continuity corrections; Holm and Benjamini–Hochberg \
                        adjustments over all pairs";

/// Ranks `values` (highest first when `descending`), ties sharing a rank.
fn rank(strategies: &[String], values: &[f64], descending: bool) -> Vec<Place> {
    let key = |v: f64| if descending { -v } else { v };
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&i, &j| key(values[i]).total_cmp(&key(values[j])).then(i.cmp(&j)));
    order
        .iter()
        .map(|&i| Place {
            rank: 1 + values.iter().filter(|&&v| key(v) < key(values[i])).count(),
            strategy: strategies[i].clone(),
            value: values[i],
        })
        .collect()
}

/// The analysis of `rows`, a tournament of `strategies` (see the module's
/// definitions).
pub fn analyze(
    strategies: &[String],
    rows: &[Row],
    options: &Options,
) -> Result<Analysis, AnalysisError> {
    let k = strategies.len();
    if k < 2 {
        return Err(AnalysisError::TooFewStrategies(k));
    }
    if rows.is_empty() {
        return Err(AnalysisError::NoRows);
    }
    let measure = options.measure;
    let mut cells: Vec<Vec<Vec<f64>>> = vec![vec![Vec::new(); k]; k];
    let mut own: Vec<Vec<f64>> = vec![Vec::new(); k];
    for row in rows {
        let mut seats = Vec::with_capacity(row.strategies.len());
        for (seat, name) in row.strategies.iter().enumerate() {
            let i = strategies.iter().position(|s| s == name).ok_or_else(|| {
                AnalysisError::UnknownStrategy {
                    id: row.id,
                    strategy: name.clone(),
                }
            })?;
            let score = measure.score(row, seat).filter(|x| x.is_finite()).ok_or(
                AnalysisError::NoScore {
                    id: row.id,
                    measure,
                    seat: seat + 1,
                },
            )?;
            seats.push((i, score));
        }
        for (s, &(i, x)) in seats.iter().enumerate() {
            own[i].push(x);
            for (t, &(j, _)) in seats.iter().enumerate() {
                if s != t {
                    cells[i][j].push(x);
                }
            }
        }
    }
    let payoff: Vec<Vec<Estimate>> = cells
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| Estimate::of(c, options.confidence))
                .collect()
        })
        .collect();
    let table: Vec<Vec<Option<f64>>> = payoff
        .iter()
        .map(|r| r.iter().map(|e| e.mean).collect())
        .collect();
    // Antisymmetrised table: every off-diagonal cell is needed.
    let mut a = vec![vec![0.0; k]; k];
    for i in 0..k {
        for j in 0..k {
            if i == j {
                continue;
            }
            let (Some(x), Some(y)) = (table[i][j], table[j][i]) else {
                return Err(AnalysisError::MissingCell {
                    a: strategies[i].clone(),
                    b: strategies[j].clone(),
                });
            };
            a[i][j] = x - y;
        }
    }
    let scores: Vec<Score> = strategies
        .iter()
        .zip(&own)
        .map(|(s, x)| Score {
            strategy: s.clone(),
            estimate: Estimate::of(x, options.confidence),
        })
        .collect();

    // Pairwise tests.
    let mut tests = Vec::new();
    let mut raw = Vec::new();
    for i in 0..k {
        for j in i + 1..k {
            let testable = own[i].len() >= 2 && own[j].len() >= 2;
            let r = testable.then(|| significance::rank_sum(&own[i], &own[j]));
            if let Some(r) = r {
                raw.push((tests.len(), r.p));
            }
            tests.push(PairTest {
                a: strategies[i].clone(),
                b: strategies[j].clone(),
                n_a: own[i].len() as u64,
                n_b: own[j].len() as u64,
                u: r.map(|r| r.u),
                z: r.map(|r| r.z),
                p: r.map(|r| r.p),
                p_holm: None,
                p_bh: None,
                significant_holm: false,
                significant_bh: false,
            });
        }
    }
    let p: Vec<f64> = raw.iter().map(|x| x.1).collect();
    let (holm, bh) = (significance::holm(&p), significance::benjamini_hochberg(&p));
    for (n, &(t, _)) in raw.iter().enumerate() {
        let test = &mut tests[t];
        test.p_holm = Some(holm[n]);
        test.p_bh = Some(bh[n]);
        test.significant_holm = holm[n] < options.alpha;
        test.significant_bh = bh[n] < options.alpha;
    }

    let averaging = nash::nash_averaging(&a);
    let uniform = vec![1.0 / k as f64; k];
    let regret = Regret {
        uniform: population::regrets(&table, &uniform),
        nash: population::regrets(&table, &averaging.mix),
    };
    let path = population::replicator(
        &table,
        options.replicator_steps,
        options.replicator_tolerance,
    );
    let means: Vec<f64> = scores
        .iter()
        .map(|s| s.estimate.mean.unwrap_or(f64::NAN))
        .collect();
    let rankings = Rankings {
        mean: rank(strategies, &means, true),
        nash_averaging: rank(strategies, &averaging.skill, true),
        regret: rank(strategies, &regret.uniform, false),
    };
    Ok(Analysis {
        measure,
        confidence: options.confidence,
        interval: INTERVAL.into(),
        test: TEST.into(),
        alpha: options.alpha,
        negotiations: rows.len() as u64,
        strategies: strategies.to_vec(),
        payoff,
        scores,
        tests,
        nash_averaging: NashAveraging {
            mix: averaging.mix,
            skill: averaging.skill,
        },
        regret,
        replicator: Replicator {
            steps: path.steps,
            converged: path.converged,
            survivors: strategies
                .iter()
                .zip(&path.shares)
                .filter(|&(_, &x)| x > options.survival)
                .map(|(s, _)| s.clone())
                .collect(),
            shares: path.shares,
            threshold: options.survival,
        },
        rankings,
    })
}

/// One row as a line of `negotiations.jsonl` holds it, in either layout
/// (bilateral when it has `strategy_a`, else the seat layout).
pub fn parse_row(line: &str) -> serde_json::Result<Row> {
    Layout::Bilateral
        .parse(line)
        .or_else(|_| Layout::Seats(0).parse(line))
}

/// A finished tournament's manifest and rows, read from the folder
/// `pactum tournament` wrote (`manifest.json`, `negotiations.jsonl`).
pub fn read_folder(dir: &Path) -> Result<(Manifest, Vec<Row>), SimError> {
    let manifest: Manifest = read_json(&dir.join("manifest.json"))?;
    let file = dir.join("negotiations.jsonl");
    if !file.exists() {
        return Err(SimError::Invalid(format!(
            "{}: no negotiations.jsonl (is the tournament finished, or its shards merged?)",
            dir.display()
        )));
    }
    let rows = read_rows(&file, Layout::of(&manifest), false)?;
    Ok((manifest, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: u64, strategies: [&str; 2], utilities: [f64; 2]) -> Row {
        Row {
            id,
            scenario: "s".into(),
            rep: 0,
            strategies: strategies.iter().map(|s| s.to_string()).collect(),
            parties: vec!["A".into(), "B".into()],
            agreement: true,
            package: String::new(),
            steps: 1,
            end: "agreement".into(),
            utilities: utilities.to_vec(),
            reservations: vec![0.25, 0.5],
            welfare: utilities.iter().sum(),
            distance_frontier: None,
            distance_nash: None,
            time: None,
            discounted_utilities: None,
            words: None,
        }
    }

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn two_strategies_by_hand() {
        // x against y twice in each role order.
        let rows = [
            row(0, ["x", "y"], [0.8, 0.2]),
            row(1, ["y", "x"], [0.4, 0.6]),
            row(2, ["x", "y"], [0.7, 0.3]),
            row(3, ["y", "x"], [0.5, 0.5]),
        ];
        let a = analyze(&names(&["x", "y"]), &rows, &Options::default()).unwrap();
        let xy = &a.payoff[0][1];
        assert_eq!(xy.n, 4);
        assert!((xy.mean.unwrap() - 0.65).abs() < 1e-15);
        assert_eq!(a.payoff[0][0].mean, None);
        assert!((a.payoff[1][0].mean.unwrap() - 0.35).abs() < 1e-15);
        // s of {0.8, 0.6, 0.7, 0.5} = √(0.05/3); t(0.975, 3) = 3.182446305284263.
        let half = 3.182_446_305_283_707_8 * (0.05f64 / 3.0).sqrt() / 2.0;
        assert!((xy.low.unwrap() - (0.65 - half)).abs() < 1e-12);
        // x beats y: all of the equilibrium on x, skill of y = 0.35 − 0.65.
        assert!((a.nash_averaging.mix[0] - 1.0).abs() < 1e-12);
        assert!((a.nash_averaging.skill[1] + 0.3).abs() < 1e-12);
        // Without self-play each plays the other: regret of y is 0.3.
        assert!((a.regret.uniform[1] - 0.3).abs() < 1e-12);
        assert_eq!(a.rankings.mean[0].strategy, "x");
        assert_eq!(a.rankings.regret[1].strategy, "y");
        assert_eq!(a.replicator.survivors, ["x"]);
        // x's scores beat y's but for one tie at 0.5: U = 15.5; the tie
        // term is 2³ − 2 = 6, σ² = 16/12 · (9 − 6/56), z = (15.5 − 8 − 0.5)/σ.
        let t = &a.tests[0];
        assert_eq!(t.u, Some(15.5));
        let sigma = (16.0f64 / 12.0 * (9.0 - 6.0 / 56.0)).sqrt();
        assert!((t.z.unwrap() - 7.0 / sigma).abs() < 1e-12);
        assert_eq!(t.p_holm, t.p);
        // JSON round trip, without NaN.
        let text = serde_json::to_string(&a).unwrap();
        assert!(!text.contains("NaN"));
        assert_eq!(serde_json::from_str::<Analysis>(&text).unwrap(), a);
    }

    #[test]
    fn measures_and_errors() {
        let rows = [
            row(0, ["x", "y"], [0.8, 0.2]),
            row(1, ["y", "x"], [0.4, 0.6]),
        ];
        let o = Options::new(Measure::Advantage, 0.9, 0.01, 0.0).unwrap();
        let a = analyze(&names(&["x", "y"]), &rows, &o).unwrap();
        // x: 0.8 − 0.25 and 0.6 − 0.5.
        assert!((a.scores[0].estimate.mean.unwrap() - 0.325).abs() < 1e-15);
        let err = |s: &[&str], r: &[Row], m: Measure| {
            analyze(&names(s), r, &Options::new(m, 0.95, 0.05, 1e-3).unwrap()).unwrap_err()
        };
        assert_eq!(
            err(&["x"], &rows, Measure::Utility),
            AnalysisError::TooFewStrategies(1)
        );
        assert_eq!(
            err(&["x", "y"], &[], Measure::Utility),
            AnalysisError::NoRows
        );
        assert!(matches!(
            err(&["x", "z"], &rows, Measure::Utility),
            AnalysisError::UnknownStrategy { id: 0, .. }
        ));
        assert!(matches!(
            err(&["x", "y"], &rows, Measure::DiscountedUtility),
            AnalysisError::NoScore { seat: 1, .. }
        ));
        assert!(matches!(
            err(&["x", "y", "z"], &rows, Measure::Utility),
            AnalysisError::MissingCell { .. }
        ));
        assert!(Options::new(Measure::Utility, 1.0, 0.05, 0.0).is_err());
        assert!(Options::new(Measure::Utility, 0.95, 0.0, 0.0).is_err());
        assert!(Options::new(Measure::Utility, 0.95, 0.05, 1.0).is_err());
        assert_eq!("advantage".parse::<Measure>(), Ok(Measure::Advantage));
        assert!("score".parse::<Measure>().is_err());
    }

    #[test]
    fn three_seats_score_against_each_other_seat() {
        let r = Row {
            strategies: names(&["x", "y", "x"]),
            parties: names(&["A", "B", "C"]),
            utilities: vec![0.9, 0.3, 0.6],
            reservations: vec![0.0; 3],
            ..row(0, ["x", "y"], [0.0, 0.0])
        };
        let a = analyze(&names(&["x", "y"]), &[r], &Options::default()).unwrap();
        // x's seats: 0.9 and 0.6, each against y and against the other x.
        assert_eq!(a.payoff[0][1].n, 2);
        assert!((a.payoff[0][1].mean.unwrap() - 0.75).abs() < 1e-15);
        assert_eq!(a.payoff[0][0].n, 2);
        assert_eq!(a.payoff[1][0].n, 2);
        assert_eq!(a.payoff[1][0].mean, Some(0.3));
        assert_eq!(a.scores[0].estimate.n, 2);
        // One y score: not tested.
        assert_eq!(a.tests[0].p, None);
    }

    #[test]
    fn rows_parse_in_either_layout() {
        let r = row(3, ["x", "y"], [0.8, 0.2]);
        for layout in [Layout::Bilateral, Layout::Seats(2)] {
            assert_eq!(parse_row(&layout.json(&r).unwrap()).unwrap(), r);
        }
        assert!(parse_row("{\"id\": 1}").is_err());
    }

    #[test]
    fn ties_share_a_rank() {
        let p = rank(&names(&["a", "b", "c", "d"]), &[0.5, 0.7, 0.5, 0.1], true);
        let got: Vec<(usize, &str)> = p.iter().map(|x| (x.rank, x.strategy.as_str())).collect();
        assert_eq!(got, [(1, "b"), (2, "a"), (2, "c"), (4, "d")]);
    }
}
