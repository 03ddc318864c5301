//! End-to-end tests of `pactum negotiate` and `pactum tournament`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn pactum() -> Command {
    Command::cargo_bin("pactum").unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// One issue with five options; A values them 0, .25, .5, .75, 1 and B the
/// reverse (hand-computed results in crates/pactum-sim/tests/protocol.rs).
const LINE: &str = r#"
name = "Line"
[[issues]]
name = "price"
options = ["p0", "p1", "p2", "p3", "p4"]

[[parties]]
name = "A"
weights = { price = 1.0 }
values.price = { p0 = 0.0, p1 = 0.25, p2 = 0.5, p3 = 0.75, p4 = 1.0 }

[[parties]]
name = "B"
weights = { price = 1.0 }
values.price = { p0 = 1.0, p1 = 0.75, p2 = 0.5, p3 = 0.25, p4 = 0.0 }
"#;

const ALONE: &str = r#"
name = "Alone"
[[issues]]
name = "price"
options = ["low", "high"]
[[parties]]
name = "A"
weights = { price = 1.0 }
values.price = { low = 0.0, high = 1.0 }
"#;

fn json(cmd: &mut Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn negotiate_json_has_the_full_trace() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "line.toml", LINE);
    let doc = json(pactum().args([
        "negotiate",
        s.to_str().unwrap(),
        "--parties",
        "boulware,conceder",
        "--steps",
        "4",
        "--json",
    ]));
    assert_eq!(doc["agreement"], serde_json::json!({"price": "p3"}));
    assert_eq!(doc["utilities"], serde_json::json!([0.75, 0.25]));
    assert_eq!(doc["steps"], 4);
    assert_eq!(doc["end"]["kind"], "agreement");
    let trace = doc["trace"].as_array().unwrap();
    let offers: Vec<(&str, &str)> = trace
        .iter()
        .map(|e| {
            (
                e["proposer"].as_str().unwrap(),
                e["offer"]["price"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        offers,
        vec![
            ("A", "p4"),
            ("B", "p2"),
            ("A", "p4"),
            ("B", "p3"),
            ("A", "p4"),
            ("B", "p3")
        ]
    );
    assert_eq!(trace[0]["step"], 0);
    assert_eq!(trace[0]["time"], 0.2);
    assert_eq!(trace[0]["utilities"], serde_json::json!([1.0, 0.0]));
    assert_eq!(
        trace[0]["responses"],
        serde_json::json!([{"party": "B", "response": "reject"}])
    );
    assert_eq!(
        trace[5]["responses"],
        serde_json::json!([{"party": "A", "response": "accept"}])
    );
    // p3 (0.75, 0.25) is on the frontier; the Nash point is p2 (0.5, 0.5).
    assert_eq!(doc["distance_to_frontier"], 0.0);
    assert!((doc["distance_to_nash"].as_f64().unwrap() - 0.125f64.sqrt()).abs() < 1e-12);
}

#[test]
fn negotiate_text_report() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "line.toml", LINE);
    pactum()
        .args([
            "negotiate",
            s.to_str().unwrap(),
            "--parties",
            "boulware,conceder",
            "--steps",
            "4",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Agreement in round 4 of 4:\n    price = p3\n",
        ))
        .stdout(predicate::str::contains("utilities: A 0.7500, B 0.2500"))
        .stdout(predicate::str::contains(
            "distance to the Pareto frontier: 0.0000",
        ))
        .stdout(predicate::str::contains(
            "distance to the Nash point: 0.3536 (Nash: A 0.5000, B 0.5000)",
        ));
    pactum()
        .args([
            "negotiate",
            s.to_str().unwrap(),
            "--parties",
            "hardliner,hardliner",
            "--steps",
            "7",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "No agreement: the deadline passed after 7 rounds.",
        ))
        .stdout(predicate::str::contains(
            "utilities: A 0.0000, B 0.0000 (reservation values",
        ));
}

#[test]
fn negotiate_single_text_and_plot() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "line.toml", LINE);
    let svg = dir.path().join("trace.svg");
    let doc = json(pactum().args([
        "negotiate",
        s.to_str().unwrap(),
        "--parties",
        "linear,linear",
        "--protocol",
        "single-text",
        "--mediator",
        "veto",
        "--steps",
        "30",
        "--seed",
        "3",
        "--json",
        "--plot",
        svg.to_str().unwrap(),
    ]));
    assert_eq!(doc["protocol"], "single-text (veto mediator)");
    assert_eq!(doc["steps"], 30);
    assert_eq!(doc["trace"].as_array().unwrap().len(), 30);
    assert_eq!(doc["trace"][0]["proposer"], "mediator");
    // With no reservation values every first draft is accepted; later ones
    // only if both gain, which never happens on a line: the first draft stands.
    let first = &doc["trace"][0]["offer"];
    assert_eq!(&doc["agreement"], first);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"));
    assert!(text.contains("offers over time"));
}

#[test]
fn negotiate_errors() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "line.toml", LINE);
    let alone = write(dir.path(), "alone.toml", ALONE);
    let s = s.to_str().unwrap();
    pactum()
        .args(["negotiate", s, "--parties", "boulware,stubborn"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "error: unknown strategy \"stubborn\"; available: boulware, linear, conceder",
        ));
    pactum()
        .args([
            "negotiate",
            alone.to_str().unwrap(),
            "--parties",
            "boulware",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "scenario \"Alone\" has 1 negotiator(s); a negotiation needs at least two parties",
        ));
    pactum()
        .args([
            "negotiate",
            s,
            "--parties",
            "boulware,conceder",
            "--steps",
            "0",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "error: --steps must be at least 1",
        ));
    pactum()
        .args(["negotiate", s, "--parties", "boulware"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "1 strategies for 2 negotiators: give one strategy per negotiator (A, B)",
        ));
}

#[test]
fn tournament_shards_merge_to_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "line.toml", LINE);
    let s = s.to_str().unwrap();
    let run = |out: &Path, extra: &[&str]| {
        let mut args = vec![
            "tournament",
            "--scenarios",
            s,
            "--strategies",
            "boulware,conceder,random",
            "--steps",
            "20",
            "--reps",
            "2",
            "--seed",
            "7",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        pactum().args(&args).assert().success()
    };
    let full = dir.path().join("full");
    run(&full, &["--jobs", "1"])
        .stdout(predicate::str::contains(
            "3 strategies × 1 scenarios × 2 repetitions: 12 negotiations",
        ))
        .stdout(predicate::str::contains("boulware              8"));
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    run(&a, &["--shard", "1/2"]).stdout(predicate::str::contains("(shard 1/2: 6)"));
    run(&b, &["--shard", "2/2", "--jobs", "2"]);
    let merged = dir.path().join("merged");
    pactum()
        .args([
            "tournament",
            "merge",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--out",
            merged.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("merged 2 shard folders"));
    for f in [
        "manifest.json",
        "negotiations.csv",
        "negotiations.jsonl",
        "summary.csv",
        "summary.json",
    ] {
        assert_eq!(
            std::fs::read(full.join(f)).unwrap(),
            std::fs::read(merged.join(f)).unwrap(),
            "{f}"
        );
    }
    let rows = std::fs::read_to_string(full.join("negotiations.csv")).unwrap();
    assert_eq!(rows.lines().count(), 13);
}

#[test]
fn tournament_errors() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "line.toml", LINE);
    let alone = write(dir.path(), "alone.toml", ALONE);
    let out = dir.path().join("out");
    let base = |scenario: &Path, strategies: &str| {
        let mut c = pactum();
        c.args([
            "tournament",
            "--scenarios",
            scenario.to_str().unwrap(),
            "--strategies",
            strategies,
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]);
        c
    };
    base(&s, "boulware,stubborn")
        .assert()
        .failure()
        .stderr(predicate::str::contains("unknown strategy \"stubborn\""));
    base(&alone, "boulware,conceder")
        .assert()
        .failure()
        .stderr(predicate::str::contains("has 1 negotiator(s)"));
    base(&s, "boulware,conceder")
        .args(["--steps", "0"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "the deadline must allow at least one round: 0 rounds",
        ));
    base(&s, "boulware,conceder")
        .args(["--shard", "3"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "--shard \"3\": expected I/N with 1 ≤ I ≤ N",
        ));
}
