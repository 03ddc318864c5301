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
//!   stopped and gives the same files as one played in one go;
//! * a league plays in shards ([`Plan::with_shard`]) as a tournament does
//!   (shard i of n: the negotiations whose number is i − 1 modulo n), every
//!   shard generating the same scenarios from the seed, and [`merge`] puts
//!   the shards' folders back together into the files of the whole league,
//!   byte for byte.

mod files;
pub mod generate;
mod measure;
mod merge;
mod plan;
mod resume;
mod rows;
pub mod score;
pub mod settings;
mod watch;

use crate::error::SimError;
use crate::negotiator;
use crate::tournament::Progress;
pub use files::write;
pub use generate::{Generated, Shape};
pub use measure::TAU_SAMPLE;
pub use merge::merge;
pub use plan::Plan;
pub use resume::{PARTIAL, Partial};
pub use rows::{LeagueResult, LeagueRow, LeagueSummary, ScenarioInfo, summarize};
pub use settings::{League, Settings};

/// Generates the league's scenarios and plays them on `threads` threads
/// (0: all cores), every strategy seated by `builder` (built-in strategies,
/// `llm` through the builder's model); `progress` is told how far the run
/// is, as [`crate::tournament::Tournament::run`] tells it.
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

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::error::ModelError;
    use crate::runner::Faults;
    use crate::space::OutcomeId;
    use crate::tournament::Tournament;

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
    fn shards_merge_into_the_files_of_the_whole_league() {
        let s = tiny(League::Anl2026);
        let st = names(&["nash-seeker", "linear", "boulware"]);
        let builder = negotiator::Builder::default();
        let plan = |shard| {
            Plan::new(
                &s,
                generate::generate(&s, 6).unwrap(),
                st.clone(),
                6,
                &|_| false,
            )
            .unwrap()
            .with_shard(shard)
        };
        let root = tempfile::tempdir().unwrap();
        let whole_dir = root.path().join("whole");
        let whole = plan(None).unwrap();
        let rows = whole.run_into(&whole_dir, &builder, 2, &|_| {}).unwrap();
        let (res, generated) = whole.finish(rows);
        write(&whole_dir, &res, Some(&generated)).unwrap();
        let read = |dir: &std::path::Path, name: &str| std::fs::read(dir.join(name)).unwrap();
        let shard_dirs: Vec<_> = (1..=3)
            .map(|i| {
                let dir = root.path().join(format!("shard{i}"));
                let p = plan(Some((i, 3))).unwrap();
                let rows = p.run_into(&dir, &builder, 1, &|_| {}).unwrap();
                assert!(rows.iter().all(|r| r.id % 3 == (i - 1) as u64));
                let (res, generated) = p.finish(rows);
                write(&dir, &res, Some(&generated)).unwrap();
                dir
            })
            .collect();
        // Too few shards are refused.
        let merged = root.path().join("merged");
        assert!(matches!(
            merge(&shard_dirs[..2], &merged),
            Err(SimError::Invalid(m)) if m.contains("missing shards")
        ));
        let back = merge(&shard_dirs, &merged).unwrap();
        assert_eq!(back.rows, res.rows);
        for name in [
            "league.json",
            "negotiations.jsonl",
            "negotiations.csv",
            "summary.csv",
        ] {
            assert_eq!(read(&merged, name), read(&whole_dir, name), "{name}");
        }
        for g in &generated {
            let name = format!("scenarios/{}.toml", g.label);
            assert_eq!(read(&merged, &name), read(&whole_dir, &name));
        }
        // A shard of another seed is refused, and so is a whole league.
        let other = root.path().join("other");
        let p = Plan::new(
            &s,
            generate::generate(&s, 7).unwrap(),
            st.clone(),
            7,
            &|_| false,
        )
        .unwrap()
        .with_shard(Some((3, 3)))
        .unwrap();
        let rows = p.run_into(&other, &builder, 1, &|_| {}).unwrap();
        let (res, generated) = p.finish(rows);
        write(&other, &res, Some(&generated)).unwrap();
        let mixed = vec![shard_dirs[0].clone(), shard_dirs[1].clone(), other];
        assert!(matches!(
            merge(&mixed, &merged),
            Err(SimError::Invalid(m)) if m.contains("another league")
        ));
        assert!(matches!(
            merge(&[whole_dir], &merged),
            Err(SimError::Invalid(_))
        ));
        assert!(matches!(plan(Some((4, 3))), Err(SimError::BadShard { .. })));
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
