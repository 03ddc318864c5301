//! Leagues from Python: `_league` plays a league's settings
//! (`pactum_sim::league`: `anl2024`, `anl2026`) on scenarios generated from
//! the seed and returns what the command line's `--league` writes — the
//! league's head (settings, scenarios, summary) and its rows — as Python
//! data; `pactum.league` (python/pactum/_league.py) wraps it.
//!
//! Rules: strategies are what a tournament takes (built-in names, the
//! `llm` strategy through the model `llm=` describes, `Negotiator`
//! subclasses), seated as the tournament seats them ([`Lineup`],
//! [`seat_with`]); a Python negotiator's `opponent_utility` is its model
//! of the opponent, asked by `anl2026` once the negotiation is over, and
//! `on_end` then receives the league's row with the agreement's `package`
//! (as a tournament row has it). Built-in strategies only: the rows
//! are exactly the lines of the command line's `negotiations.jsonl` for the
//! same arguments, and the negotiations run in parallel without the GIL;
//! beside a Python negotiator they play one at a time on the calling
//! thread, in number order. `progress(done, total)`, a Python callable,
//! is told how far the league is, in increasing `done` (an exception it
//! raises stops the league at once beside a Python negotiator, and after
//! the parallel play of built-in strategies otherwise); with `out`, the
//! league writes the command line's files there and resumes from the
//! partial file an interrupted run left, as the command line does.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use pactum_sim::league::{self, League, LeagueRow, Partial, Plan};
use pactum_sim::runner::Faults;
use pactum_sim::tournament::Progress;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{OutcomeDicts, json_loads, pactum_error, to_python, value_error};
use crate::negotiator::Table;
use crate::seat::{Lineup, seat_with, tell_end};

/// Plays a league; returns `{"league", "settings", "seed", "strategies",
/// "scenarios", "summary", "rows", "toml"}` (`toml`: each generated
/// scenario's native text, by label); with `out`, also writes the
/// league's files there, resuming what an interrupted run left.
#[pyfunction]
#[pyo3(signature = (league, strategies, seed = 0, scenarios = None, outcomes = None, steps = None, reps = None, jobs = None, llm = None, out = None, progress = None))]
#[allow(clippy::too_many_arguments)]
fn _league<'py>(
    py: Python<'py>,
    league: &str,
    strategies: Vec<Bound<'py, PyAny>>,
    seed: u64,
    scenarios: Option<usize>,
    outcomes: Option<(usize, usize)>,
    steps: Option<(usize, usize)>,
    reps: Option<usize>,
    jobs: Option<usize>,
    llm: Option<Bound<'py, PyDict>>,
    out: Option<PathBuf>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let kind = League::parse(league).map_err(value_error)?;
    let mut settings = kind.settings();
    if let Some(n) = scenarios {
        settings = settings.with_scenarios(n).map_err(value_error)?;
    }
    if let Some((lo, hi)) = outcomes {
        settings = settings.with_outcomes(lo, hi).map_err(value_error)?;
    }
    if let Some((lo, hi)) = steps {
        settings = settings.with_steps(lo, hi).map_err(value_error)?;
    }
    if let Some(n) = reps {
        settings = settings.with_reps(n).map_err(value_error)?;
    }
    let lineup = Lineup::new(&strategies, llm.as_ref(), seed)?;
    let generated = py
        .detach(|| league::generate::generate(&settings, seed))
        .map_err(pactum_error)?;
    let plan = Plan::new(&settings, generated, lineup.names(), seed, &|s| {
        lineup.is_python(s)
    })
    .map_err(|e| value_error(crate::convert::chain(&e)))?;
    let reporter = Reporter::new(progress);
    let threads = jobs.unwrap_or(0);
    let rows = match (&out, lineup.all_builtin()) {
        (None, true) => py
            .detach(|| plan.run(&lineup.builder, threads, &|p| reporter.report(p)))
            .map_err(pactum_error)?,
        (Some(dir), true) => py
            .detach(|| plan.run_into(dir, &lineup.builder, threads, &|p| reporter.report(p)))
            .map_err(pactum_error)?,
        (None, false) => play_here(py, &plan, &lineup, None, &reporter)?,
        (Some(dir), false) => {
            let partial = plan.open_partial(dir).map_err(pactum_error)?;
            let played = play_here(py, &plan, &lineup, Some(&partial), &reporter)?;
            partial.close(played).map_err(pactum_error)?
        }
    };
    reporter.raised()?;
    let (result, generated) = plan.finish(rows);
    if let Some(dir) = &out {
        py.detach(|| league::write(dir, &result, Some(&generated)))
            .map_err(pactum_error)?;
    }
    let toml: serde_json::Map<String, serde_json::Value> = generated
        .iter()
        .map(|g| (g.label.clone(), serde_json::Value::String(g.toml.clone())))
        .collect();
    let doc = serde_json::json!({
        "league": kind.name(),
        "settings": result.settings,
        "seed": result.seed,
        "strategies": result.strategies,
        "scenarios": result.scenarios,
        "summary": result.summary,
        "rows": result.rows,
        "toml": toml,
    });
    json_loads(py, &doc.to_string())
}

/// Tells a Python `progress(done, total)` how far a league is, from any
/// thread, in increasing `done` only; the first exception it raises is
/// kept for [`Reporter::raised`].
struct Reporter {
    callable: Option<Py<PyAny>>,
    last: Mutex<Option<u64>>,
    error: Mutex<Option<PyErr>>,
}

impl Reporter {
    fn new(callable: Option<Py<PyAny>>) -> Self {
        Reporter {
            callable,
            last: Mutex::new(None),
            error: Mutex::new(None),
        }
    }

    fn report(&self, p: Progress) {
        let Some(f) = &self.callable else {
            return;
        };
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_some_and(|l| p.done <= l) {
            return;
        }
        *last = Some(p.done);
        if let Err(e) = Python::attach(|py| f.call1(py, (p.done, p.total))) {
            let mut error = self.error.lock().unwrap_or_else(|e| e.into_inner());
            error.get_or_insert(e);
        }
    }

    /// The first exception `progress` raised, if any.
    fn raised(&self) -> PyResult<()> {
        let mut error = self.error.lock().unwrap_or_else(|e| e.into_inner());
        match error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// Plays the negotiations of `plan` still to play (those `partial` lacks,
/// or all of them) on this thread (holding the GIL), in number order,
/// handing each row to `partial`, telling `reporter` how far the league is
/// and each Python negotiator its row at the end (with the agreement's
/// `package`, as a tournament row has it); returns the rows it played.
fn play_here(
    py: Python<'_>,
    plan: &Plan,
    lineup: &Lineup,
    partial: Option<&Partial>,
    reporter: &Reporter,
) -> PyResult<Vec<LeagueRow>> {
    let tables: Vec<Arc<Table>> = plan
        .generated()
        .iter()
        .map(|g| {
            Arc::new(Table {
                prepared: g.prepared.clone(),
                names: g.prepared.names(),
                deadline: Some(g.steps),
                outcomes: Arc::new(OutcomeDicts::default()),
            })
        })
        .collect();
    let all = plan.mine();
    let todo = partial.map_or(all.as_slice(), |p| p.todo());
    let before = partial.map_or(0, |p| p.kept() as u64);
    let total = before + todo.len() as u64;
    reporter.report(Progress {
        done: before,
        total,
    });
    reporter.raised()?;
    let mut rows = Vec::with_capacity(todo.len());
    for &id in todo {
        let Some(table) = plan.scenario(id).map(|i| &tables[i]) else {
            break;
        };
        let faults = Arc::new(Faults::default());
        let mut created = Vec::new();
        let (row, negotiation) = plan
            .play_with(
                id,
                &mut |name, info| {
                    let player = lineup.named(name).ok_or_else(|| {
                        pactum_sim::SimError::Invalid(format!("no strategy named {name:?}"))
                    })?;
                    let p = &table.prepared;
                    let builder = &lineup.builder;
                    seat_with(py, player, builder, p, info, table, &faults, &mut created)
                },
                &faults,
            )
            .map_err(pactum_error)?;
        let told = to_python(py, &row)?;
        told.set_item("package", negotiation.package)?;
        tell_end(py, &created, &told)?;
        if let Some(p) = partial {
            p.keep(&row).map_err(pactum_error)?;
        }
        rows.push(row);
        reporter.report(Progress {
            done: before + rows.len() as u64,
            total,
        });
        reporter.raised()?;
        py.check_signals()?;
    }
    Ok(rows)
}

/// Registers the league function.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_league, m)?)?;
    Ok(())
}
