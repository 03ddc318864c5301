//! Putting a league played in shards back together. Rules: every shard
//! folder must hold a finished shard (`league.json` naming its shard, and
//! `negotiations.jsonl`) of one and the same league — league, settings,
//! seed, strategies and number of shards — else the merge is refused
//! naming the folder; the shards together must hold every negotiation of
//! the league exactly once; the scenarios are generated again from the
//! seed, and the merged files are those the whole league played in one
//! go writes, byte for byte.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::files::write;
use super::generate;
use super::plan::Plan;
use super::rows::{LeagueResult, LeagueRow};
use super::settings::{League, Settings};
use crate::error::SimError;

/// What a shard's `league.json` says of the league it belongs to.
#[derive(Debug, Deserialize)]
struct ShardHead {
    league: String,
    settings: serde_json::Value,
    seed: u64,
    strategies: Vec<String>,
    #[serde(default)]
    shard: Option<(usize, usize)>,
}

/// The numbers of the settings that have setters.
#[derive(Deserialize)]
struct Numbers {
    scenarios: usize,
    outcomes: (usize, usize),
    steps: (usize, usize),
    reps: usize,
    self_play: bool,
}

fn invalid(text: String) -> SimError {
    SimError::Invalid(text)
}

fn read_head(dir: &Path) -> Result<ShardHead, SimError> {
    let path = dir.join("league.json");
    let text = std::fs::read_to_string(&path).map_err(SimError::io(&path))?;
    serde_json::from_str(&text).map_err(|source| SimError::Json {
        path,
        line: None,
        source,
    })
}

/// The settings `head` names, built again through the checked setters;
/// settings no league of this version plays are refused.
fn settings_of(head: &ShardHead, dir: &Path) -> Result<Settings, SimError> {
    let bad = || {
        invalid(format!(
            "{}: league.json holds settings this version does not play",
            dir.display()
        ))
    };
    let n: Numbers = serde_json::from_value(head.settings.clone()).map_err(|_| bad())?;
    let settings = League::parse(&head.league)?
        .settings()
        .with_scenarios(n.scenarios)?
        .with_outcomes(n.outcomes.0, n.outcomes.1)?
        .with_steps(n.steps.0, n.steps.1)?
        .with_reps(n.reps)?
        .with_self_play(n.self_play);
    let again = serde_json::to_value(&settings).map_err(|_| bad())?;
    if again != head.settings {
        return Err(bad());
    }
    Ok(settings)
}

/// Combines the folders of a league's shards (written by
/// [`Plan::run_into`] and [`write()`] for a plan [`Plan::with_shard`]) into
/// `out`, as the whole league played in one go writes it; returns the
/// whole league.
pub fn merge(shards: &[PathBuf], out: &Path) -> Result<LeagueResult, SimError> {
    let Some(first) = shards.first() else {
        return Err(invalid("merge needs at least one shard folder".into()));
    };
    let base = read_head(first)?;
    let Some((_, of)) = base.shard else {
        return Err(invalid(format!(
            "{}: league.json names no shard (a whole league needs no merge)",
            first.display()
        )));
    };
    let mut rows: BTreeMap<u64, LeagueRow> = BTreeMap::new();
    for dir in shards {
        let head = read_head(dir)?;
        let same = head.league == base.league
            && head.settings == base.settings
            && head.seed == base.seed
            && head.strategies == base.strategies;
        if !same || head.shard.is_none_or(|(_, n)| n != of) {
            return Err(invalid(format!(
                "{} is a shard of another league than {} (league, settings, seed, strategies and number of shards must agree)",
                dir.display(),
                first.display()
            )));
        }
        let path = dir.join("negotiations.jsonl");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(invalid(format!(
                    "{}: no negotiations.jsonl (is this shard finished?)",
                    dir.display()
                )));
            }
            Err(e) => return Err(SimError::io(&path)(e)),
        };
        for (i, line) in text.lines().enumerate() {
            let row: LeagueRow = serde_json::from_str(line).map_err(|source| SimError::Json {
                path: path.clone(),
                line: Some(i + 1),
                source,
            })?;
            rows.insert(row.id, row);
        }
    }
    let settings = settings_of(&base, first)?;
    let generated = generate::generate(&settings, base.seed)?;
    // Nothing is played: every strategy is taken as named.
    let plan = Plan::new(&settings, generated, base.strategies, base.seed, &|_| true)?;
    let whole = plan.negotiations();
    if rows.len() != whole || rows.keys().any(|&id| id as usize >= whole) {
        return Err(invalid(format!(
            "the shards hold {} of the league's {whole} negotiations; missing shards?",
            rows.len()
        )));
    }
    let (result, generated) = plan.finish(rows.into_values().collect());
    write(out, &result, Some(&generated))?;
    Ok(result)
}
