//! Tournaments: every pair of strategies on every scenario, in both role
//! orders, repeated — in parallel, in shards, resumably, reproducibly.
//!
//! Negotiations are numbered in one fixed order (scenario, pair, role
//! order, repetition) and each one's seed is derived from the tournament
//! seed and its number alone, so a negotiation's result does not depend on
//! which thread, process or cluster node plays it. `--shard i/n` plays the
//! negotiations whose number is i − 1 modulo n; [`merge`] puts shards back
//! together. Finished rows are appended to `negotiations.jsonl.partial` as
//! they come in, so an interrupted run picks up where it stopped; the final
//! files are sorted by negotiation number and hold no timings, so the same
//! seed gives byte-identical files whatever the number of threads or shards.
//!
//! Files written to the output folder:
//!
//! * `manifest.json` — the tournament's parameters (and the shard, if any);
//! * `negotiations.csv`, `negotiations.jsonl` — one row per negotiation;
//! * `summary.csv`, `summary.json` — one row per strategy.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::SimError;
use crate::metrics::Metrics;
use crate::negotiator;
use crate::prefs::Prepared;
use crate::runner::{Config, derive_seed, negotiate};
use crate::session::End;

/// A tournament's parameters; two runs with equal manifests play the same
/// negotiations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Scenario labels (as given), in order.
    pub scenarios: Vec<String>,
    pub strategies: Vec<String>,
    pub steps: usize,
    pub reps: usize,
    pub seed: u64,
    pub self_play: bool,
    /// Negotiations in the whole tournament.
    pub negotiations: u64,
    /// `(i, n)`: this folder holds shard i of n.
    pub shard: Option<(usize, usize)>,
}

/// One negotiation to play.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    pub id: u64,
    pub scenario: usize,
    /// Strategy indices of seat 0 and of the other seat(s).
    pub first: usize,
    pub second: usize,
    pub rep: usize,
}

/// One row of `negotiations.csv` / `.jsonl` (seat a proposes first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub id: u64,
    pub scenario: String,
    pub rep: usize,
    pub strategy_a: String,
    pub strategy_b: String,
    pub party_a: String,
    pub party_b: String,
    pub agreement: bool,
    /// `issue=value; …` of the agreement, empty without one.
    pub package: String,
    pub steps: usize,
    /// agreement, deadline, ended or invalid.
    pub end: String,
    pub utility_a: f64,
    pub utility_b: f64,
    /// Each party's utility of no agreement.
    pub reservation_a: f64,
    pub reservation_b: f64,
    pub welfare: f64,
    pub distance_frontier: Option<f64>,
    pub distance_nash: Option<f64>,
}

/// One row of the summary: a strategy's record over every seat it took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub strategy: String,
    /// Seats taken (a self-play negotiation counts twice).
    pub negotiations: u64,
    pub agreements: u64,
    pub agreement_rate: f64,
    pub mean_utility: f64,
    /// Mean of utility − utility of no agreement.
    pub mean_advantage: f64,
    /// Mean sum of both parties' utilities.
    pub mean_welfare: f64,
    pub mean_distance_frontier: Option<f64>,
    pub mean_distance_nash: Option<f64>,
}

/// A tournament ready to play.
pub struct Tournament {
    pub manifest: Manifest,
    scenarios: Vec<(Prepared, Metrics)>,
}

impl Tournament {
    /// `scenarios`: label and prepared scenario (exactly two negotiators each).
    pub fn new(
        scenarios: Vec<(String, Prepared)>,
        strategies: Vec<String>,
        steps: usize,
        reps: usize,
        seed: u64,
        self_play: bool,
    ) -> Result<Self, SimError> {
        for s in &strategies {
            negotiator::check(s)?;
        }
        if steps == 0 {
            return Err(SimError::NoDeadline("0 rounds".into()));
        }
        if reps == 0 {
            return Err(SimError::Invalid("--reps must be at least 1".into()));
        }
        let distinct: std::collections::BTreeSet<&String> = strategies.iter().collect();
        if distinct.len() != strategies.len() {
            return Err(SimError::Invalid("a strategy is listed twice".into()));
        }
        if strategies.len() < 2 && !self_play {
            return Err(SimError::Invalid(
                "a tournament needs at least two strategies (or --self-play)".into(),
            ));
        }
        for (label, p) in &scenarios {
            if p.prefs.len() != 2 {
                return Err(SimError::Invalid(format!(
                    "{label}: tournaments are bilateral; this scenario has {} negotiators",
                    p.prefs.len()
                )));
            }
        }
        let labels: Vec<String> = scenarios.iter().map(|s| s.0.clone()).collect();
        let scenarios: Vec<(Prepared, Metrics)> = scenarios
            .into_par_iter()
            .map(|(_, p)| {
                let m = Metrics::new(&p);
                (p, m)
            })
            .collect();
        let mut t = Tournament {
            manifest: Manifest {
                scenarios: labels,
                strategies,
                steps,
                reps,
                seed,
                self_play,
                negotiations: 0,
                shard: None,
            },
            scenarios,
        };
        t.manifest.negotiations = t.jobs().len() as u64;
        Ok(t)
    }

    /// Every negotiation, in number order.
    pub fn jobs(&self) -> Vec<Job> {
        let m = &self.manifest;
        let k = m.strategies.len();
        let mut jobs = Vec::new();
        for scenario in 0..m.scenarios.len() {
            for i in 0..k {
                for j in i..k {
                    let orders: &[(usize, usize)] = if i == j {
                        if !m.self_play {
                            continue;
                        }
                        &[(i, i)]
                    } else {
                        &[(i, j), (j, i)]
                    };
                    for &(first, second) in orders {
                        for rep in 0..m.reps {
                            jobs.push(Job {
                                id: jobs.len() as u64,
                                scenario,
                                first,
                                second,
                                rep,
                            });
                        }
                    }
                }
            }
        }
        jobs
    }

    /// Plays one negotiation.
    pub fn play(&self, job: &Job) -> Result<Row, SimError> {
        let m = &self.manifest;
        let (p, metrics) = &self.scenarios[job.scenario];
        let (a, b) = (&m.strategies[job.first], &m.strategies[job.second]);
        let config = Config::sao(m.steps, derive_seed(m.seed, job.id));
        let r = negotiate(p, &[a, b], &config)?;
        let d: Vec<f64> = p.prefs.iter().map(|x| x.disagreement()).collect();
        let package = r.agreement.map_or_else(String::new, |o| {
            p.package(o)
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        });
        Ok(Row {
            id: job.id,
            scenario: m.scenarios[job.scenario].clone(),
            rep: job.rep,
            strategy_a: a.clone(),
            strategy_b: b.clone(),
            party_a: p.prefs[0].name.clone(),
            party_b: p.prefs[1].name.clone(),
            agreement: r.agreement.is_some(),
            package,
            steps: r.steps,
            end: match r.end {
                End::Agreement => "agreement",
                End::Deadline => "deadline",
                End::Ended { .. } => "ended",
                End::Invalid { .. } => "invalid",
            }
            .into(),
            utility_a: r.utilities[0],
            utility_b: r.utilities[1],
            reservation_a: d[0],
            reservation_b: d[1],
            welfare: r.utilities[0] + r.utilities[1],
            distance_frontier: metrics.to_frontier(&r.utilities),
            distance_nash: metrics.to_nash(&r.utilities),
        })
    }

    /// Plays this shard (`(i, n)`, i from 1) or everything into `out` on
    /// `threads` threads (0: all cores), resuming what a previous run of the
    /// same tournament left there; returns the summary.
    pub fn run(
        &self,
        out: &Path,
        shard: Option<(usize, usize)>,
        threads: usize,
        progress: bool,
    ) -> Result<Vec<SummaryRow>, SimError> {
        if let Some((i, n)) = shard {
            if n == 0 || i == 0 || i > n {
                return Err(SimError::Invalid(format!(
                    "--shard {i}/{n}: give i/n with 1 ≤ i ≤ n"
                )));
            }
        }
        let io = |e: std::io::Error, what: &Path| SimError::Io(format!("{}: {e}", what.display()));
        fs::create_dir_all(out).map_err(|e| io(e, out))?;
        let manifest = Manifest {
            shard,
            ..self.manifest.clone()
        };
        let manifest_path = out.join("manifest.json");
        if manifest_path.exists() {
            let old: Manifest = read_json(&manifest_path)?;
            if old != manifest {
                return Err(SimError::Invalid(format!(
                    "{} holds another tournament (its manifest.json differs); use a new --out folder",
                    out.display()
                )));
            }
        }
        write_text(&manifest_path, &(pretty(&manifest)? + "\n"))?;

        // Resume: rows already played.
        let partial = out.join("negotiations.jsonl.partial");
        let mut rows: BTreeMap<u64, Row> = BTreeMap::new();
        if partial.exists() {
            for row in read_rows(&partial, true)? {
                rows.insert(row.id, row);
            }
        }
        let todo: Vec<Job> = self
            .jobs()
            .into_iter()
            .filter(|j| shard.is_none_or(|(i, n)| j.id % n as u64 == (i - 1) as u64))
            .filter(|j| !rows.contains_key(&j.id))
            .collect();
        let bar = if progress {
            let total = todo.len() as u64 + rows.len() as u64;
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:40}] {pos}/{len} negotiations ({per_sec}, eta {eta})",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar.set_position(rows.len() as u64);
            bar
        } else {
            ProgressBar::hidden()
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&partial)
            .map_err(|e| io(e, &partial))?;
        let writer = Mutex::new(BufWriter::new(file));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| SimError::Invalid(e.to_string()))?;
        let new_rows: Vec<Row> = pool.install(|| {
            todo.par_iter()
                .map(|job| {
                    let row = self.play(job)?;
                    let line = serde_json::to_string(&row).expect("rows serialise") + "\n";
                    let mut w = writer.lock().expect("no panics while writing");
                    w.write_all(line.as_bytes()).map_err(|e| io(e, &partial))?;
                    if job.id % 64 == 0 {
                        w.flush().map_err(|e| io(e, &partial))?;
                    }
                    drop(w);
                    bar.inc(1);
                    Ok(row)
                })
                .collect::<Result<Vec<_>, SimError>>()
        })?;
        writer
            .into_inner()
            .expect("no panics while writing")
            .flush()
            .map_err(|e| io(e, &partial))?;
        bar.finish_and_clear();
        for row in new_rows {
            rows.insert(row.id, row);
        }
        let rows: Vec<Row> = rows.into_values().collect();
        let summary = write_results(out, &manifest, &rows)?;
        fs::remove_file(&partial).map_err(|e| io(e, &partial))?;
        Ok(summary)
    }
}

fn pretty<T: Serialize>(v: &T) -> Result<String, SimError> {
    serde_json::to_string_pretty(v).map_err(|e| SimError::Io(e.to_string()))
}

fn write_text(path: &Path, text: &str) -> Result<(), SimError> {
    fs::write(path, text).map_err(|e| SimError::Io(format!("{}: {e}", path.display())))
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, SimError> {
    let text =
        fs::read_to_string(path).map_err(|e| SimError::Io(format!("{}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| SimError::Io(format!("{}: {e}", path.display())))
}

/// Rows of a JSON Lines file; with `lenient`, a torn last line (an
/// interrupted write) is ignored.
fn read_rows(path: &Path, lenient: bool) -> Result<Vec<Row>, SimError> {
    let file = File::open(path).map_err(|e| SimError::Io(format!("{}: {e}", path.display())))?;
    let mut rows = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| SimError::Io(format!("{}: {e}", path.display())))?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Row>(&line) {
            Ok(r) => rows.push(r),
            Err(_) if lenient => continue,
            Err(e) => {
                return Err(SimError::Io(format!("{}:{}: {e}", path.display(), n + 1)));
            }
        }
    }
    Ok(rows)
}

/// Per-strategy summary of `rows`, strategies in manifest order.
pub fn summarize(strategies: &[String], rows: &[Row]) -> Vec<SummaryRow> {
    #[derive(Default)]
    struct Acc {
        n: u64,
        agreements: u64,
        utility: f64,
        advantage: f64,
        welfare: f64,
        frontier: (f64, u64),
        nash: (f64, u64),
    }
    let mut acc: Vec<Acc> = strategies.iter().map(|_| Acc::default()).collect();
    for r in rows {
        for (s, u, d) in [
            (&r.strategy_a, r.utility_a, r.reservation_a),
            (&r.strategy_b, r.utility_b, r.reservation_b),
        ] {
            let Some(k) = strategies.iter().position(|x| x == s) else {
                continue;
            };
            let a = &mut acc[k];
            a.n += 1;
            a.agreements += r.agreement as u64;
            a.utility += u;
            a.advantage += u - d;
            a.welfare += r.welfare;
            if let Some(x) = r.distance_frontier {
                a.frontier.0 += x;
                a.frontier.1 += 1;
            }
            if let Some(x) = r.distance_nash {
                a.nash.0 += x;
                a.nash.1 += 1;
            }
        }
    }
    let mean = |s: f64, n: u64| if n == 0 { 0.0 } else { s / n as f64 };
    let opt = |(s, n): (f64, u64)| (n > 0).then(|| s / n as f64);
    strategies
        .iter()
        .zip(acc)
        .map(|(s, a)| SummaryRow {
            strategy: s.clone(),
            negotiations: a.n,
            agreements: a.agreements,
            agreement_rate: mean(a.agreements as f64, a.n),
            mean_utility: mean(a.utility, a.n),
            mean_advantage: mean(a.advantage, a.n),
            mean_welfare: mean(a.welfare, a.n),
            mean_distance_frontier: opt(a.frontier),
            mean_distance_nash: opt(a.nash),
        })
        .collect()
}

/// Writes the result files for `rows` (sorted by id) and returns the summary.
pub fn write_results(
    out: &Path,
    manifest: &Manifest,
    rows: &[Row],
) -> Result<Vec<SummaryRow>, SimError> {
    let csv_err = |e: csv::Error| SimError::Io(e.to_string());
    let mut jsonl = String::new();
    for r in rows {
        jsonl += &(serde_json::to_string(r).expect("rows serialise") + "\n");
    }
    write_text(&out.join("negotiations.jsonl"), &jsonl)?;
    let mut w = csv::Writer::from_path(out.join("negotiations.csv")).map_err(csv_err)?;
    for r in rows {
        w.serialize(r).map_err(csv_err)?;
    }
    w.flush().map_err(|e| SimError::Io(e.to_string()))?;
    let summary = summarize(&manifest.strategies, rows);
    let mut w = csv::Writer::from_path(out.join("summary.csv")).map_err(csv_err)?;
    for r in &summary {
        w.serialize(r).map_err(csv_err)?;
    }
    w.flush().map_err(|e| SimError::Io(e.to_string()))?;
    write_text(&out.join("summary.json"), &(pretty(&summary)? + "\n"))?;
    Ok(summary)
}

/// Combines shard folders into `out`, as one run of the whole tournament
/// would have written it.
pub fn merge(shards: &[PathBuf], out: &Path) -> Result<Vec<SummaryRow>, SimError> {
    let Some(first) = shards.first() else {
        return Err(SimError::Invalid(
            "merge needs at least one shard folder".into(),
        ));
    };
    let base: Manifest = read_json(&first.join("manifest.json"))?;
    let mut rows: BTreeMap<u64, Row> = BTreeMap::new();
    for dir in shards {
        let m: Manifest = read_json(&dir.join("manifest.json"))?;
        let unsharded = |m: &Manifest| Manifest {
            shard: None,
            ..m.clone()
        };
        if unsharded(&m) != unsharded(&base) {
            return Err(SimError::Invalid(format!(
                "{} is a shard of another tournament than {}",
                dir.display(),
                first.display()
            )));
        }
        let file = dir.join("negotiations.jsonl");
        if !file.exists() {
            return Err(SimError::Invalid(format!(
                "{}: no negotiations.jsonl (is this shard finished?)",
                dir.display()
            )));
        }
        for r in read_rows(&file, false)? {
            rows.insert(r.id, r);
        }
    }
    if rows.len() as u64 != base.negotiations {
        return Err(SimError::Invalid(format!(
            "the shards hold {} of the tournament's {} negotiations; missing shards?",
            rows.len(),
            base.negotiations
        )));
    }
    fs::create_dir_all(out).map_err(|e| SimError::Io(format!("{}: {e}", out.display())))?;
    let manifest = Manifest {
        shard: None,
        ..base
    };
    write_text(&out.join("manifest.json"), &(pretty(&manifest)? + "\n"))?;
    let rows: Vec<Row> = rows.into_values().collect();
    write_results(out, &manifest, &rows)
}
