//! Tournaments over scenarios with more than two negotiators: the seat
//! assignments, the per-seat rows, the summary across seats, and
//! byte-identical results whatever the threads, shards or interruptions.

mod common;

use std::path::Path;

use common::{files, line, three_way};
use pactum_sim::Prepared;
use pactum_sim::metrics::Metrics;
use pactum_sim::tournament::{Layout, Tournament, merge};
use serde_json::Value;

fn tournament(
    scenarios: Vec<(String, Prepared)>,
    strategies: &[&str],
    reps: usize,
    self_play: bool,
) -> Result<Tournament, pactum_sim::SimError> {
    Tournament::new(
        scenarios,
        strategies.iter().map(|s| s.to_string()).collect(),
        30,
        reps,
        9,
        self_play,
    )
}

fn jsonl(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("negotiations.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn three_seats_every_ordered_choice() {
    let t = tournament(
        vec![("three".into(), three_way())],
        &["boulware", "conceder", "micro"],
        2,
        false,
    )
    .unwrap();
    // 3! seat orders × 2 repetitions.
    assert_eq!(t.manifest.negotiations, 12);
    assert_eq!(t.manifest.negotiators, Some(vec![3]));
    assert_eq!(t.layout(), Layout::Seats(3));
    let jobs = t.jobs();
    let seats: Vec<Vec<usize>> = jobs.iter().step_by(2).map(|j| j.seats()).collect();
    assert_eq!(
        seats,
        [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0]
        ]
    );
    assert!(jobs.iter().enumerate().all(|(i, j)| j.id == i as u64));
    assert_eq!(
        (jobs[0].rep, jobs[1].rep, jobs[1].seats()),
        (0, 1, vec![0, 1, 2])
    );

    // Self-play: two strategies fill three seats in 2³ ways.
    let t = tournament(
        vec![("three".into(), three_way())],
        &["boulware", "conceder"],
        1,
        true,
    )
    .unwrap();
    assert_eq!(t.manifest.negotiations, 8);
    assert_eq!(t.jobs()[0].seats(), [0, 0, 0]);
    assert_eq!(t.jobs()[7].seats(), [1, 1, 1]);

    // Without it, too few strategies for the seats is an error.
    let err = tournament(
        vec![("three".into(), three_way())],
        &["boulware", "conceder"],
        1,
        false,
    )
    .err()
    .unwrap();
    assert_eq!(
        err.to_string(),
        "three: 3 negotiators need at least 3 different strategies, or self-play"
    );
}

#[test]
fn bilateral_and_multilateral_scenarios_mix() {
    let scenarios = || {
        vec![
            ("line".to_string(), line([None, None])),
            ("three".to_string(), three_way()),
        ]
    };
    let t = tournament(scenarios(), &["boulware", "conceder", "micro"], 1, false).unwrap();
    // 6 ordered pairs on the line, then 6 seat orders on the three-way.
    assert_eq!(t.manifest.negotiations, 12);
    assert_eq!(t.manifest.negotiators, Some(vec![2, 3]));
    let jobs = t.jobs();
    assert_eq!((jobs[0].scenario, jobs[0].seats()), (0, vec![0, 1]));
    assert_eq!((jobs[1].scenario, jobs[1].seats()), (0, vec![1, 0]));
    assert_eq!((jobs[6].scenario, jobs[6].seats()), (1, vec![0, 1, 2]));

    let dir = tempfile::tempdir().unwrap();
    let summary = t.run(dir.path(), None, 2, &|_| {}).unwrap();
    let rows = jsonl(dir.path());
    assert_eq!(rows.len(), 12);
    assert_eq!(
        rows[0]["strategies"],
        serde_json::json!(["boulware", "conceder"])
    );
    assert_eq!(rows[0]["parties"], serde_json::json!(["A", "B"]));
    assert_eq!(
        rows[6]["strategies"],
        serde_json::json!(["boulware", "conceder", "micro"])
    );
    assert_eq!(rows[6]["parties"], serde_json::json!(["P", "Q", "R"]));
    for r in &rows {
        let u: Vec<f64> = serde_json::from_value(r["utilities"].clone()).unwrap();
        let d: Vec<f64> = serde_json::from_value(r["reservations"].clone()).unwrap();
        assert_eq!(u.len(), d.len());
        assert!((r["welfare"].as_f64().unwrap() - u.iter().sum::<f64>()).abs() < 1e-12);
    }
    let csv = std::fs::read_to_string(dir.path().join("negotiations.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("id,scenario,rep,seats,strategy_1,strategy_2,strategy_3,"));
    assert!(
        lines[1].starts_with("0,line,0,2,boulware,conceder,,A,B,,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[7].starts_with("6,three,0,3,boulware,conceder,micro,P,Q,R,"),
        "{}",
        lines[7]
    );

    // Every strategy holds 2 seats of the 6 line pairs and 3 of the 6
    // three-way orders.
    for s in &summary {
        assert_eq!(s.negotiations, 4 + 6, "{}", s.strategy);
    }
}

#[test]
fn summary_aggregates_across_seats() {
    let t = tournament(
        vec![("three".into(), three_way())],
        &["boulware", "conceder", "random"],
        2,
        true,
    )
    .unwrap();
    assert_eq!(t.manifest.negotiations, 27 * 2);
    let dir = tempfile::tempdir().unwrap();
    let summary = t.run(dir.path(), None, 0, &|_| {}).unwrap();
    let rows = jsonl(dir.path());
    for s in &summary {
        let mut n = 0u64;
        let (mut agreements, mut utility, mut advantage, mut welfare) = (0u64, 0.0, 0.0, 0.0);
        for r in &rows {
            for seat in 0..3 {
                if r["strategies"][seat] == s.strategy.as_str() {
                    n += 1;
                    agreements += r["agreement"].as_bool().unwrap() as u64;
                    let u = r["utilities"][seat].as_f64().unwrap();
                    utility += u;
                    advantage += u - r["reservations"][seat].as_f64().unwrap();
                    welfare += r["welfare"].as_f64().unwrap();
                }
            }
        }
        // 27 assignments × 3 seats × 2 repetitions, a third for each.
        assert_eq!(n, 54, "{}", s.strategy);
        assert_eq!(s.negotiations, n);
        assert_eq!(s.agreements, agreements);
        assert!((s.mean_utility - utility / n as f64).abs() < 1e-12);
        assert!((s.mean_advantage - advantage / n as f64).abs() < 1e-12);
        assert!((s.mean_welfare - welfare / n as f64).abs() < 1e-12);
    }
}

#[test]
fn same_seed_same_bytes_whatever_the_threads_shards_and_interruptions() {
    let scenarios = || {
        vec![
            ("three".to_string(), three_way()),
            ("line".to_string(), line([Some(0.3), None])),
        ]
    };
    let strategies = ["boulware", "random", "micro", "nash-seeker"];
    let t = tournament(scenarios(), &strategies, 2, true).unwrap();
    let one = tempfile::tempdir().unwrap();
    let four = tempfile::tempdir().unwrap();
    t.run(one.path(), None, 1, &|_| {}).unwrap();
    t.run(four.path(), None, 4, &|_| {}).unwrap();
    let reference = files(one.path());
    assert_eq!(reference.len(), 5);
    assert_eq!(files(four.path()), reference);

    let shards: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    for (i, d) in shards.iter().enumerate() {
        tournament(scenarios(), &strategies, 2, true)
            .unwrap()
            .run(d.path(), Some((i + 1, 3)), 2, &|_| {})
            .unwrap();
    }
    let merged = tempfile::tempdir().unwrap();
    let dirs: Vec<_> = shards.iter().map(|d| d.path().to_path_buf()).collect();
    merge(&dirs, merged.path()).unwrap();
    assert_eq!(files(merged.path()), reference);
    let err = merge(&dirs[1..], tempfile::tempdir().unwrap().path()).unwrap_err();
    assert!(err.to_string().contains("missing shards?"), "{err}");

    // An interrupted run: a third of the rows and a torn line.
    let rows = std::fs::read_to_string(one.path().join("negotiations.jsonl")).unwrap();
    let total = rows.lines().count();
    let mut partial: String = rows
        .lines()
        .take(total / 3)
        .map(|l| l.to_string() + "\n")
        .collect();
    partial += &rows.lines().nth(total / 3).unwrap()[..30];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("negotiations.jsonl.partial"), partial).unwrap();
    std::fs::copy(
        one.path().join("manifest.json"),
        dir.path().join("manifest.json"),
    )
    .unwrap();
    t.run(dir.path(), None, 3, &|_| {}).unwrap();
    assert_eq!(files(dir.path()), reference);

    // A folder of the bilateral-only tournament is another tournament.
    let bilateral = Tournament::new(
        vec![("line".to_string(), line([Some(0.3), None]))],
        strategies.iter().map(|s| s.to_string()).collect(),
        30,
        2,
        9,
        true,
    )
    .unwrap();
    assert_eq!(bilateral.manifest.negotiators, None);
    let err = bilateral.run(one.path(), None, 1, &|_| {}).unwrap_err();
    assert!(
        err.to_string().contains("holds another tournament"),
        "{err}"
    );
}

/// The rational Pareto frontier and the best Nash product, by brute force
/// over every outcome.
fn brute_force(p: &Prepared) -> (Vec<Vec<f64>>, f64) {
    let n = p.space.len() as u64;
    let rational: Vec<Vec<f64>> = (0..n)
        .map(|o| o as pactum_sim::OutcomeId)
        .filter(|&o| p.prefs.iter().all(|x| x.is_rational(o)))
        .map(|o| p.utilities(o))
        .collect();
    let dominated = |a: &[f64], b: &[f64]| {
        b.iter().zip(a).all(|(y, x)| y >= x) && b.iter().zip(a).any(|(y, x)| y > x)
    };
    let mut frontier: Vec<Vec<f64>> = rational
        .iter()
        .filter(|a| !rational.iter().any(|b| dominated(a, b)))
        .cloned()
        .collect();
    frontier.sort_by(|a, b| b.partial_cmp(a).unwrap());
    frontier.dedup_by(|a, b| a.iter().zip(b.iter()).all(|(x, y)| (x - y).abs() <= 1e-12));
    let d: Vec<f64> = p.prefs.iter().map(|x| x.disagreement()).collect();
    let nash = rational
        .iter()
        .map(|u| u.iter().zip(&d).map(|(u, d)| u - d).product::<f64>())
        .fold(f64::NEG_INFINITY, f64::max);
    (frontier, nash)
}

fn check_metrics(p: &Prepared) {
    let m = Metrics::new(p);
    assert_eq!(m.note, None);
    let (frontier, nash) = brute_force(p);
    assert!(!frontier.is_empty());
    assert_eq!(m.frontier.len(), frontier.len());
    for (a, b) in m.frontier.iter().zip(&frontier) {
        assert_eq!(a.len(), p.prefs.len());
        assert!(
            a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9),
            "{a:?} {b:?}"
        );
    }
    let point = m.nash.clone().unwrap();
    let d: Vec<f64> = p.prefs.iter().map(|x| x.disagreement()).collect();
    let product: f64 = point.iter().zip(&d).map(|(u, d)| u - d).product();
    assert!((product - nash).abs() < 1e-9, "{product} {nash}");
    // Distances: zero on the frontier, positive (and exact) below it.
    for f in &frontier {
        assert!(m.to_frontier(f).unwrap() < 1e-9);
    }
    let below: Vec<f64> = frontier[0].iter().map(|u| u - 0.1).collect();
    let expected = frontier
        .iter()
        .map(|f| {
            f.iter()
                .zip(&below)
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
                .sqrt()
        })
        .fold(f64::INFINITY, f64::min);
    assert!((m.to_frontier(&below).unwrap() - expected).abs() < 1e-12);
    let to_nash = point
        .iter()
        .zip(&below)
        .map(|(a, b)| (a - b) * (a - b))
        .sum::<f64>()
        .sqrt();
    assert!((m.to_nash(&below).unwrap() - to_nash).abs() < 1e-12);
}

#[test]
fn metrics_of_three_parties_match_brute_force() {
    check_metrics(&three_way());
    let water = pactum_core::io::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/three-party-water.toml"),
        None,
    )
    .unwrap();
    let water = Prepared::new(water.scenario).unwrap();
    assert_eq!(water.prefs.len(), 3);
    check_metrics(&water);
}
