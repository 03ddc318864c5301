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
//! thread, in number order.

use std::sync::Arc;

use pactum_sim::league::{self, League, LeagueRow, Plan};
use pactum_sim::runner::Faults;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{OutcomeDicts, json_loads, pactum_error, to_python, value_error};
use crate::negotiator::Table;
use crate::seat::{Lineup, seat_with, tell_end};

/// Plays a league; returns `{"league", "settings", "seed", "strategies",
/// "scenarios", "summary", "rows", "toml"}` (`toml`: each generated
/// scenario's native text, by label).
#[pyfunction]
#[pyo3(signature = (league, strategies, seed = 0, scenarios = None, outcomes = None, steps = None, reps = None, jobs = None, llm = None))]
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
    let rows = if lineup.all_builtin() {
        py.detach(|| plan.run(&lineup.builder, jobs.unwrap_or(0), &|_| {}))
            .map_err(pactum_error)?
    } else {
        play_here(py, &plan, &lineup)?
    };
    let (result, generated) = plan.finish(rows);
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

/// Plays every negotiation of `plan` on this thread (holding the GIL), in
/// number order, telling each Python negotiator its row at the end (with
/// the agreement's `package`, as a tournament row has it).
fn play_here(py: Python<'_>, plan: &Plan, lineup: &Lineup) -> PyResult<Vec<LeagueRow>> {
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
    let mut rows = Vec::with_capacity(plan.negotiations());
    for id in 0..plan.negotiations() as u64 {
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
        rows.push(row);
        py.check_signals()?;
    }
    Ok(rows)
}

/// Registers the league function.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_league, m)?)?;
    Ok(())
}
