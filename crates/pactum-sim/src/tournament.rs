//! Tournaments: every assignment of strategies to the seats of every
//! scenario (for two negotiators: every pair, in both role orders),
//! repeated — in parallel, in shards, resumably, reproducibly.
//!
//! A scenario with n negotiators is played by every ordered choice of n
//! strategies: without self-play the n seats hold n different strategies;
//! with it a strategy may take several seats (or all of them). The
//! assignments are grouped by the set of strategies they seat (multisets in
//! lexicographic order of strategy index), and within a group come in
//! lexicographic order of the seat tuple; for two negotiators this is the
//! pair (i, j), i < j, as (i, j) then (j, i), with (i, i) before (i, i + 1)
//! under self-play.
//!
//! Negotiations are numbered in one fixed order (scenario, strategy set,
//! seat order, repetition) and each one's seed is derived from the tournament
//! seed and its number alone, so a negotiation's result does not depend on
//! which thread, process or cluster node plays it. Shard i of n plays the
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
//!
//! Rows have two layouts ([`Layout`]): when every scenario has two
//! negotiators, the bilateral one (`strategy_a`, `strategy_b`, … columns);
//! otherwise the seat layout, with arrays per seat in JSON Lines and
//! numbered seat columns (up to the largest number of negotiators) in CSV.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::SimError;
use crate::metrics::Metrics;
use crate::negotiator;
use crate::prefs::Prepared;
use crate::runner::{Config, derive_seed, negotiate};
use crate::session::End;

/// How far a tournament run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Negotiations finished (those resumed from an earlier run included).
    pub done: u64,
    /// Negotiations of this run (of its shard, when sharded).
    pub total: u64,
}

/// A tournament's parameters; two runs with equal manifests play the same
/// negotiations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Scenario labels (as given), in order.
    pub scenarios: Vec<String>,
    /// Negotiators of each scenario, in order; present only when a scenario
    /// has more than two (a bilateral tournament's manifest does not change).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negotiators: Option<Vec<usize>>,
    /// Strategy names, in the order given.
    pub strategies: Vec<String>,
    /// Deadline in rounds.
    pub steps: usize,
    /// Repetitions of each assignment.
    pub reps: usize,
    /// The tournament seed.
    pub seed: u64,
    /// Whether a strategy may take several seats.
    pub self_play: bool,
    /// Negotiations in the whole tournament.
    pub negotiations: u64,
    /// `(i, n)`: this folder holds shard i of n.
    pub shard: Option<(usize, usize)>,
    /// Some scenario discounts its results: rows carry the discounted
    /// utilities too. Written only when true (a tournament without
    /// discounting keeps its manifest).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub discount: bool,
}

/// One negotiation to play.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The negotiation's number.
    pub id: u64,
    /// Index of the scenario.
    pub scenario: usize,
    /// Strategy indices of seat 0 (which proposes first) and seat 1.
    pub first: usize,
    /// Strategy index of the second seat.
    pub second: usize,
    /// Strategy indices of seats 2, 3, … (empty with two negotiators).
    pub rest: Vec<usize>,
    /// Repetition, from 0.
    pub rep: usize,
}

impl Job {
    /// Strategy index of every seat, in seat order.
    pub fn seats(&self) -> Vec<usize> {
        let mut v = vec![self.first, self.second];
        v.extend_from_slice(&self.rest);
        v
    }
}

/// One negotiation's result, seats in scenario order (seat 0 proposes
/// first). Serialised as is in the seat layout; see [`Layout`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The negotiation's number.
    pub id: u64,
    /// The scenario's label.
    pub scenario: String,
    /// Repetition, from 0.
    pub rep: usize,
    /// Strategy of each seat.
    pub strategies: Vec<String>,
    /// Party of each seat.
    pub parties: Vec<String>,
    /// Whether it ended in agreement.
    pub agreement: bool,
    /// `issue=value; …` of the agreement, empty without one.
    pub package: String,
    /// Rounds started.
    pub steps: usize,
    /// agreement, deadline, ended or invalid.
    pub end: String,
    /// Each seat's utility of the result.
    pub utilities: Vec<f64>,
    /// Each seat's utility of no agreement.
    pub reservations: Vec<f64>,
    /// Sum of every seat's utility.
    pub welfare: f64,
    /// Distance to the nearest Pareto-frontier point, if any.
    pub distance_frontier: Option<f64>,
    /// Distance to the Nash point, if any.
    pub distance_nash: Option<f64>,
    /// Relative time at which the negotiation ended (discounted
    /// tournaments only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<f64>,
    /// Each seat's utility of the result discounted to `time` (discounted
    /// tournaments only; equal to `utilities` for a seat without a discount
    /// factor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discounted_utilities: Option<Vec<f64>>,
}

/// A two-party row as the bilateral layout writes it (seat a proposes
/// first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct BilateralRow {
    id: u64,
    scenario: String,
    rep: usize,
    strategy_a: String,
    strategy_b: String,
    party_a: String,
    party_b: String,
    agreement: bool,
    package: String,
    steps: usize,
    end: String,
    utility_a: f64,
    utility_b: f64,
    reservation_a: f64,
    reservation_b: f64,
    welfare: f64,
    distance_frontier: Option<f64>,
    distance_nash: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    discounted_utility_a: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    discounted_utility_b: Option<f64>,
}

impl BilateralRow {
    fn of(r: &Row) -> Result<Self, SimError> {
        if r.strategies.len() != 2 || r.parties.len() != 2 {
            return Err(SimError::Invalid(format!(
                "negotiation {} has {} seats, not 2",
                r.id,
                r.strategies.len()
            )));
        }
        Ok(BilateralRow {
            id: r.id,
            scenario: r.scenario.clone(),
            rep: r.rep,
            strategy_a: r.strategies[0].clone(),
            strategy_b: r.strategies[1].clone(),
            party_a: r.parties[0].clone(),
            party_b: r.parties[1].clone(),
            agreement: r.agreement,
            package: r.package.clone(),
            steps: r.steps,
            end: r.end.clone(),
            utility_a: r.utilities[0],
            utility_b: r.utilities[1],
            reservation_a: r.reservations[0],
            reservation_b: r.reservations[1],
            welfare: r.welfare,
            distance_frontier: r.distance_frontier,
            distance_nash: r.distance_nash,
            time: r.time,
            discounted_utility_a: r.discounted_utilities.as_ref().map(|d| d[0]),
            discounted_utility_b: r.discounted_utilities.as_ref().map(|d| d[1]),
        })
    }

    fn into_row(self) -> Row {
        Row {
            id: self.id,
            scenario: self.scenario,
            rep: self.rep,
            strategies: vec![self.strategy_a, self.strategy_b],
            parties: vec![self.party_a, self.party_b],
            agreement: self.agreement,
            package: self.package,
            steps: self.steps,
            end: self.end,
            utilities: vec![self.utility_a, self.utility_b],
            reservations: vec![self.reservation_a, self.reservation_b],
            welfare: self.welfare,
            distance_frontier: self.distance_frontier,
            distance_nash: self.distance_nash,
            time: self.time,
            discounted_utilities: self
                .discounted_utility_a
                .zip(self.discounted_utility_b)
                .map(|(a, b)| vec![a, b]),
        }
    }
}

/// How rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Every scenario has two negotiators: JSON Lines and CSV with
    /// `strategy_a`, `strategy_b`, `party_a`, `party_b`, `utility_a`,
    /// `utility_b`, `reservation_a` and `reservation_b`.
    Bilateral,
    /// Some scenario has more: JSON Lines with the arrays `strategies`,
    /// `parties`, `utilities` and `reservations` (one entry per seat), CSV
    /// with a `seats` column and numbered columns `strategy_1` …
    /// `strategy_N` (and likewise for the others) up to the largest number
    /// of negotiators N, empty past a negotiation's own seats.
    Seats(usize),
}

impl Layout {
    /// The layout of a tournament described by `manifest`.
    pub fn of(manifest: &Manifest) -> Self {
        match &manifest.negotiators {
            Some(n) => Layout::Seats(n.iter().copied().max().unwrap_or(2)),
            None => Layout::Bilateral,
        }
    }

    /// One JSON line (without its newline).
    fn json(self, row: &Row) -> Result<String, SimError> {
        let text = match self {
            Layout::Bilateral => serde_json::to_string(&BilateralRow::of(row)?),
            Layout::Seats(_) => serde_json::to_string(row),
        };
        Ok(text.expect("rows serialise"))
    }

    fn parse(self, line: &str) -> serde_json::Result<Row> {
        match self {
            Layout::Bilateral => serde_json::from_str::<BilateralRow>(line).map(|r| r.into_row()),
            Layout::Seats(_) => serde_json::from_str(line),
        }
    }
}

/// One cell of a seat-layout CSV row.
#[derive(Serialize)]
#[serde(untagged)]
enum Cell<'a> {
    Text(&'a str),
    Int(u64),
    Float(Option<f64>),
    Bool(bool),
}

/// One row of the summary: a strategy's record over every seat it took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    /// The strategy.
    pub strategy: String,
    /// Seats taken (a negotiation counts once per seat the strategy holds).
    pub negotiations: u64,
    /// Negotiations it reached agreement in.
    pub agreements: u64,
    /// `agreements` per seat played.
    pub agreement_rate: f64,
    /// Mean utility over its seats.
    pub mean_utility: f64,
    /// Mean of utility − utility of no agreement.
    pub mean_advantage: f64,
    /// Mean sum of every party's utility (both parties' in a bilateral
    /// negotiation).
    pub mean_welfare: f64,
    /// Mean distance to the frontier.
    pub mean_distance_frontier: Option<f64>,
    /// Mean distance to the Nash point.
    pub mean_distance_nash: Option<f64>,
    /// Mean discounted utility (discounted tournaments only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_discounted_utility: Option<f64>,
}

/// A tournament ready to play.
pub struct Tournament {
    /// Its parameters.
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
            return Err(SimError::NoDeadline(
                pactum_protocol::DeadlineError::ZeroRounds,
            ));
        }
        if reps == 0 {
            return Err(SimError::NoRepetitions);
        }
        let distinct: std::collections::BTreeSet<&String> = strategies.iter().collect();
        if distinct.len() != strategies.len() {
            return Err(SimError::Invalid("a strategy is listed twice".into()));
        }
        if strategies.len() < 2 && !self_play {
            return Err(SimError::TooFewStrategies);
        }
        for (label, p) in &scenarios {
            let n = p.prefs.len();
            if n < 2 {
                return Err(SimError::Invalid(format!(
                    "{label}: a negotiation needs at least two negotiators; this scenario has {n}"
                )));
            }
            if n > strategies.len() && !self_play {
                return Err(SimError::NotEnoughStrategies {
                    scenario: label.clone(),
                    negotiators: n,
                });
            }
        }
        let labels: Vec<String> = scenarios.iter().map(|s| s.0.clone()).collect();
        let counts: Vec<usize> = scenarios.iter().map(|s| s.1.prefs.len()).collect();
        let negotiators = counts.iter().any(|&n| n != 2).then_some(counts);
        let discount = scenarios.iter().any(|(_, p)| p.discounted());
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
                negotiators,
                strategies,
                steps,
                reps,
                seed,
                self_play,
                negotiations: 0,
                shard: None,
                discount,
            },
            scenarios,
        };
        t.manifest.negotiations = t.jobs().len() as u64;
        Ok(t)
    }

    /// How this tournament's rows are written.
    pub fn layout(&self) -> Layout {
        Layout::of(&self.manifest)
    }

    /// Every negotiation, in number order.
    pub fn jobs(&self) -> Vec<Job> {
        let m = &self.manifest;
        let k = m.strategies.len();
        let mut jobs = Vec::new();
        for (scenario, (p, _)) in self.scenarios.iter().enumerate() {
            for seats in assignments(k, p.prefs.len(), m.self_play) {
                for rep in 0..m.reps {
                    jobs.push(Job {
                        id: jobs.len() as u64,
                        scenario,
                        first: seats[0],
                        second: seats[1],
                        rest: seats[2..].to_vec(),
                        rep,
                    });
                }
            }
        }
        jobs
    }

    /// Plays one negotiation.
    pub fn play(&self, job: &Job) -> Result<Row, SimError> {
        let m = &self.manifest;
        let (p, metrics) = &self.scenarios[job.scenario];
        let strategies: Vec<&str> = job
            .seats()
            .into_iter()
            .map(|s| m.strategies[s].as_str())
            .collect();
        let config = Config::sao(m.steps, derive_seed(m.seed, job.id));
        let r = negotiate(p, &strategies, &config)?;
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
            strategies: strategies.iter().map(|s| s.to_string()).collect(),
            parties: p.names(),
            agreement: r.agreement.is_some(),
            package,
            steps: r.steps,
            end: match r.end {
                End::Agreement { .. } => "agreement",
                End::Deadline => "deadline",
                End::Ended { .. } => "ended",
                End::Deserted => "deserted",
                End::Invalid { .. } => "invalid",
            }
            .into(),
            // Summed in seat order (for two seats: exactly u_a + u_b).
            welfare: r.utilities[1..].iter().fold(r.utilities[0], |s, u| s + u),
            distance_frontier: metrics.to_frontier(&r.utilities),
            distance_nash: metrics.to_nash(&r.utilities),
            reservations: p.prefs.iter().map(|x| x.disagreement()).collect(),
            // Every row of a discounted tournament has both columns (for a
            // scenario without discounting, its undiscounted utilities).
            time: m.discount.then_some(r.time),
            discounted_utilities: m.discount.then(|| {
                r.discounted
                    .as_ref()
                    .map_or_else(|| r.utilities.clone(), |d| d.utilities.clone())
            }),
            utilities: r.utilities,
        })
    }

    /// Plays this shard (`(i, n)`, i from 1) or everything into `out` on
    /// `threads` threads (0: all cores), resuming what a previous run of the
    /// same tournament left there; returns the summary. `progress` is told
    /// how far the run is: once at the start (the rows resumed) and after
    /// each negotiation, from the worker threads (so in no fixed order).
    pub fn run(
        &self,
        out: &Path,
        shard: Option<(usize, usize)>,
        threads: usize,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Vec<SummaryRow>, SimError> {
        if let Some((i, n)) = shard
            && (n == 0 || i == 0 || i > n)
        {
            return Err(SimError::BadShard { shard: i, of: n });
        }
        fs::create_dir_all(out).map_err(SimError::io(out))?;
        let manifest = Manifest {
            shard,
            ..self.manifest.clone()
        };
        let layout = self.layout();
        let manifest_path = out.join("manifest.json");
        if manifest_path.exists() {
            let old: Manifest = read_json(&manifest_path)?;
            if old != manifest {
                return Err(SimError::OtherTournament {
                    folder: out.to_path_buf(),
                });
            }
        }
        write_json(&manifest_path, &manifest)?;

        // Resume: rows already played.
        let partial = out.join("negotiations.jsonl.partial");
        let mut rows: BTreeMap<u64, Row> = BTreeMap::new();
        if partial.exists() {
            for row in read_rows(&partial, layout, true)? {
                rows.insert(row.id, row);
            }
        }
        let todo: Vec<Job> = self
            .jobs()
            .into_iter()
            .filter(|j| shard.is_none_or(|(i, n)| j.id % n as u64 == (i - 1) as u64))
            .filter(|j| !rows.contains_key(&j.id))
            .collect();
        let total = todo.len() as u64 + rows.len() as u64;
        let done = AtomicU64::new(rows.len() as u64);
        progress(Progress {
            done: rows.len() as u64,
            total,
        });
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&partial)
            .map_err(SimError::io(&partial))?;
        let writer = Mutex::new(BufWriter::new(file));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|source| SimError::Threads { threads, source })?;
        let new_rows: Vec<Row> = pool.install(|| {
            todo.par_iter()
                .map(|job| {
                    let row = self.play(job)?;
                    let line = layout.json(&row)? + "\n";
                    let mut w = writer.lock().expect("no panics while writing");
                    w.write_all(line.as_bytes())
                        .map_err(SimError::io(&partial))?;
                    if job.id % 64 == 0 {
                        w.flush().map_err(SimError::io(&partial))?;
                    }
                    drop(w);
                    let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                    progress(Progress { done: d, total });
                    Ok(row)
                })
                .collect::<Result<Vec<_>, SimError>>()
        })?;
        writer
            .into_inner()
            .expect("no panics while writing")
            .flush()
            .map_err(SimError::io(&partial))?;
        for row in new_rows {
            rows.insert(row.id, row);
        }
        let rows: Vec<Row> = rows.into_values().collect();
        let summary = write_results(out, &manifest, &rows)?;
        fs::remove_file(&partial).map_err(SimError::io(&partial))?;
        Ok(summary)
    }
}

/// Writes `v` as pretty JSON and a newline.
fn write_json<T: Serialize>(path: &Path, v: &T) -> Result<(), SimError> {
    let text = serde_json::to_string_pretty(v).map_err(|source| SimError::Json {
        path: path.to_path_buf(),
        line: None,
        source,
    })?;
    write_text(path, &(text + "\n"))
}

fn write_text(path: &Path, text: &str) -> Result<(), SimError> {
    fs::write(path, text).map_err(SimError::io(path))
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, SimError> {
    let text = fs::read_to_string(path).map_err(SimError::io(path))?;
    serde_json::from_str(&text).map_err(|source| SimError::Json {
        path: path.to_path_buf(),
        line: None,
        source,
    })
}

/// Rows of a JSON Lines file; with `lenient`, a torn last line (an
/// interrupted write) is ignored.
fn read_rows(path: &Path, layout: Layout, lenient: bool) -> Result<Vec<Row>, SimError> {
    let file = File::open(path).map_err(SimError::io(path))?;
    let mut rows = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(SimError::io(path))?;
        if line.trim().is_empty() {
            continue;
        }
        match layout.parse(&line) {
            Ok(r) => rows.push(r),
            Err(_) if lenient => continue,
            Err(source) => {
                return Err(SimError::Json {
                    path: path.to_path_buf(),
                    line: Some(n + 1),
                    source,
                });
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
        discounted: (f64, u64),
    }
    let mut acc: Vec<Acc> = strategies.iter().map(|_| Acc::default()).collect();
    for r in rows {
        for (seat, ((s, &u), &d)) in r
            .strategies
            .iter()
            .zip(&r.utilities)
            .zip(&r.reservations)
            .enumerate()
        {
            let Some(k) = strategies.iter().position(|x| x == s) else {
                continue;
            };
            let a = &mut acc[k];
            if let Some(v) = r.discounted_utilities.as_ref().and_then(|v| v.get(seat)) {
                a.discounted.0 += v;
                a.discounted.1 += 1;
            }
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
            mean_discounted_utility: opt(a.discounted),
        })
        .collect()
}

/// The seat layout's CSV header for up to `n` seats (with the discount
/// columns at the end when `discount`).
fn seat_header(n: usize, discount: bool) -> Vec<String> {
    let mut h: Vec<String> = ["id", "scenario", "rep", "seats"].map(String::from).into();
    for what in ["strategy", "party"] {
        h.extend((1..=n).map(|i| format!("{what}_{i}")));
    }
    h.extend(["agreement", "package", "steps", "end"].map(String::from));
    for what in ["utility", "reservation"] {
        h.extend((1..=n).map(|i| format!("{what}_{i}")));
    }
    h.extend(["welfare", "distance_frontier", "distance_nash"].map(String::from));
    if discount {
        h.push("time".into());
        h.extend((1..=n).map(|i| format!("discounted_utility_{i}")));
    }
    h
}

/// One seat-layout CSV row, padded with empty cells to `n` seats.
fn seat_record(r: &Row, n: usize, discount: bool) -> Vec<Cell<'_>> {
    let seats = r.strategies.len();
    fn texts(v: &[String], n: usize) -> impl Iterator<Item = Cell<'_>> {
        (0..n).map(|i| Cell::Text(v.get(i).map_or("", |s| s.as_str())))
    }
    let floats = |v: &[f64]| -> Vec<Cell<'static>> {
        (0..n).map(|i| Cell::Float(v.get(i).copied())).collect()
    };
    let mut c = vec![
        Cell::Int(r.id),
        Cell::Text(&r.scenario),
        Cell::Int(r.rep as u64),
        Cell::Int(seats as u64),
    ];
    c.extend(texts(&r.strategies, n));
    c.extend(texts(&r.parties, n));
    c.extend([
        Cell::Bool(r.agreement),
        Cell::Text(&r.package),
        Cell::Int(r.steps as u64),
        Cell::Text(&r.end),
    ]);
    c.extend(floats(&r.utilities));
    c.extend(floats(&r.reservations));
    c.extend([
        Cell::Float(Some(r.welfare)),
        Cell::Float(r.distance_frontier),
        Cell::Float(r.distance_nash),
    ]);
    if discount {
        c.push(Cell::Float(r.time));
        c.extend(floats(r.discounted_utilities.as_deref().unwrap_or(&[])));
    }
    c
}

/// Every assignment of `k` strategies to `n` seats, in tournament order:
/// multisets of strategy indices in lexicographic order (with distinct
/// members only, unless `self_play`), each followed by its distinct
/// orderings in lexicographic order.
pub fn assignments(k: usize, n: usize, self_play: bool) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    if n == 0 || k == 0 || (!self_play && n > k) {
        return out;
    }
    // Non-decreasing (strictly increasing without self-play) index tuples.
    let step = usize::from(!self_play);
    let mut set: Vec<usize> = (0..n).map(|i| i * step).collect();
    loop {
        let mut seats = set.clone();
        loop {
            out.push(seats.clone());
            if !next_permutation(&mut seats) {
                break;
            }
        }
        // Next multiset: raise the last position that can still grow.
        let Some(i) = (0..n).rev().find(|&i| set[i] + (n - 1 - i) * step < k - 1) else {
            break;
        };
        set[i] += 1;
        for j in i + 1..n {
            set[j] = set[j - 1] + step;
        }
    }
    out
}

/// The next distinct permutation in lexicographic order; false (leaving
/// `v` unchanged) after the last one.
fn next_permutation(v: &mut [usize]) -> bool {
    let Some(i) = (1..v.len()).rev().find(|&i| v[i - 1] < v[i]) else {
        return false;
    };
    let j = (i..v.len())
        .rev()
        .find(|&j| v[j] > v[i - 1])
        .expect("v[i] > v[i - 1]");
    v.swap(i - 1, j);
    v[i..].reverse();
    true
}

/// Writes the result files for `rows` (sorted by id) and returns the summary.
pub fn write_results(
    out: &Path,
    manifest: &Manifest,
    rows: &[Row],
) -> Result<Vec<SummaryRow>, SimError> {
    let layout = Layout::of(manifest);
    let mut jsonl = String::new();
    for r in rows {
        jsonl += &(layout.json(r)? + "\n");
    }
    write_text(&out.join("negotiations.jsonl"), &jsonl)?;
    let path = out.join("negotiations.csv");
    match layout {
        Layout::Bilateral => {
            let mut w = csv::Writer::from_path(&path).map_err(SimError::csv(&path))?;
            for r in rows {
                w.serialize(BilateralRow::of(r)?)
                    .map_err(SimError::csv(&path))?;
            }
            w.flush().map_err(SimError::io(&path))?;
        }
        Layout::Seats(n) => {
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_path(&path)
                .map_err(SimError::csv(&path))?;
            w.write_record(seat_header(n, manifest.discount))
                .map_err(SimError::csv(&path))?;
            for r in rows {
                w.serialize(seat_record(r, n, manifest.discount))
                    .map_err(SimError::csv(&path))?;
            }
            w.flush().map_err(SimError::io(&path))?;
        }
    }
    let summary = summarize(&manifest.strategies, rows);
    let path = out.join("summary.csv");
    let mut w = csv::Writer::from_path(&path).map_err(SimError::csv(&path))?;
    for r in &summary {
        w.serialize(r).map_err(SimError::csv(&path))?;
    }
    w.flush().map_err(SimError::io(&path))?;
    write_json(&out.join("summary.json"), &summary)?;
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
        for r in read_rows(&file, Layout::of(&base), false)? {
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
    fs::create_dir_all(out).map_err(SimError::io(out))?;
    let manifest = Manifest {
        shard: None,
        ..base
    };
    write_json(&out.join("manifest.json"), &manifest)?;
    let rows: Vec<Row> = rows.into_values().collect();
    write_results(out, &manifest, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bilateral order as it has always been enumerated.
    fn pairs(k: usize, self_play: bool) -> Vec<Vec<usize>> {
        let mut v = Vec::new();
        for i in 0..k {
            for j in i..k {
                if i == j {
                    if self_play {
                        v.push(vec![i, i]);
                    }
                } else {
                    v.push(vec![i, j]);
                    v.push(vec![j, i]);
                }
            }
        }
        v
    }

    #[test]
    fn two_seats_keep_the_bilateral_order() {
        for k in 0..7 {
            for self_play in [false, true] {
                assert_eq!(assignments(k, 2, self_play), pairs(k, self_play), "{k}");
            }
        }
    }

    #[test]
    fn three_seats() {
        assert_eq!(
            assignments(3, 3, false),
            [
                [0, 1, 2],
                [0, 2, 1],
                [1, 0, 2],
                [1, 2, 0],
                [2, 0, 1],
                [2, 1, 0]
            ]
        );
        assert_eq!(
            assignments(2, 3, true),
            [
                [0, 0, 0],
                [0, 0, 1],
                [0, 1, 0],
                [1, 0, 0],
                [0, 1, 1],
                [1, 0, 1],
                [1, 1, 0],
                [1, 1, 1]
            ]
        );
        assert!(assignments(2, 3, false).is_empty());
        // Groups of four strategies: every ordered choice, each once.
        for (self_play, count) in [(false, 4 * 3 * 2), (true, 4 * 4 * 4)] {
            let a = assignments(4, 3, self_play);
            assert_eq!(a.len(), count);
            let distinct: std::collections::BTreeSet<_> = a.iter().collect();
            assert_eq!(distinct.len(), count);
            // Grouped by strategy set, sets in lexicographic order.
            let sets: Vec<Vec<usize>> = a
                .iter()
                .map(|s| {
                    let mut s = s.clone();
                    s.sort();
                    s
                })
                .collect();
            assert!(sets.windows(2).all(|w| w[0] <= w[1]));
        }
    }

    #[test]
    fn permutations_of_a_multiset() {
        let mut v = vec![0, 1, 1];
        let mut all = vec![v.clone()];
        while next_permutation(&mut v) {
            all.push(v.clone());
        }
        assert_eq!(all, [[0, 1, 1], [1, 0, 1], [1, 1, 0]]);
        assert_eq!(v, [1, 1, 0]);
    }

    fn row(id: u64, strategies: &[&str], utilities: &[f64], agreement: bool) -> Row {
        Row {
            id,
            scenario: "s".into(),
            rep: 0,
            strategies: strategies.iter().map(|s| s.to_string()).collect(),
            parties: (0..strategies.len()).map(|i| format!("P{i}")).collect(),
            agreement,
            package: String::new(),
            steps: 1,
            end: "agreement".into(),
            utilities: utilities.to_vec(),
            reservations: vec![0.25; strategies.len()],
            welfare: utilities.iter().sum(),
            distance_frontier: agreement.then_some(0.5),
            distance_nash: None,
            time: None,
            discounted_utilities: None,
        }
    }

    #[test]
    fn summary_counts_every_seat() {
        let strategies = vec!["a".to_string(), "b".to_string()];
        let rows = [
            row(0, &["a", "b", "a"], &[1.0, 0.5, 0.25], true),
            row(1, &["b", "b", "b"], &[0.0, 0.0, 0.0], false),
            row(2, &["a", "b"], &[0.5, 0.5], true),
        ];
        let s = summarize(&strategies, &rows);
        let a = &s[0];
        assert_eq!((a.negotiations, a.agreements), (3, 3));
        assert_eq!(a.mean_utility, (1.0 + 0.25 + 0.5) / 3.0);
        assert_eq!(a.mean_advantage, (0.75 + 0.0 + 0.25) / 3.0);
        assert_eq!(a.mean_welfare, (1.75 + 1.75 + 1.0) / 3.0);
        assert_eq!(a.mean_distance_frontier, Some(0.5));
        assert_eq!(a.mean_distance_nash, None);
        let b = &s[1];
        assert_eq!((b.negotiations, b.agreements), (5, 2));
        assert_eq!(b.agreement_rate, 0.4);
        assert_eq!(b.mean_utility, (0.5 + 0.5) / 5.0);
        assert_eq!(b.mean_welfare, (1.75 + 1.0) / 5.0);
        assert_eq!(b.mean_distance_frontier, Some(0.5));
    }

    #[test]
    fn seat_layout_csv_pads_missing_seats() {
        assert_eq!(
            seat_header(3, false).join(","),
            "id,scenario,rep,seats,strategy_1,strategy_2,strategy_3,party_1,party_2,party_3,\
             agreement,package,steps,end,utility_1,utility_2,utility_3,\
             reservation_1,reservation_2,reservation_3,welfare,distance_frontier,distance_nash"
        );
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let manifest = Manifest {
            scenarios: vec!["s".into()],
            negotiators: Some(vec![2, 3]),
            strategies: vec!["a".into(), "b".into()],
            steps: 1,
            reps: 1,
            seed: 0,
            self_play: true,
            negotiations: 2,
            shard: None,
            discount: false,
        };
        let rows = [
            row(0, &["a", "b", "a"], &[1.0, 0.5, 0.25], true),
            row(1, &["a", "b"], &[0.5, 0.5], true),
        ];
        write_results(dir, &manifest, &rows).unwrap();
        let csv = fs::read_to_string(dir.join("negotiations.csv")).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[1],
            "0,s,0,3,a,b,a,P0,P1,P2,true,,1,agreement,1.0,0.5,0.25,0.25,0.25,0.25,1.75,0.5,"
        );
        assert_eq!(
            lines[2],
            "1,s,0,2,a,b,,P0,P1,,true,,1,agreement,0.5,0.5,,0.25,0.25,,1.0,0.5,"
        );
        let jsonl = fs::read_to_string(dir.join("negotiations.jsonl")).unwrap();
        let back = read_rows(&dir.join("negotiations.jsonl"), Layout::Seats(3), false).unwrap();
        assert_eq!(back, rows);
        assert!(jsonl.starts_with(
            "{\"id\":0,\"scenario\":\"s\",\"rep\":0,\"strategies\":[\"a\",\"b\",\"a\"],\"parties\":[\"P0\",\"P1\",\"P2\"],"
        ));
        assert!(!jsonl.contains("discounted"));

        // Discounted: `time` and the discounted utilities, padded, at the end.
        let manifest = Manifest {
            discount: true,
            ..manifest
        };
        let mut rows = rows;
        rows[0].time = Some(0.5);
        rows[0].discounted_utilities = Some(vec![0.75, 0.5, 0.125]);
        rows[1].time = Some(1.0);
        rows[1].discounted_utilities = Some(vec![0.25, 0.5]);
        write_results(dir, &manifest, &rows).unwrap();
        let csv = fs::read_to_string(dir.join("negotiations.csv")).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert!(
            lines[0].ends_with(
                ",distance_nash,time,discounted_utility_1,discounted_utility_2,discounted_utility_3"
            ),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].ends_with(",0.5,,0.5,0.75,0.5,0.125"),
            "{}",
            lines[1]
        );
        assert!(lines[2].ends_with(",0.5,,1.0,0.25,0.5,"), "{}", lines[2]);
        let back = read_rows(&dir.join("negotiations.jsonl"), Layout::Seats(3), false).unwrap();
        assert_eq!(back, rows);
        let summary = summarize(&manifest.strategies, &rows);
        // a holds seats 1 and 3 of row 0 and seat 1 of row 1.
        assert_eq!(
            summary[0].mean_discounted_utility,
            Some((0.75 + 0.125 + 0.25) / 3.0)
        );
    }
}
