//! `pactum tournament --league anl2024|anl2026`: generated scenarios and
//! results byte-identical for a seed, each side's reservation value only in
//! its own party of the written scenario, the scores and the summary
//! recomputed from the rows, and the refusals.

use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::pactum;

fn run(league: &str, out: &Path) -> assert_cmd::assert::Assert {
    pactum()
        .args(["tournament", "--league", league])
        .args([
            "--strategies",
            "boulware,nash-seeker,conceder",
            "--league-scenarios",
            "4",
            "--league-outcomes",
            "30-60",
            "--league-steps",
            "20-200",
            "--reps",
            "2",
            "--seed",
            "11",
            "--out",
        ])
        .arg(out)
        .assert()
}

fn rows(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("negotiations.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    for d in [dir.to_path_buf(), dir.join("scenarios")] {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                v.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    v.sort();
    v
}

#[test]
fn same_seed_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run("anl2026", &a)
        .success()
        .stdout(predicate::str::contains("concealment"));
    run("anl2026", &b).success();
    let strip = |v: Vec<(String, Vec<u8>)>, d: &Path| {
        v.into_iter()
            .map(|(p, b)| (p.replace(&d.display().to_string(), ""), b))
            .collect::<Vec<_>>()
    };
    let fa = strip(files(&a), &a);
    // league.json, negotiations.{csv,jsonl}, summary.csv and 4 scenarios.
    assert_eq!(
        fa.len(),
        4 + 4,
        "{:?}",
        fa.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert_eq!(fa, strip(files(&b), &b));
}

#[test]
fn reservation_values_are_each_sides_own_and_scores_follow_from_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("l");
    run("anl2026", &out).success();
    let rows = rows(&out);
    // 3 strategies with self-play: 9 ordered pairs × 2 repetitions × 4 scenarios.
    assert_eq!(rows.len(), 9 * 2 * 4);
    for r in &rows {
        let label = r["scenario"].as_str().unwrap();
        let toml =
            std::fs::read_to_string(out.join("scenarios").join(format!("{label}.toml"))).unwrap();
        // Each party block holds one reservation value: its own.
        let parties: Vec<&str> = toml.split("[[parties]]").skip(1).collect();
        assert_eq!(parties.len(), 2);
        for (side, block) in ["a", "b"].iter().zip(&parties) {
            let written: Vec<f64> = block
                .lines()
                .filter_map(|l| l.strip_prefix("reservation = "))
                .map(|v| v.parse().unwrap())
                .collect();
            assert_eq!(
                written,
                [r[format!("reservation_{side}")].as_f64().unwrap()]
            );
        }
        for side in ["a", "b"] {
            let f = |k: &str| r[format!("{k}_{side}")].as_f64();
            let (u, res, best) = (
                f("utility").unwrap(),
                f("reservation").unwrap(),
                f("best").unwrap(),
            );
            let agreement = r["agreement"].as_bool().unwrap();
            let adv = if agreement && best > res {
                (u - res) / (best - res)
            } else {
                0.0
            };
            assert_eq!(f("advantage").unwrap(), adv);
            let conceal = f("tau").map_or(1.0, |t| ((1.0 - t) / 2.0).clamp(0.0, 1.0));
            assert_eq!(f("concealment").unwrap(), conceal);
            assert_eq!(f("score").unwrap(), adv + conceal);
        }
    }
    // The summary: each strategy's mean over the seats it held.
    let head: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("league.json")).unwrap()).unwrap();
    for s in head["summary"].as_array().unwrap() {
        let name = s["strategy"].as_str().unwrap();
        let (mut n, mut adv, mut score) = (0.0, 0.0, 0.0);
        for r in &rows {
            for side in ["a", "b"] {
                if r[format!("strategy_{side}")] == name {
                    n += 1.0;
                    adv += r[format!("advantage_{side}")].as_f64().unwrap();
                    score += r[format!("score_{side}")].as_f64().unwrap();
                }
            }
        }
        assert_eq!(s["negotiations"].as_f64().unwrap(), n);
        assert!((s["mean_advantage"].as_f64().unwrap() - adv / n).abs() < 1e-12);
        assert!((s["mean_score"].as_f64().unwrap() - score / n).abs() < 1e-12);
    }
}

#[test]
fn anl2024_scores_advantage_only() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("l");
    run("anl2024", &out)
        .success()
        .stdout(predicate::str::contains("advantage"))
        .stdout(predicate::str::contains("concealment").not());
    assert!(rows(&out).iter().all(|r| r["concealment_a"].is_null()));
}

#[test]
fn refusals() {
    let tmp = tempfile::tempdir().unwrap();
    pactum()
        .args([
            "tournament",
            "--league",
            "anl2025",
            "--strategies",
            "boulware,linear",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .failure();
    pactum()
        .args([
            "tournament",
            "--league",
            "anl2024",
            "--strategies",
            "boulware,linear",
        ])
        .args(["--league-outcomes", "abc", "--out"])
        .arg(tmp.path())
        .assert()
        .failure()
        .stderr(predicate::str::contains("--league-outcomes"));
    pactum()
        .args([
            "tournament",
            "--strategies",
            "boulware,linear",
            "--league-scenarios",
            "3",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .failure();
    // A league draws its own deadlines: --steps is refused, not ignored.
    pactum()
        .args(["tournament", "--league", "anl2024", "--steps", "50"])
        .args(["--strategies", "boulware,linear", "--out"])
        .arg(tmp.path())
        .assert()
        .failure()
        .stderr(predicate::str::contains("--steps"));
}
