//! Leagues from Python: `_league` plays a league's settings
//! (`pactum_sim::league`: `anl2024`, `anl2026`) on scenarios generated from
//! the seed and returns what the command line's `--league` writes — the
//! league's head (settings, scenarios, summary) and its rows — as Python
//! data; `pactum.league` (python/pactum/_league.py) wraps it.
//!
//! Rules: the rows are exactly the lines of the command line's
//! `negotiations.jsonl` for the same arguments; built-in strategies only;
//! the negotiations run without the GIL.

use pactum_sim::league::{self, League};
use pyo3::prelude::*;

use crate::convert::{json_loads, pactum_error, value_error};

/// Plays a league; returns `{"league", "settings", "seed", "strategies",
/// "scenarios", "summary", "rows", "toml"}` (`toml`: each generated
/// scenario's native text, by label).
#[pyfunction]
#[pyo3(signature = (league, strategies, seed = 0, scenarios = None, outcomes = None, steps = None, reps = None, jobs = None))]
#[allow(clippy::too_many_arguments)]
fn _league<'py>(
    py: Python<'py>,
    league: &str,
    strategies: Vec<String>,
    seed: u64,
    scenarios: Option<usize>,
    outcomes: Option<(usize, usize)>,
    steps: Option<(usize, usize)>,
    reps: Option<usize>,
    jobs: Option<usize>,
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
    let (result, generated) = py
        .detach(|| league::run(&settings, strategies, seed, jobs.unwrap_or(0)))
        .map_err(pactum_error)?;
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

/// Registers the league function.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_league, m)?)?;
    Ok(())
}
