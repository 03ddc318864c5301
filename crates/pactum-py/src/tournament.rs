//! Tournaments from Python: a tournament is a deterministic list of
//! negotiations numbered 0..N (`_tournament_plan`), and `_run_batch` plays
//! a range of them and returns their rows — the building blocks of
//! `pactum.tournament` (python/pactum/_tournament.py) and of any executor
//! that spreads the ranges over processes or machines.
//!
//! Rules: the order, the seeds and the rows are the simulator's
//! (`pactum_sim::tournament`): a negotiation's seed depends on the
//! tournament's seed and its number only, so the rows are the same however
//! the ranges are split and whatever the job count; a row is exactly a
//! line of the command line's `negotiations.jsonl`. Strategies are
//! built-in names or `Negotiator` subclasses (instantiated afresh for each
//! negotiation, named by their `name` attribute or class name); the `llm`
//! strategy plays through the model `llm=` describes (see `llm`), beside
//! built-in strategies and Python negotiators alike (a model call never
//! holds the GIL). Built-in negotiations run in parallel without the GIL;
//! those with a Python negotiator one at a time, on the calling thread,
//! their model calls releasing the GIL. `_tournament_analysis` computes the
//! statistics of rows (`pactum_sim::tournament::analysis`), the command
//! line's `analysis.json`.

use std::sync::Arc;

use pactum_sim::runner::Faults;
use pactum_sim::tournament::analysis::{Measure, Options, analyze, parse_row};
use pactum_sim::tournament::{Job, Tournament};
use pactum_sim::{Prepared, SimError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use rayon::prelude::*;

use crate::convert::{OutcomeDicts, json_loads, pactum_error, to_python, value_error};
use crate::negotiator::Table;
use crate::scenario::scenario_arg;
use crate::seat::{Lineup, discounting, seat_with, tell_end};

/// A tournament ready to play: its negotiations, numbered from 0.
#[pyclass(module = "pactum", frozen)]
pub struct TournamentPlan {
    tournament: Tournament,
    jobs: Vec<Job>,
    /// The strategies (the tournament's own builder seats them when all
    /// are built in).
    lineup: Lineup,
    /// Each scenario's outcomes as dicts (for Python negotiators).
    outcomes: Vec<Arc<OutcomeDicts>>,
}

#[pymethods]
impl TournamentPlan {
    /// Number of negotiations.
    #[getter]
    fn negotiations(&self) -> usize {
        self.jobs.len()
    }

    /// Strategy names, in order.
    #[getter]
    fn strategies(&self) -> Vec<String> {
        self.tournament.manifest.strategies.clone()
    }

    /// Whether every strategy is built in (then batches run without the GIL, in parallel).
    #[getter]
    fn builtin(&self) -> bool {
        self.lineup.all_builtin()
    }

    /// The tournament's parameters, as the command line's `manifest.json` holds them.
    fn manifest<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.tournament.manifest)
    }

    fn __len__(&self) -> usize {
        self.jobs.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "TournamentPlan({} negotiations, strategies {})",
            self.jobs.len(),
            self.tournament.manifest.strategies.join(", ")
        )
    }
}

/// Plans a tournament: every assignment of `strategies` to the seats of
/// every scenario (scenarios: `Scenario` objects or paths; labelled by
/// their `label`), `reps` times each, `steps` rounds of alternating offers.
#[pyfunction]
#[pyo3(signature = (scenarios, strategies, steps = 100, reps = 1, seed = 0, self_play = false, discount = "scenario", llm = None))]
#[allow(clippy::too_many_arguments)]
fn _tournament_plan(
    scenarios: Vec<Bound<'_, PyAny>>,
    strategies: Vec<Bound<'_, PyAny>>,
    steps: usize,
    reps: usize,
    seed: u64,
    self_play: bool,
    discount: &str,
    llm: Option<Bound<'_, PyDict>>,
) -> PyResult<TournamentPlan> {
    let lineup = Lineup::new(&strategies, llm.as_ref(), seed)?;
    let mut prepared: Vec<(String, Prepared)> = Vec::with_capacity(scenarios.len());
    let mut outcomes = Vec::with_capacity(scenarios.len());
    for s in &scenarios {
        let s = scenario_arg(s)?;
        let s = s.get();
        let p = discounting(s.prepared()?, discount)?;
        prepared.push((s.label.clone(), p));
        outcomes.push(s.outcome_dicts());
    }
    let tournament = Tournament::with_custom(
        prepared,
        lineup.names(),
        steps,
        reps,
        seed,
        self_play,
        &|s| lineup.is_python(s),
    )
    .map_err(|e| value_error(crate::convert::chain(&e)))?;
    let tournament = if lineup.all_builtin() {
        tournament
            .with_builder(lineup.builder.clone())
            .map_err(|e| value_error(crate::convert::chain(&e)))?
    } else {
        tournament
    };
    let jobs = tournament.jobs();
    Ok(TournamentPlan {
        tournament,
        jobs,
        lineup,
        outcomes,
    })
}

/// Plays the negotiations numbered `start` to `stop` (excluded) of a plan
/// and returns their rows in number order. `jobs`: threads for built-in
/// strategies (None: every core; Python strategies play one at a time).
#[pyfunction]
#[pyo3(signature = (plan, start, stop, jobs = None))]
fn _run_batch<'py>(
    py: Python<'py>,
    plan: &Bound<'py, TournamentPlan>,
    start: usize,
    stop: usize,
    jobs: Option<usize>,
) -> PyResult<Bound<'py, PyList>> {
    let plan = plan.get();
    if start > stop || stop > plan.jobs.len() {
        return Err(value_error(format!(
            "range {start}..{stop} is not within the plan's {} negotiations",
            plan.jobs.len()
        )));
    }
    let t = &plan.tournament;
    let layout = t.layout();
    let batch = &plan.jobs[start..stop];
    let rows = PyList::empty(py);
    if plan.lineup.all_builtin() {
        let threads = jobs.unwrap_or(0);
        let lines: Vec<String> = py
            .detach(|| {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .map_err(|source| SimError::Threads { threads, source })?;
                pool.install(|| {
                    batch
                        .par_iter()
                        .map(|job| layout.json(&t.play(job)?))
                        .collect::<Result<Vec<_>, SimError>>()
                })
            })
            .map_err(pactum_error)?;
        for line in lines {
            rows.append(json_loads(py, &line)?)?;
        }
        return Ok(rows);
    }
    for job in batch {
        let p = t.prepared(job.scenario);
        let table = Arc::new(Table {
            prepared: p.clone(),
            names: p.names(),
            deadline: Some(t.manifest.steps),
            outcomes: plan.outcomes[job.scenario].clone(),
        });
        let faults = Arc::new(Faults::default());
        let mut created = Vec::new();
        let seats = job.seats();
        let row = t
            .play_with(
                job,
                &mut |_, info| {
                    let player = &plan.lineup.players[seats[info.seat]];
                    let builder = &plan.lineup.builder;
                    seat_with(py, player, builder, p, info, &table, &faults, &mut created)
                },
                &faults,
            )
            .map_err(pactum_error)?;
        let row = json_loads(py, &layout.json(&row).map_err(pactum_error)?)?;
        tell_end(py, &created, &row)?;
        rows.append(row)?;
    }
    Ok(rows)
}

/// The statistics of a tournament's rows (`analysis.json` of the command
/// line): `strategies` in the tournament's order, `rows` as JSON lines of
/// `negotiations.jsonl`, scored by `measure` (`utility`, `advantage` or
/// `discounted_utility`), intervals at `confidence`, tests at `alpha`,
/// survivors of the replicator dynamics above `survival`.
#[pyfunction]
#[pyo3(signature = (strategies, rows, measure = "utility", confidence = 0.95, alpha = 0.05, survival = 0.001))]
fn _tournament_analysis<'py>(
    py: Python<'py>,
    strategies: Vec<String>,
    rows: Vec<String>,
    measure: &str,
    confidence: f64,
    alpha: f64,
    survival: f64,
) -> PyResult<Bound<'py, PyAny>> {
    let measure: Measure = measure.parse().map_err(value_error)?;
    let options = Options::new(measure, confidence, alpha, survival).map_err(value_error)?;
    let rows = rows
        .iter()
        .enumerate()
        .map(|(n, line)| parse_row(line).map_err(|e| value_error(format!("row {}: {e}", n + 1))))
        .collect::<PyResult<Vec<_>>>()?;
    let analysis = py
        .detach(|| analyze(&strategies, &rows, &options))
        .map_err(pactum_error)?;
    to_python(py, &analysis)
}

/// Adds the tournament's building blocks to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<TournamentPlan>()?;
    m.add_function(wrap_pyfunction!(_tournament_plan, m)?)?;
    m.add_function(wrap_pyfunction!(_run_batch, m)?)?;
    m.add_function(wrap_pyfunction!(_tournament_analysis, m)?)?;
    Ok(())
}
