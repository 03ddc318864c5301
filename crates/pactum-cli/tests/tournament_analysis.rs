//! `pactum tournament --analysis` and `pactum tournament analyze DIR`: the
//! three files written, the payoff table checked against the rows by hand,
//! the same bytes from a finished folder, the measure, and the refusals.

use std::collections::BTreeMap;
use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{pactum, repo};

fn run(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    pactum()
        .args(["tournament", "--scenarios"])
        .arg(repo("examples/car-purchase.toml"))
        .args([
            "--strategies",
            "boulware,conceder,random",
            "--self-play",
            "--steps",
            "40",
            "--reps",
            "2",
            "--seed",
            "5",
            "--quiet",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .assert()
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn analysis_files_and_payoff_table() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("t");
    run(&out, &["--analysis"])
        .success()
        .stdout(predicate::str::contains("# Tournament analysis"))
        .stdout(predicate::str::contains("## Replicator dynamics"))
        .stdout(predicate::str::contains("Wilcoxon rank-sum"));
    let a = json(&out.join("analysis.json"));
    assert_eq!(a["measure"], "utility");
    assert_eq!(
        a["strategies"],
        serde_json::json!(["boulware", "conceder", "random"])
    );
    // The payoff table from the rows, by hand: each seat's utility against
    // the other seat's strategy.
    let mut cells: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    let rows = std::fs::read_to_string(out.join("negotiations.jsonl")).unwrap();
    for line in rows.lines() {
        let r: Value = serde_json::from_str(line).unwrap();
        let (sa, sb) = (
            r["strategy_a"].as_str().unwrap().to_string(),
            r["strategy_b"].as_str().unwrap().to_string(),
        );
        cells
            .entry((sa.clone(), sb.clone()))
            .or_default()
            .push(r["utility_a"].as_f64().unwrap());
        cells
            .entry((sb, sa))
            .or_default()
            .push(r["utility_b"].as_f64().unwrap());
    }
    let names = ["boulware", "conceder", "random"];
    for (i, x) in names.iter().enumerate() {
        for (j, y) in names.iter().enumerate() {
            let v = &cells[&(x.to_string(), y.to_string())];
            let cell = &a["payoff"][i][j];
            assert_eq!(cell["n"].as_u64().unwrap(), v.len() as u64);
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            assert!((cell["mean"].as_f64().unwrap() - mean).abs() < 1e-12);
            let (lo, hi) = (
                cell["low"].as_f64().unwrap(),
                cell["high"].as_f64().unwrap(),
            );
            assert!(lo <= mean && mean <= hi);
        }
    }
    // Three pairs tested; the mix and the shares are distributions.
    assert_eq!(a["tests"].as_array().unwrap().len(), 3);
    for key in [&a["nash_averaging"]["mix"], &a["replicator"]["shares"]] {
        let s: f64 = key
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .sum();
        assert!((s - 1.0).abs() < 1e-9);
    }
    let md = std::fs::read_to_string(out.join("analysis.md")).unwrap();
    assert!(md.contains("| strategy | boulware | conceder | random |"));
    let svg = std::fs::read_to_string(out.join("payoff.svg")).unwrap();
    assert!(svg.starts_with("<svg"));
    for n in names {
        assert!(
            svg.contains(&format!(">{n}<")) || svg.contains(&format!(">\n{n}")),
            "{n}"
        );
    }
    // Nine cells drawn (plus the background).
    assert!(svg.matches("<rect").count() >= 9);

    // The finished folder analysed again elsewhere: the same bytes.
    let again = tmp.path().join("again");
    pactum()
        .args(["tournament", "analyze"])
        .arg(&out)
        .arg("--out")
        .arg(&again)
        .assert()
        .success()
        .stdout(predicate::str::contains("## Ranking by Nash averaging"));
    for f in ["analysis.json", "analysis.md", "payoff.svg"] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(again.join(f)).unwrap(),
            "{f}"
        );
    }

    // Another measure (and the British spelling).
    pactum()
        .args(["tournament", "analyse", "--measure", "advantage"])
        .arg(&out)
        .arg("--out")
        .arg(tmp.path().join("advantage"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Measure: **advantage**"));
    let adv = json(&tmp.path().join("advantage/analysis.json"));
    assert_eq!(adv["measure"], "advantage");
    assert_ne!(adv["payoff"], a["payoff"]);

    // Refusals: a measure the rows lack, a folder that is no tournament,
    // a shard.
    pactum()
        .args(["tournament", "analyze", "--measure", "discounted-utility"])
        .arg(&out)
        .arg("--out")
        .arg(tmp.path().join("none"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("discounted_utility"));
    pactum()
        .args(["tournament", "analyze"])
        .arg(tmp.path())
        .assert()
        .failure()
        .stderr(predicate::str::contains("manifest.json"));
    run(&tmp.path().join("shard"), &["--analysis", "--shard", "1/2"])
        .failure()
        .stderr(predicate::str::contains("merged folder"));
    run(&tmp.path().join("measure"), &["--measure", "advantage"])
        .failure()
        .stderr(predicate::str::contains("--analysis"));
}

#[test]
fn three_negotiators() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("water");
    pactum()
        .args(["tournament", "--scenarios"])
        .arg(repo("examples/three-party-water.toml"))
        .args([
            "--strategies",
            "boulware,conceder,linear",
            "--steps",
            "30",
            "--quiet",
            "--analysis",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let a = json(&out.join("analysis.json"));
    // Six seat orders of the three strategies, each seat scored against
    // the two others: i's one seat against j's gives a score in each
    // negotiation (6 per off-diagonal cell); no self-play, no diagonal.
    for i in 0..3 {
        for j in 0..3 {
            let cell = &a["payoff"][i][j];
            if i == j {
                assert_eq!(cell["n"], 0);
                assert!(cell["mean"].is_null());
            } else {
                assert_eq!(cell["n"], 6, "{i} {j}");
            }
        }
    }
}
