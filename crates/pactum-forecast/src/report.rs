//! Per-issue reports of a whole [`Input`]: every reported issue's forecast next to the
//! weighted mean, its rounds, and (SMP) the final positions with their holders; or its
//! Monte Carlo distribution.
//!
//! Rules: issues come in input order, only those the input selects; a model note is prefixed
//! with its case's name when the input has several cases (and the note does not already start
//! with it); actors share a final position when they lie within 0.001 of it on the unit scale;
//! the scale to draw an issue on is its own, else 0–100 when every value fits, else the range
//! of its values. Several cases run in parallel (a single one on the calling thread); the results
//! do not depend on the thread count.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::input::{Input, InputCase};
use crate::model::{Anchor, Case};
use crate::montecarlo::{McOptions, monte_carlo_counted};
use crate::progress::{Counter, Observer};
use crate::result::Round;
use crate::smp::{self, SmpRun};
use crate::{ModelKind, Options, Result, baselines};

/// A distinct final position of an SMP run, its probability and the actors holding it.
#[derive(Debug, Clone, PartialEq)]
pub struct FinalPosition {
    /// The position on this issue, in the case's units.
    pub position: f64,
    /// Its probability.
    pub probability: f64,
    /// The actors holding it at the end, in actor order.
    pub actors: Vec<String>,
}

/// One issue's forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueForecast {
    /// The issue (or dimension) name.
    pub issue: String,
    /// The model's point forecast.
    pub forecast: f64,
    /// The capability × salience weighted mean, for comparison.
    pub weighted_mean: f64,
    /// The issue's status quo, if given.
    pub status_quo: Option<f64>,
    /// The observed outcome (back-test files).
    pub outcome: Option<f64>,
    /// The issue's written anchors.
    pub anchors: Vec<Anchor>,
    /// Positions by round (actor → position); the first entry holds the initial positions.
    pub rounds: Vec<Round>,
    /// Per round, the probability of each actor's position (SMP only).
    pub probabilities: Option<Vec<Round>>,
    /// The distinct final positions with their probabilities and holders (SMP only).
    pub final_positions: Option<Vec<FinalPosition>>,
    /// Model-specific scalar outputs.
    pub summary: BTreeMap<String, f64>,
    /// The case's actors, in order.
    pub actors: Vec<String>,
    /// `(low, high)` of the scale to draw the issue on.
    pub scale: (f64, f64),
}

/// The forecast of every reported issue of an input.
#[derive(Debug, Clone, PartialEq)]
pub struct InputForecast {
    /// Reported issues, in input order.
    pub issues: Vec<IssueForecast>,
    /// What the model did that a reader should know.
    pub notes: Vec<String>,
}

/// Runs `model` on every case of `input`.
pub fn forecast_input(input: &Input, model: ModelKind, opts: &Options) -> Result<InputForecast> {
    let several = input.cases().len() > 1;
    let one = |c: &InputCase| forecast_case(c, model, opts);
    // A single case runs on the calling thread: no thread pool is started for it.
    let results: Vec<(Vec<IssueForecast>, Vec<String>)> = if several {
        input.cases().par_iter().map(one).collect::<Result<_>>()?
    } else {
        input.cases().iter().map(one).collect::<Result<_>>()?
    };
    let mut out = InputForecast {
        issues: Vec::new(),
        notes: Vec::new(),
    };
    for (c, (issues, notes)) in input.cases().iter().zip(results) {
        out.issues.extend(issues);
        out.notes
            .extend(notes.into_iter().map(|n| note_for(c.case(), several, n)));
    }
    Ok(out)
}

/// Prefixes a model note with the case name when the input has several cases.
fn note_for(case: &Case, several: bool, note: String) -> String {
    if several && !note.starts_with(&case.name) {
        format!("{}: {note}", case.name)
    } else {
        note
    }
}

fn forecast_case(
    input: &InputCase,
    model: ModelKind,
    opts: &Options,
) -> Result<(Vec<IssueForecast>, Vec<String>)> {
    let case = input.case();
    let (f, smp) = match model {
        ModelKind::Smp => {
            let run = smp::run_smp(case, &opts.smp)?;
            (smp::forecast_of(&run, case), Some(run))
        }
        _ => (crate::run(model, case, opts)?, None),
    };
    let mut out = Vec::new();
    for (d, df) in f.dimensions.into_iter().enumerate() {
        if !input.dims().contains(&d) {
            continue;
        }
        let issue = &case.issues[d];
        let scale = plot_scale(case, d, &df.rounds, df.forecast);
        out.push(IssueForecast {
            issue: issue.name.clone(),
            forecast: df.forecast,
            weighted_mean: baselines::weighted_mean(case, d, opts.weighting)?,
            status_quo: issue.status_quo,
            outcome: case.outcome.as_ref().and_then(|o| o.get(d).copied()),
            anchors: issue.anchors.clone(),
            rounds: df.rounds,
            probabilities: df.probabilities,
            final_positions: smp.as_ref().map(|r| final_positions(r, d)),
            summary: df.summary,
            actors: case.names(),
            scale,
        });
    }
    Ok((out, f.notes))
}

/// The scale to draw dimension `d` on: the issue's scale, else 0–100 when every position fits,
/// else the range of the positions and the forecast.
fn plot_scale(case: &Case, d: usize, rounds: &[Round], forecast: f64) -> (f64, f64) {
    if let Some(s) = case.issues[d].scale {
        return (s.lo.min(s.hi), s.hi.max(s.lo));
    }
    let (mut lo, mut hi) = (forecast, forecast);
    for r in rounds {
        for v in r.values() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if let Some(sq) = case.issues[d].status_quo {
        lo = lo.min(sq);
        hi = hi.max(sq);
    }
    if lo >= 0.0 && hi <= 100.0 {
        return (0.0, 100.0);
    }
    if hi - lo < 1e-9 {
        return (lo - 1.0, hi + 1.0);
    }
    (lo, hi)
}

/// The distinct final positions of `run` on dimension `d`, with the actors holding each.
fn final_positions(run: &SmpRun, d: usize) -> Vec<FinalPosition> {
    let Some(last) = run.states.last() else {
        return Vec::new();
    };
    let unit = |x: &[f64], y: &[f64]| -> f64 {
        x.iter()
            .zip(y)
            .zip(&run.scales)
            .map(|((a, b), s)| ((a - b) / (s.hi - s.lo)).powi(2))
            .sum::<f64>()
            .sqrt()
    };
    run.final_positions
        .iter()
        .map(|(pos, p)| FinalPosition {
            position: pos[d],
            probability: *p,
            actors: run
                .actors
                .iter()
                .zip(&last.positions)
                .filter(|(_, x)| unit(x, pos) < 1e-3)
                .map(|(a, _)| a.clone())
                .collect(),
        })
        .collect()
}

/// One issue's Monte Carlo distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueMonteCarlo {
    /// The issue (or dimension) name.
    pub issue: String,
    /// Forecast on the unperturbed inputs.
    pub base: f64,
    /// Median of the draws' forecasts.
    pub median: f64,
    /// 10th percentile.
    pub p10: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Mean of the draws' forecasts.
    pub mean: f64,
    /// Draws where the model failed on the issue's case (left out of the distribution).
    pub failures: usize,
    /// The issue's status quo, if given.
    pub status_quo: Option<f64>,
    /// The issue's written anchors.
    pub anchors: Vec<Anchor>,
}

/// Runs `model`'s Monte Carlo on every case of `input`: actors with a range in the input are
/// drawn from it, the others get `base`'s spreads. `observer` hears once per draw, counted
/// over every case.
pub fn monte_carlo_input(
    input: &Input,
    model: ModelKind,
    opts: &Options,
    base: &McOptions,
    observer: &dyn Observer,
) -> Result<Vec<IssueMonteCarlo>> {
    let runs: Vec<(&InputCase, McOptions)> = input
        .cases()
        .iter()
        .map(|c| (c, c.ranges().mc_options(c.case(), base)))
        .collect();
    let counter = Counter::new(runs.iter().map(|(_, mc)| mc.draws).sum(), observer);
    let results = runs
        .par_iter()
        .map(|(c, mc)| monte_carlo_counted(model, c.case(), opts, mc, &counter))
        .collect::<Result<Vec<_>>>()?;
    let mut issues = Vec::new();
    for (c, r) in input.cases().iter().zip(&results) {
        for (d, md) in r.dimensions.iter().enumerate() {
            if !c.dims().contains(&d) {
                continue;
            }
            let issue = &c.case().issues[d];
            issues.push(IssueMonteCarlo {
                issue: issue.name.clone(),
                base: md.base,
                median: md.median,
                p10: md.p10,
                p90: md.p90,
                mean: md.mean,
                failures: r.failures,
                status_quo: issue.status_quo,
                anchors: issue.anchors.clone(),
            });
        }
    }
    Ok(issues)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> Input {
        let bt = "issue,actor,capability,position,salience,outcome\n\
                  i1,A,1,0,50,10\ni1,B,1,100,50,10\ni2,A,1,5,50,7\ni2,B,2,9,50,7\n";
        Input::from_csv(bt, "bt.csv".into()).unwrap()
    }

    #[test]
    fn every_issue_is_reported_with_the_weighted_mean_and_its_scale() {
        let f = forecast_input(&input(), ModelKind::WeightedMedian, &Options::default()).unwrap();
        assert_eq!(f.issues.len(), 2);
        assert_eq!(f.issues[0].issue, "i1");
        assert_eq!(f.issues[0].weighted_mean, 50.0);
        assert_eq!(f.issues[0].outcome, Some(10.0));
        assert_eq!(f.issues[1].scale, (0.0, 100.0));
        assert!(f.issues[0].final_positions.is_none());
    }

    #[test]
    fn smp_groups_the_actors_by_final_position() {
        let f = forecast_input(&input(), ModelKind::Smp, &Options::default()).unwrap();
        let fp = f.issues[1].final_positions.as_ref().unwrap();
        let holders: usize = fp.iter().map(|p| p.actors.len()).sum();
        assert_eq!(holders, 2);
        let total: f64 = fp.iter().map(|p| p.probability).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
    }

    #[test]
    fn notes_name_their_case_when_there_are_several() {
        let c = Case::one_dim("i1", Vec::new());
        assert_eq!(note_for(&c, true, "x".into()), "i1: x");
        assert_eq!(note_for(&c, true, "i1: x".into()), "i1: x");
        assert_eq!(note_for(&c, false, "x".into()), "x");
    }

    #[test]
    fn monte_carlo_reports_each_draw_to_the_observer() {
        let heard = std::sync::atomic::AtomicUsize::new(0);
        let obs = |_: usize, _: usize| {
            heard.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        };
        let base = McOptions {
            draws: 5,
            ..McOptions::default()
        };
        let mc = monte_carlo_input(
            &input(),
            ModelKind::WeightedMean,
            &Options::default(),
            &base,
            &obs,
        )
        .unwrap();
        assert_eq!(mc.len(), 2);
        assert_eq!(heard.into_inner(), 10);
    }
}
