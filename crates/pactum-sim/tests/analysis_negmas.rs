//! Pactum's tournament analysis against NegMAS 0.16's on the same raw
//! results: one small bilateral tournament with self-play
//! (`tests/fixtures/analysis/`: `manifest.json` and `negotiations.jsonl`
//! as `pactum tournament` wrote them, and `negmas.json`, NegMAS's numbers
//! on those rows, written by `scripts/negmas_analysis.py`).
//!
//! Where the definitions agree, the numbers must agree to 1e-12 (the
//! fixture rounds to 15 significant digits): the payoff table (means and
//! counts), each cell's 95% t-interval (SciPy's `t.interval`, since NegMAS
//! reports none), the rank-sum tests (U and p, SciPy's `mannwhitneyu`
//! through NegMAS's `pairwise_tests`) with their Holm and
//! Benjamini–Hochberg adjustments, the regret against the uniform mix, and
//! the mean score (NegMAS's "tournament evaluation", the mean of a payoff
//! row, equals the mean over a strategy's seats here because every cell
//! has as many scores).
//!
//! Where they differ (docs/tournaments.md): NegMAS's "Nash averaging"
//! ranks by regret against its best *pure* symmetric Nash equilibrium, not
//! Balduzzi et al.'s maximum-entropy Nash of P − Pᵀ — on this tournament
//! both equilibria are boulware alone, so the regrets coincide, which is
//! checked; NegMAS's replicator dynamics run in continuous time up to
//! t = 100 and stop there, Pactum's in discrete time until the shares
//! settle — the same strategy leads, and NegMAS's survivors include
//! Pactum's (it keeps a slow loser above 0.001 at t = 100).

use std::path::Path;

use pactum_sim::tournament::analysis::{Analysis, Options, analyze, read_folder};
use serde_json::Value;

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-12 * b.abs().max(1.0),
        "{what}: Pactum {a}, NegMAS {b}"
    );
}

fn fixture() -> (Analysis, Value) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analysis");
    let (manifest, rows) = read_folder(&dir).unwrap();
    let analysis = analyze(&manifest.strategies, &rows, &Options::default()).unwrap();
    let text = std::fs::read_to_string(dir.join("negmas.json")).unwrap();
    (analysis, serde_json::from_str(&text).unwrap())
}

fn strategy_index(a: &Analysis, name: &str) -> usize {
    a.strategies.iter().position(|s| s == name).unwrap()
}

#[test]
fn payoff_table_and_intervals_agree() {
    let (a, n) = fixture();
    assert_eq!(n["negmas"], "0.16.0");
    assert_eq!(n["metric"], "utility");
    let names: Vec<&str> = n["strategies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    for (r, row) in names.iter().enumerate() {
        for (c, col) in names.iter().enumerate() {
            let cell = &a.payoff[strategy_index(&a, row)][strategy_index(&a, col)];
            close(
                cell.mean.unwrap(),
                n["payoff"][r][c].as_f64().unwrap(),
                &format!("P[{row}][{col}]"),
            );
            assert_eq!(cell.n, n["counts"][r][c].as_u64().unwrap());
            let interval = &n["intervals"][r][c];
            close(cell.low.unwrap(), interval[0].as_f64().unwrap(), "low");
            close(cell.high.unwrap(), interval[1].as_f64().unwrap(), "high");
        }
    }
    for (name, mean) in n["tournament_evaluation"].as_object().unwrap() {
        let i = strategy_index(&a, name);
        close(
            a.scores[i].estimate.mean.unwrap(),
            mean.as_f64().unwrap(),
            name,
        );
        // The mean of the payoff row, as NegMAS defines it.
        let row: f64 =
            a.payoff[i].iter().map(|e| e.mean.unwrap()).sum::<f64>() / a.strategies.len() as f64;
        close(row, mean.as_f64().unwrap(), name);
    }
}

#[test]
fn rank_sum_tests_and_corrections_agree() {
    let (a, n) = fixture();
    let tests = n["tests"].as_array().unwrap();
    assert_eq!(tests.len(), a.tests.len());
    for t in tests {
        let (x, y) = (t["a"].as_str().unwrap(), t["b"].as_str().unwrap());
        let mine = a
            .tests
            .iter()
            .find(|m| (m.a == x && m.b == y) || (m.a == y && m.b == x))
            .unwrap();
        // U of NegMAS's first strategy.
        let u = if mine.a == x {
            mine.u.unwrap()
        } else {
            (mine.n_a * mine.n_b) as f64 - mine.u.unwrap()
        };
        close(u, t["u"].as_f64().unwrap(), "U");
        for key in ["p", "p_holm", "p_bh"] {
            let value = match key {
                "p" => mine.p,
                "p_holm" => mine.p_holm,
                _ => mine.p_bh,
            };
            close(value.unwrap(), t[key].as_f64().unwrap(), key);
        }
        assert_eq!(
            mine.significant_holm,
            t["significant_holm"].as_bool().unwrap()
        );
        assert_eq!(mine.significant_bh, t["significant_bh"].as_bool().unwrap());
    }
}

#[test]
fn regrets_agree_and_the_dynamics_lead_to_the_same_strategy() {
    let (a, n) = fixture();
    for (name, r) in n["regret_uniform"].as_object().unwrap() {
        close(
            a.regret.uniform[strategy_index(&a, name)],
            r.as_f64().unwrap(),
            name,
        );
    }
    // NegMAS's reference profile is its best pure equilibrium; here the
    // maximum-entropy equilibrium is that same pure one.
    let best = n["egta"]["best"].as_str().unwrap();
    let i = strategy_index(&a, best);
    assert!((a.nash_averaging.mix[i] - 1.0).abs() < 1e-12);
    for (name, r) in n["nash_averaging_pure"].as_object().unwrap() {
        close(
            a.regret.nash[strategy_index(&a, name)],
            r.as_f64().unwrap(),
            name,
        );
    }
    let final_shares = n["replicator"]["final"].as_object().unwrap();
    let leader = final_shares
        .iter()
        .max_by(|x, y| x.1.as_f64().unwrap().total_cmp(&y.1.as_f64().unwrap()))
        .unwrap()
        .0;
    assert_eq!(a.replicator.survivors, [leader.as_str()]);
    let theirs: Vec<&str> = n["replicator"]["survivors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        a.replicator
            .survivors
            .iter()
            .all(|s| theirs.contains(&s.as_str()))
    );
}
