//! Leagues: the settings and scores of the Automated Negotiation League
//! (`anl2024`, `anl2026`) on Pactum's own machinery.
//!
//! A league generates its scenarios from the seed ([`generate`]), each
//! with its deadline and each side's private reservation value, and plays
//! every pair of strategies on every scenario in both seat orders (and each
//! strategy against itself), repeated, through the tournament's
//! negotiations ([`crate::tournament::Tournament::play_with`]), each
//! seeded from the league seed, its scenario's number and its own number
//! alone. A [`Plan`] seats the strategies as a tournament does: built-in
//! ones (and `llm`) through a [`negotiator::Builder`], all in parallel
//! ([`Plan::run`]), or any negotiator the caller builds, one negotiation
//! at a time ([`Plan::play_with`]). Rules kept:
//!
//! * rows come in one fixed order (scenario, pairing, seat order,
//!   repetition) whatever the thread count, so a seed gives the same
//!   bytes;
//! * a negotiator sees its own preferences and reservation value only;
//! * every score is a function of the row ([`score`]): advantage always,
//!   and for `anl2026` each side's concealment — computed from the
//!   opponent's model
//!   ([`crate::negotiator::Negotiator::opponent_utilities`]) read once the
//!   negotiation is over, against the side's true utilities over every
//!   outcome (a seeded sample of [`TAU_SAMPLE`] where there are more) —
//!   and the combined score; a model that fails to answer, or answers
//!   with a utility that is not finite, stops the league with an error
//!   naming the negotiation and the strategy;
//! * the summary is the mean of each strategy's rows, every seat counted;
//! * a league played into a folder ([`Plan::run_into`]) keeps its rows in
//!   [`PARTIAL`] as they come in, so an interrupted run resumes where it
//!   stopped and gives the same files as one played in one go.

pub mod generate;
pub mod score;
pub mod settings;
mod watch;

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{ModelError, SimError};
use crate::negotiator::{self, SeatInfo};
use crate::prefs::Prepared;
use crate::runner::{Built, Faults, derive_seed};
use crate::space::OutcomeId;
use crate::tournament::{Job, Progress, Row, Tournament};
pub use generate::{Generated, Shape};
pub use settings::{League, Settings};
use watch::{Handle, Watched};

/// Outcomes at most over which τ is computed (a seeded sample beyond).
pub const TAU_SAMPLE: usize = 2000;

/// The file in the output folder that keeps a running league's rows.
pub const PARTIAL: &str = "negotiations.jsonl.partial";

/// One negotiation of a league (seat a proposes first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeagueRow {
    /// The negotiation's number.
    pub id: u64,
    /// The scenario's label.
    pub scenario: String,
    /// Repetition, from 0.
    pub rep: usize,
    /// Strategy of seat a.
    pub strategy_a: String,
    /// Strategy of seat b.
    pub strategy_b: String,
    /// Whether it ended in agreement.
    pub agreement: bool,
    /// The scenario's deadline in rounds.
    pub deadline: usize,
    /// Rounds started.
    pub steps: usize,
    /// agreement, deadline, ended or invalid.
    pub end: String,
    /// Seat a's utility of the result.
    pub utility_a: f64,
    /// Seat b's utility of the result.
    pub utility_b: f64,
    /// Seat a's reservation value.
    pub reservation_a: f64,
    /// Seat b's reservation value.
    pub reservation_b: f64,
    /// Seat a's best utility.
    pub best_a: f64,
    /// Seat b's best utility.
    pub best_b: f64,
    /// Seat a's advantage ([`score::advantage`]).
    pub advantage_a: f64,
    /// Seat b's advantage.
    pub advantage_b: f64,
    /// τ of seat b's opponent model against seat a's utilities (`anl2026`;
    /// empty when b has no model or its model ranks every outcome level).
    #[serde(default)]
    pub tau_a: Option<f64>,
    /// τ of seat a's model against seat b's utilities.
    #[serde(default)]
    pub tau_b: Option<f64>,
    /// Seat a's concealment ([`score::concealment`], `anl2026`).
    #[serde(default)]
    pub concealment_a: Option<f64>,
    /// Seat b's concealment.
    #[serde(default)]
    pub concealment_b: Option<f64>,
    /// Seat a's ANL 2026 score: advantage + concealment.
    #[serde(default)]
    pub score_a: Option<f64>,
    /// Seat b's ANL 2026 score.
    #[serde(default)]
    pub score_b: Option<f64>,
}

/// One strategy's league scores: means over every seat it held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeagueSummary {
    /// The strategy.
    pub strategy: String,
    /// Seats held.
    pub negotiations: u64,
    /// Seats that ended in agreement.
    pub agreements: u64,
    /// Mean advantage (ANL 2024's score).
    pub mean_advantage: f64,
    /// Mean concealment (`anl2026`).
    #[serde(default)]
    pub mean_concealment: Option<f64>,
    /// Mean ANL 2026 score (`anl2026`): the league's ranking score.
    #[serde(default)]
    pub mean_score: Option<f64>,
}

/// What the league's files say about a generated scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    /// Label.
    pub label: String,
    /// Shape name.
    pub shape: String,
    /// Outcomes.
    pub outcomes: usize,
    /// Deadline in rounds.
    pub deadline: usize,
}

/// A finished league.
#[derive(Debug, Clone, Serialize)]
pub struct LeagueResult {
    /// The settings played.
    pub settings: Settings,
    /// The seed.
    pub seed: u64,
    /// Strategies, in the order given.
    pub strategies: Vec<String>,
    /// The scenarios.
    pub scenarios: Vec<ScenarioInfo>,
    /// Every negotiation, in number order.
    pub rows: Vec<LeagueRow>,
    /// One row per strategy, in the order given.
    pub summary: Vec<LeagueSummary>,
}

/// Generates the league's scenarios and plays them on `threads` threads
/// (0: all cores), every strategy seated by `builder` (built-in strategies,
/// `llm` through the builder's model); `progress` is told how far the run
/// is, as [`Tournament::run`] tells it.
pub fn run(
    settings: &Settings,
    strategies: Vec<String>,
    seed: u64,
    threads: usize,
    builder: &negotiator::Builder,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(LeagueResult, Vec<Generated>), SimError> {
    let generated = generate::generate(settings, seed)?;
    let plan = Plan::new(settings, generated, strategies, seed, &|_| false)?;
    let rows = plan.run(builder, threads, progress)?;
    Ok(plan.finish(rows))
}

/// A league ready to play: one tournament per generated scenario (each has
/// its own deadline) and every negotiation, numbered in one fixed order
/// (scenario, pairing, seat order, repetition).
pub struct Plan {
    settings: Settings,
    generated: Vec<Generated>,
    strategies: Vec<String>,
    seed: u64,
    tournaments: Vec<Tournament>,
    /// Each negotiation's scenario and job, in number order.
    work: Vec<(usize, Job)>,
}

impl Plan {
    /// Plans the league of `strategies` on scenarios already generated.
    /// The strategies `custom` picks out are not built in: their names are
    /// the caller's, and so are their negotiators, seated by
    /// [`Plan::play_with`].
    pub fn new(
        settings: &Settings,
        generated: Vec<Generated>,
        strategies: Vec<String>,
        seed: u64,
        custom: &dyn Fn(&str) -> bool,
    ) -> Result<Self, SimError> {
        let tournaments = generated
            .iter()
            .enumerate()
            .map(|(i, g)| {
                Tournament::with_custom(
                    vec![(g.label.clone(), g.prepared.clone())],
                    strategies.clone(),
                    g.steps,
                    settings.reps(),
                    derive_seed(seed, 1_000_000 + i as u64),
                    settings.self_play(),
                    custom,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut work = Vec::new();
        for (i, t) in tournaments.iter().enumerate() {
            for job in t.jobs() {
                work.push((i, job));
            }
        }
        Ok(Plan {
            settings: settings.clone(),
            generated,
            strategies,
            seed,
            tournaments,
            work,
        })
    }

    /// Number of negotiations.
    pub fn negotiations(&self) -> usize {
        self.work.len()
    }

    /// The generated scenarios, in order.
    pub fn generated(&self) -> &[Generated] {
        &self.generated
    }

    /// Index (in [`Plan::generated`]) of the scenario negotiation
    /// `negotiation` plays, if there is such a negotiation.
    pub fn scenario(&self, negotiation: u64) -> Option<usize> {
        self.work.get(negotiation as usize).map(|w| w.0)
    }

    /// Plays every negotiation on `threads` threads (0: all cores), each
    /// seat seated by `builder` (so every strategy must be one it seats:
    /// custom ones are [`Plan::play_with`]'s); returns the rows in number
    /// order.
    /// `progress` is told how far the run is: once at the start and after
    /// each negotiation, from the worker threads (so in no fixed order).
    pub fn run(
        &self,
        builder: &negotiator::Builder,
        threads: usize,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Vec<LeagueRow>, SimError> {
        let all: Vec<u64> = (0..self.work.len() as u64).collect();
        self.play_ids(&all, 0, builder, threads, progress, &|_| Ok(()))
    }

    /// [`Plan::run`] keeping each finished row in `out`'s
    /// `negotiations.jsonl.partial` as it comes in (after a first line
    /// naming the league: its name, settings, seed, strategies and number
    /// of negotiations), so that a run interrupted there resumes: the rows
    /// already in the file are kept (a last line cut short is dropped) and
    /// only the others are played. A partial file of another league is
    /// refused ([`SimError::OtherLeague`]). [`write`] removes the file once
    /// the league's files are written.
    pub fn run_into(
        &self,
        out: &Path,
        builder: &negotiator::Builder,
        threads: usize,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Vec<LeagueRow>, SimError> {
        for s in &self.strategies {
            builder.check(s)?;
        }
        std::fs::create_dir_all(out).map_err(SimError::io(out))?;
        let partial = out.join(PARTIAL);
        let head = serde_json::json!({
            "league": self.settings.league().name(),
            "settings": &self.settings,
            "seed": self.seed,
            "strategies": &self.strategies,
            "negotiations": self.work.len(),
        });
        let mut kept: BTreeMap<u64, LeagueRow> = BTreeMap::new();
        let text = match std::fs::read_to_string(&partial) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(SimError::io(&partial)(e)),
        };
        let mut lines = text.lines();
        let resumed = match lines.next().map(serde_json::from_str::<serde_json::Value>) {
            Some(Ok(old)) if old != head => {
                return Err(SimError::OtherLeague {
                    folder: out.to_path_buf(),
                });
            }
            Some(Ok(_)) => true,
            // No file, or a first line cut short: start afresh.
            _ => false,
        };
        if resumed {
            for line in lines {
                // A line cut short by an interruption is played again.
                if let Ok(row) = serde_json::from_str::<LeagueRow>(line)
                    && (row.id as usize) < self.work.len()
                {
                    kept.insert(row.id, row);
                }
            }
        } else {
            std::fs::write(&partial, head.to_string() + "\n").map_err(SimError::io(&partial))?;
        }
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(&partial)
            .map_err(SimError::io(&partial))?;
        let writer = Mutex::new(BufWriter::new(file));
        if !text.is_empty() && resumed && !text.ends_with('\n') {
            // Whatever was cut short stays on its own line.
            let mut w = writer.lock().unwrap_or_else(|e| e.into_inner());
            w.write_all(b"\n").map_err(SimError::io(&partial))?;
        }
        let todo: Vec<u64> = (0..self.work.len() as u64)
            .filter(|id| !kept.contains_key(id))
            .collect();
        let new_rows = self.play_ids(
            &todo,
            kept.len() as u64,
            builder,
            threads,
            progress,
            &|row| {
                let line = serde_json::to_string(row).map_err(|source| SimError::Json {
                    path: partial.clone(),
                    line: None,
                    source,
                })? + "\n";
                let mut w = writer.lock().unwrap_or_else(|e| e.into_inner());
                w.write_all(line.as_bytes())
                    .map_err(SimError::io(&partial))?;
                if row.id % 64 == 0 {
                    w.flush().map_err(SimError::io(&partial))?;
                }
                Ok(())
            },
        )?;
        writer
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .flush()
            .map_err(SimError::io(&partial))?;
        for row in new_rows {
            kept.insert(row.id, row);
        }
        Ok(kept.into_values().collect())
    }

    /// Plays negotiations `ids` in parallel, handing each row to `keep` as
    /// it comes in; `done` were played before. The rows in `ids` order.
    fn play_ids(
        &self,
        ids: &[u64],
        done: u64,
        builder: &negotiator::Builder,
        threads: usize,
        progress: &(dyn Fn(Progress) + Sync),
        keep: &(dyn Fn(&LeagueRow) -> Result<(), SimError> + Sync),
    ) -> Result<Vec<LeagueRow>, SimError> {
        for s in &self.strategies {
            builder.check(s)?;
        }
        let total = done + ids.len() as u64;
        let done = AtomicU64::new(done);
        progress(Progress {
            done: done.load(Ordering::Relaxed),
            total,
        });
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|source| SimError::Threads { threads, source })?;
        pool.install(|| {
            ids.par_iter()
                .map(|&id| {
                    let p = &self.generated[self.work[id as usize].0].prepared;
                    let (row, _) = self.play_with(
                        id,
                        &mut |name, info| builder.build(name, p, info),
                        &Faults::default(),
                    )?;
                    keep(&row)?;
                    let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                    progress(Progress { done: d, total });
                    Ok(row)
                })
                .collect::<Result<Vec<_>, SimError>>()
        })
    }

    /// Plays negotiation number `negotiation`, each seat's negotiator built
    /// by `seat` from its strategy's name and what the seat is given (a
    /// fault reported to `faults` ends it as an invalid move, see
    /// [`crate::runner`]), and scores it; `anl2026` then asks each side's
    /// negotiator for its model of the other side. Returns the league's row
    /// and the tournament's row of the same negotiation (its package among
    /// what the league's row leaves out).
    pub fn play_with(
        &self,
        negotiation: u64,
        seat: &mut dyn FnMut(&str, &SeatInfo) -> Built,
        faults: &Faults,
    ) -> Result<(LeagueRow, Row), SimError> {
        let id = negotiation;
        let (i, job) = self.work.get(id as usize).ok_or_else(|| {
            SimError::Invalid(format!(
                "negotiation {id}: the league has {} negotiations",
                self.work.len()
            ))
        })?;
        let g = &self.generated[*i];
        let handles: Mutex<Vec<Option<Handle>>> = Mutex::new(vec![None, None]);
        let row = self.tournaments[*i].play_with(
            job,
            &mut |name, info| {
                let n: Handle = Arc::new(Mutex::new(seat(name, info)?));
                let mut h = handles.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(slot) = h.get_mut(info.seat) {
                    *slot = Some(n.clone());
                }
                Ok(Box::new(Watched(n)) as Box<dyn negotiator::Negotiator>)
            },
            faults,
        )?;
        let handles = handles.into_inner().unwrap_or_else(|e| e.into_inner());
        let p = &g.prepared;
        let best = [p.prefs[0].best, p.prefs[1].best];
        let adv = [0, 1].map(|s| {
            score::advantage(
                row.agreement,
                row.utilities[s],
                row.reservations[s],
                best[s],
            )
        });
        let (tau, conceal) = if self.settings.league().scores_concealment() {
            let sample = sample(p, derive_seed(self.seed, 2_000_000 + id));
            // τ_s: the other seat's model of seat s.
            let mut tau = [None, None];
            for (s, t) in tau.iter_mut().enumerate() {
                if let Some(h) = &handles[1 - s] {
                    *t = model_tau(h, p, s, &sample).map_err(|source| SimError::OpponentModel {
                        negotiation: id,
                        strategy: row.strategies[1 - s].clone(),
                        source,
                    })?;
                }
            }
            let c = tau.map(score::concealment);
            (tau, Some(c))
        } else {
            ([None, None], None)
        };
        let league_row = LeagueRow {
            id,
            scenario: g.label.clone(),
            rep: job.rep,
            strategy_a: row.strategies[0].clone(),
            strategy_b: row.strategies[1].clone(),
            agreement: row.agreement,
            deadline: g.steps,
            steps: row.steps,
            end: row.end.clone(),
            utility_a: row.utilities[0],
            utility_b: row.utilities[1],
            reservation_a: row.reservations[0],
            reservation_b: row.reservations[1],
            best_a: best[0],
            best_b: best[1],
            advantage_a: adv[0],
            advantage_b: adv[1],
            tau_a: tau[0],
            tau_b: tau[1],
            concealment_a: conceal.map(|c| c[0]),
            concealment_b: conceal.map(|c| c[1]),
            score_a: conceal.map(|c| adv[0] + c[0]),
            score_b: conceal.map(|c| adv[1] + c[1]),
        };
        Ok((league_row, row))
    }

    /// The finished league from its rows (in number order), and the
    /// generated scenarios.
    pub fn finish(self, rows: Vec<LeagueRow>) -> (LeagueResult, Vec<Generated>) {
        let summary = summarize(&self.strategies, &rows);
        let result = LeagueResult {
            settings: self.settings,
            seed: self.seed,
            scenarios: self
                .generated
                .iter()
                .map(|g| ScenarioInfo {
                    label: g.label.clone(),
                    shape: g.shape.name().into(),
                    outcomes: g.outcomes,
                    deadline: g.steps,
                })
                .collect(),
            strategies: self.strategies,
            rows,
            summary,
        };
        (result, self.generated)
    }
}

/// The outcomes τ is computed over: all of them, or a seeded sample of
/// [`TAU_SAMPLE`] (drawn with replacement) where there are more.
fn sample(p: &Prepared, seed: u64) -> Vec<OutcomeId> {
    let n = p.space.len();
    if n <= TAU_SAMPLE {
        return (0..n as OutcomeId).collect();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..TAU_SAMPLE)
        .map(|_| rng.random_range(0..n as OutcomeId))
        .collect()
}

/// τ between `model`'s estimates and seat `side`'s utilities over
/// `outcomes`; `None` without a model; the model's error if it failed.
fn model_tau(
    model: &Handle,
    p: &Prepared,
    side: usize,
    outcomes: &[OutcomeId],
) -> Result<Option<f64>, ModelError> {
    let m = model.lock().unwrap_or_else(|e| e.into_inner());
    let Some(estimate) = m.opponent_utilities(outcomes)? else {
        return Ok(None);
    };
    if estimate.len() != outcomes.len() {
        return Err(ModelError(format!(
            "{} estimates for {} outcomes",
            estimate.len(),
            outcomes.len()
        )));
    }
    if let Some(bad) = estimate.iter().find(|u| !u.is_finite()) {
        return Err(ModelError(format!("estimated a utility of {bad}")));
    }
    let truth: Vec<f64> = outcomes.iter().map(|&o| p.prefs[side].utility(o)).collect();
    Ok(score::kendall_tau_b(&estimate, &truth))
}

/// Each strategy's means over every seat it held, in `strategies` order.
pub fn summarize(strategies: &[String], rows: &[LeagueRow]) -> Vec<LeagueSummary> {
    strategies
        .iter()
        .map(|s| {
            let (mut n, mut agreements, mut adv) = (0u64, 0u64, 0.0);
            let (mut conceal, mut score, mut scored) = (0.0, 0.0, false);
            for r in rows {
                let seats = [
                    (&r.strategy_a, r.advantage_a, r.concealment_a, r.score_a),
                    (&r.strategy_b, r.advantage_b, r.concealment_b, r.score_b),
                ];
                for (name, a, c, sc) in seats {
                    if name != s {
                        continue;
                    }
                    n += 1;
                    agreements += u64::from(r.agreement);
                    adv += a;
                    if let (Some(c), Some(sc)) = (c, sc) {
                        conceal += c;
                        score += sc;
                        scored = true;
                    }
                }
            }
            let mean = |x: f64| if n == 0 { 0.0 } else { x / n as f64 };
            LeagueSummary {
                strategy: s.clone(),
                negotiations: n,
                agreements,
                mean_advantage: mean(adv),
                mean_concealment: scored.then(|| mean(conceal)),
                mean_score: scored.then(|| mean(score)),
            }
        })
        .collect()
}

/// Writes `league.json` (settings, seed, strategies, scenarios, summary),
/// `negotiations.jsonl`, `negotiations.csv`, `summary.csv` and, when
/// `generated` is given, each scenario as `scenarios/<label>.toml`; then
/// removes the partial file of [`Plan::run_into`], if any.
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
        negotiations: usize,
        scenarios: &'a [ScenarioInfo],
        summary: &'a [LeagueSummary],
    }
    let head = Head {
        league: result.settings.league().name(),
        settings: &result.settings,
        seed: result.seed,
        strategies: &result.strategies,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny(league: League) -> Settings {
        league
            .settings()
            .with_scenarios(3)
            .unwrap()
            .with_outcomes(15, 25)
            .unwrap()
            .with_steps(20, 40)
            .unwrap()
            .with_reps(1)
            .unwrap()
    }

    /// The league of built-in strategies, without progress.
    fn play(
        s: &Settings,
        strategies: Vec<String>,
        seed: u64,
        threads: usize,
    ) -> Result<(LeagueResult, Vec<Generated>), SimError> {
        run(
            s,
            strategies,
            seed,
            threads,
            &negotiator::Builder::default(),
            &|_| {},
        )
    }

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn same_seed_same_rows_whatever_the_threads() {
        let s = tiny(League::Anl2026);
        let st = names(&["boulware", "nash-seeker", "linear"]);
        let (a, _) = play(&s, st.clone(), 4, 1).unwrap();
        let (b, _) = play(&s, st.clone(), 4, 2).unwrap();
        assert_eq!(a.rows, b.rows);
        // 3 strategies with self-play: 9 ordered pairs per scenario.
        assert_eq!(a.rows.len(), 3 * 9);
        assert!(a.rows.iter().enumerate().all(|(i, r)| r.id == i as u64));
    }

    #[test]
    fn scores_follow_from_the_rows() {
        let s = tiny(League::Anl2026);
        let st = names(&["nash-seeker", "conceder"]);
        let (res, _) = play(&s, st.clone(), 9, 0).unwrap();
        for r in &res.rows {
            let a = score::advantage(r.agreement, r.utility_a, r.reservation_a, r.best_a);
            assert_eq!(a, r.advantage_a);
            assert_eq!(r.concealment_a, Some(score::concealment(r.tau_a)));
            assert_eq!(r.score_a, Some(r.advantage_a + r.concealment_a.unwrap()));
            if !r.agreement {
                assert_eq!((r.advantage_a, r.advantage_b), (0.0, 0.0));
            }
            // Only the frequency model measures anything: a conceder seat
            // facing a conceder is never modelled.
            if r.strategy_b == "conceder" {
                assert_eq!(r.tau_a, None);
            }
        }
        // The frequency model, having seen offers, ranks the outcomes.
        assert!(
            res.rows
                .iter()
                .any(|r| r.strategy_a == "nash-seeker" && r.tau_b.is_some())
        );
        let again = summarize(&st, &res.rows);
        assert_eq!(again, res.summary);
        assert_eq!(res.summary[0].negotiations, 3 * 4);
    }

    #[test]
    fn each_seat_is_told_its_own_reservation_value_only() {
        let s = tiny(League::Anl2024);
        let generated = generate::generate(&s, 5).unwrap();
        for g in &generated {
            let t = Tournament::new(
                vec![(g.label.clone(), g.prepared.clone())],
                names(&["boulware", "linear"]),
                g.steps,
                1,
                5,
                true,
            )
            .unwrap();
            for job in t.jobs() {
                t.play_with(
                    &job,
                    &mut |name, info| {
                        // A seat holds one table: its own party's, with its
                        // own reservation value.
                        assert_eq!(info.prefs.party, g.prepared.negotiators[info.seat]);
                        assert_eq!(info.prefs.reservation, Some(g.reservations[info.seat]));
                        negotiator::build(name, info)
                    },
                    &Faults::default(),
                )
                .unwrap();
            }
        }
    }

    #[test]
    fn anl2024_has_no_concealment() {
        let s = tiny(League::Anl2024);
        let (res, _) = play(&s, names(&["boulware", "linear"]), 1, 0).unwrap();
        assert!(
            res.rows
                .iter()
                .all(|r| r.concealment_a.is_none() && r.tau_b.is_none())
        );
        assert!(res.summary.iter().all(|s| s.mean_score.is_none()));
    }

    #[test]
    fn files_are_written_and_read_back() {
        let s = tiny(League::Anl2024);
        let (res, generated) = play(&s, names(&["boulware", "linear"]), 1, 0).unwrap();
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &res, Some(&generated)).unwrap();
        let text = std::fs::read_to_string(dir.path().join("negotiations.jsonl")).unwrap();
        let back: Vec<LeagueRow> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(back, res.rows);
        for g in &generated {
            let t = std::fs::read_to_string(dir.path().join(format!("scenarios/{}.toml", g.label)))
                .unwrap();
            assert_eq!(t, g.toml);
        }
    }

    /// A linear negotiator whose opponent model is the opponent's true
    /// utilities (`sign` 1), reversed (`sign` -1), or fails (`sign` 0).
    struct Oracle {
        inner: Box<dyn negotiator::Negotiator>,
        truth: Vec<f64>,
        sign: f64,
    }

    impl negotiator::Negotiator for Oracle {
        fn respond(
            &mut self,
            now: &negotiator::Now,
            offer: OutcomeId,
            proposer: usize,
        ) -> negotiator::Response {
            self.inner.respond(now, offer, proposer)
        }
        fn propose(&mut self, now: &negotiator::Now) -> Option<OutcomeId> {
            self.inner.propose(now)
        }
        fn vote(
            &mut self,
            now: &negotiator::Now,
            current: Option<OutcomeId>,
            proposal: OutcomeId,
        ) -> bool {
            self.inner.vote(now, current, proposal)
        }
        fn opponent_utilities(
            &self,
            outcomes: &[OutcomeId],
        ) -> Result<Option<Vec<f64>>, ModelError> {
            if self.sign == 0.0 {
                return Err(ModelError("no answer".into()));
            }
            Ok(Some(
                outcomes
                    .iter()
                    .map(|&o| self.sign * self.truth[o as usize])
                    .collect(),
            ))
        }
    }

    /// The league of `oracle` (an [`Oracle`] of `sign`) and `linear`.
    fn oracle_league(sign: f64) -> Result<LeagueResult, SimError> {
        let s = tiny(League::Anl2026);
        let generated = generate::generate(&s, 3).unwrap();
        let plan = Plan::new(&s, generated, names(&["oracle", "linear"]), 3, &|n| {
            n == "oracle"
        })?;
        let rows = (0..plan.negotiations() as u64)
            .map(|id| {
                let p = plan.generated()[plan.scenario(id).unwrap()]
                    .prepared
                    .clone();
                plan.play_with(
                    id,
                    &mut |name, info| {
                        if name != "oracle" {
                            return negotiator::build(name, info);
                        }
                        Ok(Box::new(Oracle {
                            inner: negotiator::build("linear", info)?,
                            truth: p.prefs[1 - info.seat].utils.clone(),
                            sign,
                        }))
                    },
                    &Faults::default(),
                )
                .map(|(row, _)| row)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(plan.finish(rows).0)
    }

    #[test]
    fn custom_negotiators_are_asked_for_their_model_of_the_opponent() {
        let exact = oracle_league(1.0).unwrap();
        let backwards = oracle_league(-1.0).unwrap();
        // The oracle plays as linear does: the same negotiations.
        let (builtin, _) = play(&tiny(League::Anl2026), names(&["linear"]), 3, 1).unwrap();
        for (r, b) in exact.rows.iter().zip(&backwards.rows) {
            let (ta, tb) = (&r.strategy_a, &r.strategy_b);
            // Seat b's model of seat a gives τ_a.
            let expect = |model: &str, sign: f64| (model == "oracle").then_some(sign);
            assert_eq!(r.tau_a, expect(tb, 1.0), "{r:?}");
            assert_eq!(r.tau_b, expect(ta, 1.0), "{r:?}");
            assert_eq!(b.tau_a, expect(tb, -1.0), "{b:?}");
            assert_eq!(b.tau_b, expect(ta, -1.0), "{b:?}");
            if tb == "oracle" {
                assert_eq!((r.concealment_a, b.concealment_a), (Some(0.0), Some(1.0)));
            }
            assert_eq!((r.utility_a, r.steps), (b.utility_a, b.steps));
        }
        let both: Vec<&LeagueRow> = exact
            .rows
            .iter()
            .filter(|r| r.strategy_a == "oracle" && r.strategy_b == "oracle")
            .collect();
        let linear: Vec<&LeagueRow> = builtin.rows.iter().collect();
        assert_eq!(both.len(), linear.len());
        for (o, l) in both.iter().zip(linear) {
            assert_eq!(
                (o.utility_a, o.utility_b, o.steps),
                (l.utility_a, l.utility_b, l.steps)
            );
        }
        match oracle_league(0.0) {
            Err(SimError::OpponentModel {
                strategy, source, ..
            }) => {
                assert_eq!(strategy, "oracle");
                assert_eq!(source.0, "no answer");
            }
            other => panic!("expected the model's error, got {other:?}"),
        }
    }

    #[test]
    fn progress_counts_every_negotiation_and_llm_needs_a_model() {
        let s = tiny(League::Anl2024);
        let seen = Mutex::new(Vec::new());
        let (res, _) = run(
            &s,
            names(&["boulware", "linear"]),
            1,
            2,
            &negotiator::Builder::default(),
            &|p| seen.lock().unwrap().push(p),
        )
        .unwrap();
        let mut seen = seen.into_inner().unwrap();
        let total = res.rows.len() as u64;
        assert_eq!(seen[0], Progress { done: 0, total });
        seen.sort_by_key(|p| p.done);
        let done: Vec<u64> = seen.iter().map(|p| p.done).collect();
        assert_eq!(done, (0..=total).collect::<Vec<_>>());
        let llm = play(&s, names(&["boulware", "llm"]), 1, 1);
        assert!(matches!(llm, Err(SimError::NoModel)), "{:?}", llm.err());
    }

    #[test]
    fn a_league_run_into_a_folder_resumes_its_partial_file() {
        let s = tiny(League::Anl2026);
        let st = names(&["nash-seeker", "linear"]);
        let builder = negotiator::Builder::default();
        let plan = Plan::new(&s, generate::generate(&s, 8).unwrap(), st, 8, &|_| false).unwrap();
        let whole = plan.run(&builder, 1, &|_| {}).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let first = plan.run_into(dir.path(), &builder, 2, &|_| {}).unwrap();
        assert_eq!(first, whole);
        // Cut after the header and 5 rows, the sixth cut short.
        let path = dir.path().join(PARTIAL);
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + whole.len());
        let mut cut: String = lines[..6].iter().map(|l| format!("{l}\n")).collect();
        cut += &lines[6][..20];
        std::fs::write(&path, &cut).unwrap();
        let seen = Mutex::new(Vec::new());
        let again = plan
            .run_into(dir.path(), &builder, 2, &|p| seen.lock().unwrap().push(p))
            .unwrap();
        assert_eq!(again, whole);
        let seen = seen.into_inner().unwrap();
        let total = whole.len() as u64;
        assert_eq!(seen[0], Progress { done: 5, total });
        assert_eq!(seen.len() as u64, 1 + total - 5);
        // Another seed's plan is refused the folder.
        let other = Plan::new(
            &s,
            generate::generate(&s, 9).unwrap(),
            names(&["nash-seeker", "linear"]),
            9,
            &|_| false,
        )
        .unwrap();
        let refused = other.run_into(dir.path(), &builder, 1, &|_| {});
        assert!(matches!(refused, Err(SimError::OtherLeague { .. })));
        let (res, generated) = plan.finish(again);
        write(dir.path(), &res, Some(&generated)).unwrap();
        assert!(!path.exists());
    }
}
