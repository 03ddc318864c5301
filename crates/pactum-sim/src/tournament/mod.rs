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

pub mod analysis;
mod files;
mod plan;
mod rows;

use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::error::SimError;
use crate::metrics::Metrics;
use crate::negotiator;
use crate::negotiator::SeatInfo;
use crate::prefs::Prepared;
use crate::runner::{Built, Config, Faults, derive_seed, negotiate_with};
use crate::session::End;
use crate::session::WallClock;
pub use files::{merge, write_results};
use files::{read_json, read_rows, write_json};
pub use plan::{assignments, check_shard, in_shard};
pub use rows::{Layout, Manifest, Row, SummaryRow, summarize};

/// How far a tournament run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Negotiations finished (those resumed from an earlier run included).
    pub done: u64,
    /// Negotiations of this run (of its shard, when sharded).
    pub total: u64,
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

/// A tournament ready to play.
pub struct Tournament {
    /// Its parameters.
    pub manifest: Manifest,
    scenarios: Vec<(Prepared, Metrics)>,
    builder: negotiator::Builder,
}

impl Tournament {
    /// `scenarios`: label and prepared scenario (at least two negotiators
    /// each); `strategies`: built-in strategy names.
    pub fn new(
        scenarios: Vec<(String, Prepared)>,
        strategies: Vec<String>,
        steps: usize,
        reps: usize,
        seed: u64,
        self_play: bool,
    ) -> Result<Self, SimError> {
        Self::with_custom(scenarios, strategies, steps, reps, seed, self_play, &|_| {
            false
        })
    }

    /// [`Tournament::new`] where the strategies `custom` picks out are not
    /// built in: their names are the caller's, and so are their negotiators,
    /// seated by [`Tournament::play_with`].
    pub fn with_custom(
        scenarios: Vec<(String, Prepared)>,
        strategies: Vec<String>,
        steps: usize,
        reps: usize,
        seed: u64,
        self_play: bool,
        custom: &dyn Fn(&str) -> bool,
    ) -> Result<Self, SimError> {
        for s in strategies.iter().filter(|s| !custom(s)) {
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
            builder: negotiator::Builder::default(),
        };
        t.manifest.negotiations = t.jobs().len() as u64;
        Ok(t)
    }

    /// The same tournament seating its strategies through `builder` (the
    /// `llm` strategy needs one holding a language model).
    pub fn with_builder(mut self, builder: negotiator::Builder) -> Result<Self, SimError> {
        for s in &self.manifest.strategies {
            builder.check(s)?;
        }
        self.builder = builder;
        Ok(self)
    }

    /// Whether some strategy talks (its rows count messages).
    fn talks(&self) -> bool {
        self.manifest
            .strategies
            .iter()
            .any(|s| s == negotiator::LLM)
    }

    /// The prepared scenario of index `scenario` (a [`Job`]'s).
    pub fn prepared(&self, scenario: usize) -> &Prepared {
        &self.scenarios[scenario].0
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

    /// Plays one negotiation (of built-in strategies only, the `llm`
    /// strategy through the tournament's builder).
    pub fn play(&self, job: &Job) -> Result<Row, SimError> {
        let p = self.prepared(job.scenario);
        self.play_with(
            job,
            &mut |name, info| self.builder.build(name, p, info),
            &Faults::default(),
        )
    }

    /// Plays one negotiation, each seat's negotiator built by `seat` from
    /// its strategy's name and what the seat is given; a fault reported to
    /// `faults` ends it as an invalid move (see [`crate::runner`]).
    pub fn play_with(
        &self,
        job: &Job,
        seat: &mut dyn FnMut(&str, &SeatInfo) -> Built,
        faults: &Faults,
    ) -> Result<Row, SimError> {
        let m = &self.manifest;
        let (p, metrics) = &self.scenarios[job.scenario];
        let strategies: Vec<&str> = job
            .seats()
            .into_iter()
            .map(|s| m.strategies[s].as_str())
            .collect();
        let config = Config::sao(m.steps, derive_seed(m.seed, job.id));
        let r = negotiate_with(
            p,
            &config,
            Arc::new(WallClock::start()),
            &mut |info| seat(strategies[info.seat], info),
            faults,
        )?;
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
            words: self.talks().then(|| {
                (0..r.utilities.len())
                    .map(|seat| r.trace.words.get(seat).copied().unwrap_or_default())
                    .map(|w| [w.sent, w.flagged])
                    .collect()
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
        check_shard(shard)?;
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
            .filter(|j| in_shard(shard, j.id))
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

#[cfg(test)]
mod tests {
    use super::files::read_rows;
    use super::rows::seat_header;
    use super::*;

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
            words: None,
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
            seat_header(3, false, false).join(","),
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

    #[test]
    fn custom_strategies_are_seated_by_the_caller() {
        let p = crate::test_support::line();
        let strategies = |mine: &str| vec![mine.to_string(), "conceder".to_string()];
        let unknown = Tournament::new(
            vec![("s".into(), p.clone())],
            strategies("mine"),
            20,
            2,
            3,
            false,
        );
        assert!(matches!(unknown, Err(SimError::UnknownStrategy { .. })));
        let custom = Tournament::with_custom(
            vec![("s".into(), p.clone())],
            strategies("mine"),
            20,
            2,
            3,
            false,
            &|s| s == "mine",
        )
        .unwrap();
        let builtin =
            Tournament::new(vec![("s".into(), p)], strategies("linear"), 20, 2, 3, false).unwrap();
        for job in custom.jobs() {
            // "mine" plays as "linear" does.
            let mut row = custom
                .play_with(
                    &job,
                    &mut |name, info| {
                        negotiator::build(if name == "mine" { "linear" } else { name }, info)
                    },
                    &Faults::default(),
                )
                .unwrap();
            for s in &mut row.strategies {
                if s == "mine" {
                    *s = "linear".into();
                }
            }
            assert_eq!(row, builtin.play(&job).unwrap());
        }
    }
}
