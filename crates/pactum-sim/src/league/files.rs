//! The league's files. Rules: a finished league writes `league.json`
//! (settings, seed, strategies, scenarios, summary), `negotiations.jsonl`
//! and `negotiations.csv` (one row per negotiation, in number order),
//! `summary.csv` and the generated scenarios, all a function of the
//! finished league alone (so a seed gives the same bytes; a shard's
//! `league.json` names its shard, a whole league's does not), and then removes
//! the partial file that kept the running league's rows.

use std::path::Path;

use serde::Serialize;

use super::generate::Generated;
use super::resume::PARTIAL;
use super::rows::{LeagueResult, LeagueSummary, ScenarioInfo};
use super::settings::Settings;
use crate::error::SimError;

/// Writes `league.json` (settings, seed, strategies, the shard if any,
/// scenarios, summary),
/// `negotiations.jsonl`, `negotiations.csv`, `summary.csv` and, when
/// `generated` is given, each scenario as `scenarios/<label>.toml`; then
/// removes the partial file of [`super::Plan::run_into`], if any.
pub fn write(
    out: &Path,
    result: &LeagueResult,
    generated: Option<&[Generated]>,
) -> Result<(), SimError> {
    std::fs::create_dir_all(out).map_err(SimError::io(out))?;
    let json_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SimError::Json {
            path,
            line: None,
            source,
        }
    };
    let path = out.join("league.json");
    #[derive(Serialize)]
    struct Head<'a> {
        league: &'a str,
        settings: &'a Settings,
        seed: u64,
        strategies: &'a [String],
        #[serde(skip_serializing_if = "Option::is_none")]
        shard: Option<(usize, usize)>,
        negotiations: usize,
        scenarios: &'a [ScenarioInfo],
        summary: &'a [LeagueSummary],
    }
    let head = Head {
        league: result.settings.league().name(),
        settings: &result.settings,
        seed: result.seed,
        strategies: &result.strategies,
        shard: result.shard,
        negotiations: result.rows.len(),
        scenarios: &result.scenarios,
        summary: &result.summary,
    };
    let text = serde_json::to_string_pretty(&head).map_err(json_err(&path))? + "\n";
    std::fs::write(&path, text).map_err(SimError::io(&path))?;
    let path = out.join("negotiations.jsonl");
    let mut text = String::new();
    for r in &result.rows {
        text += &serde_json::to_string(r).map_err(json_err(&path))?;
        text.push('\n');
    }
    std::fs::write(&path, text).map_err(SimError::io(&path))?;
    let path = out.join("negotiations.csv");
    let mut w = csv::Writer::from_path(&path).map_err(SimError::csv(&path))?;
    for r in &result.rows {
        w.serialize(r).map_err(SimError::csv(&path))?;
    }
    w.flush().map_err(SimError::io(&path))?;
    let path = out.join("summary.csv");
    let mut w = csv::Writer::from_path(&path).map_err(SimError::csv(&path))?;
    for s in &result.summary {
        w.serialize(s).map_err(SimError::csv(&path))?;
    }
    w.flush().map_err(SimError::io(&path))?;
    if let Some(generated) = generated {
        let dir = out.join("scenarios");
        std::fs::create_dir_all(&dir).map_err(SimError::io(&dir))?;
        for g in generated {
            let path = dir.join(format!("{}.toml", g.label));
            std::fs::write(&path, &g.toml).map_err(SimError::io(&path))?;
        }
    }
    let partial = out.join(PARTIAL);
    if partial.exists() {
        std::fs::remove_file(&partial).map_err(SimError::io(&partial))?;
    }
    Ok(())
}
