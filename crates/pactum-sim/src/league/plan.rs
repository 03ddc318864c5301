//! The plan that plays a league: one tournament per generated scenario
//! (each has its own deadline) and every negotiation numbered in one fixed
//! order (scenario, pairing, seat order, repetition). Rules: a
//! negotiation's row depends on the league seed, its scenario's number and
//! its own number alone, so the rows of a seed are the same whatever the
//! thread count; a negotiator sees its own preferences and reservation
//! value only; every score follows from the row ([`score`]), and for
//! `anl2026` each side's concealment from the opponent's model read once
//! the negotiation is over ([`measure`]); a plan of one shard plays the
//! negotiations the tournaments' rule gives the shard
//! ([`crate::tournament::in_shard`]), numbered as in the whole league.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::generate::Generated;
use super::measure::{model_tau, sample};
use super::rows::{LeagueResult, LeagueRow, ScenarioInfo, summarize};
use super::score;
use super::settings::Settings;
use super::watch::{Handle, Watched};
use crate::error::SimError;
use crate::negotiator::{self, SeatInfo};
use crate::runner::{Built, Faults, derive_seed};
use crate::tournament::{Job, Progress, Row, Tournament, check_shard, in_shard};

/// A league ready to play: one tournament per generated scenario (each has
/// its own deadline) and every negotiation, numbered in one fixed order
/// (scenario, pairing, seat order, repetition).
pub struct Plan {
    pub(super) settings: Settings,
    generated: Vec<Generated>,
    pub(super) strategies: Vec<String>,
    pub(super) seed: u64,
    tournaments: Vec<Tournament>,
    /// Each negotiation's scenario and job, in number order.
    work: Vec<(usize, Job)>,
    /// The shard played, if any (`(i, n)`, checked).
    pub(super) shard: Option<(usize, usize)>,
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
            shard: None,
        })
    }

    /// The plan of shard `(i, n)` (i from 1) of the league, or of the whole
    /// league: only the negotiations the shard holds
    /// ([`crate::tournament::in_shard`], the tournaments' rule) are played,
    /// numbered as in the whole league. A shard outside 1 ≤ i ≤ n is
    /// refused ([`SimError::BadShard`]).
    pub fn with_shard(mut self, shard: Option<(usize, usize)>) -> Result<Self, SimError> {
        check_shard(shard)?;
        self.shard = shard;
        Ok(self)
    }

    /// The shard played, if any.
    pub fn shard(&self) -> Option<(usize, usize)> {
        self.shard
    }

    /// The numbers of the negotiations this plan plays (its shard's, or
    /// all), in order.
    pub fn mine(&self) -> Vec<u64> {
        (0..self.work.len() as u64)
            .filter(|&id| in_shard(self.shard, id))
            .collect()
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

    /// Plays every negotiation (of the shard, if any) on `threads` threads (0: all cores), each
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
        self.play_ids(&self.mine(), 0, builder, threads, progress, &|_| Ok(()))
    }

    /// Plays negotiations `ids` in parallel, handing each row to `keep` as
    /// it comes in; `done` were played before. The rows in `ids` order.
    pub(super) fn play_ids(
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
            shard: self.shard,
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
