//! End-to-end tests of `pactum negotiate` and `pactum tournament`.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{pactum, repo, write};

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
            "scenario \"Alone\" has 1 negotiator; a negotiation needs at least two parties",
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
            "1 strategy for 2 negotiators: give one strategy per negotiator (A, B)",
        ));
}

/// `pactum tournament` over `scenarios` with boulware, conceder and random,
/// 20 steps, 2 repetitions and `seed`, into `out`, plus `extra`; must succeed.
fn tournament(
    scenarios: &[&str],
    seed: &str,
    out: &Path,
    extra: &[&str],
) -> assert_cmd::assert::Assert {
    let mut args = vec!["tournament", "--scenarios"];
    args.extend_from_slice(scenarios);
    args.extend_from_slice(&[
        "--strategies",
        "boulware,conceder,random",
        "--steps",
        "20",
        "--reps",
        "2",
        "--seed",
        seed,
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    args.extend_from_slice(extra);
    pactum().args(&args).assert().success()
}

/// Merges the shard folders `shards` into `merged` and checks that every
/// file there equals the one of the unsharded run in `full`.
fn merge_equals(shards: &[&Path], merged: &Path, full: &Path) {
    pactum()
        .args(["tournament", "merge"])
        .args(shards)
        .arg("--out")
        .arg(merged)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "merged {} shard folders",
            shards.len()
        )));
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
}

#[test]
fn tournament_shards_merge_to_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "line.toml", LINE);
    let s = s.to_str().unwrap();
    let run = |out: &Path, extra: &[&str]| tournament(&[s], "7", out, extra);
    let full = dir.path().join("full");
    run(&full, &["--jobs", "1"])
        .stdout(predicate::str::contains(
            "3 strategies × 1 scenario × 2 repetitions: 12 negotiations",
        ))
        .stdout(predicate::str::contains("boulware              8"));
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    run(&a, &["--shard", "1/2"]).stdout(predicate::str::contains("(shard 1/2: 6)"));
    run(&b, &["--shard", "2/2", "--jobs", "2"]);
    merge_equals(&[&a, &b], &dir.path().join("merged"), &full);
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
        .stderr(predicate::str::contains("has 1 negotiator;"));
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

/// Three negotiators choosing a site; each likes a different one best, and
/// Q has a reservation value.
const SITES: &str = r#"
name = "Sites"
[[issues]]
name = "site"
options = ["x", "y", "z"]
[[issues]]
name = "budget"
options = ["low", "high"]
[[parties]]
name = "P"
weights = { site = 0.7, budget = 0.3 }
values.site = { x = 1.0, y = 0.5, z = 0.0 }
values.budget = { low = 1.0, high = 0.0 }
[[parties]]
name = "Q"
reservation = 0.2
weights = { site = 0.7, budget = 0.3 }
values.site = { x = 0.0, y = 1.0, z = 0.5 }
values.budget = { low = 0.0, high = 1.0 }
[[parties]]
name = "R"
weights = { site = 1.0, budget = 0.0 }
values.site = { x = 0.5, y = 0.0, z = 1.0 }
values.budget = { low = 0.5, high = 0.5 }
"#;

#[test]
fn three_party_tournament_shards_merge_to_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let sites = write(dir.path(), "sites.toml", SITES);
    let line = write(dir.path(), "line.toml", LINE);
    let (sites, line) = (sites.to_str().unwrap(), line.to_str().unwrap());
    let run = |out: &Path, extra: &[&str]| tournament(&[sites, line], "5", out, extra);
    let full = dir.path().join("full");
    // Sites: 3! seat orders; line: 6 ordered pairs; × 2 repetitions.
    run(&full, &["--jobs", "1"]).stdout(predicate::str::contains(
        "3 strategies × 2 scenarios × 2 repetitions: 24 negotiations",
    ));
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    let c = dir.path().join("c");
    run(&a, &["--shard", "1/3"]).stdout(predicate::str::contains("(shard 1/3: 8)"));
    run(&b, &["--shard", "2/3", "--jobs", "2"]);
    run(&c, &["--shard", "3/3", "--jobs", "3"]);
    merge_equals(&[&a, &b, &c], &dir.path().join("merged"), &full);
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(full.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["negotiators"], serde_json::json!([3, 2]));
    let csv = std::fs::read_to_string(full.join("negotiations.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 25);
    assert_eq!(
        lines[0],
        "id,scenario,rep,seats,strategy_1,strategy_2,strategy_3,party_1,party_2,party_3,\
         agreement,package,steps,end,utility_1,utility_2,utility_3,\
         reservation_1,reservation_2,reservation_3,welfare,distance_frontier,distance_nash"
    );
    assert!(
        lines[1].starts_with(&format!("0,{sites},0,3,boulware,conceder,random,P,Q,R,")),
        "{}",
        lines[1]
    );
    assert!(
        lines[13].starts_with(&format!("12,{line},0,2,boulware,conceder,,A,B,,")),
        "{}",
        lines[13]
    );
    let rows: Vec<Value> = std::fs::read_to_string(full.join("negotiations.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let r = &rows[0];
    assert_eq!(r["parties"], serde_json::json!(["P", "Q", "R"]));
    assert_eq!(r["utilities"].as_array().unwrap().len(), 3);
    assert_eq!(r["reservations"][1], 0.2);
    assert!(r["distance_frontier"].is_number() || r["distance_frontier"].is_null());
    // Each strategy holds one seat of each seat order and of each pair's
    // two orders: (6 + 4) × 2 seats.
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(full.join("summary.json")).unwrap()).unwrap();
    for s in summary.as_array().unwrap() {
        assert_eq!(s["negotiations"], 20, "{s}");
    }
}

#[test]
fn three_party_tournament_needs_three_strategies_or_self_play() {
    let dir = tempfile::tempdir().unwrap();
    let sites = write(dir.path(), "sites.toml", SITES);
    let out = dir.path().join("out");
    let mut cmd = pactum();
    cmd.args(["tournament", "--scenarios"])
        .arg(&sites)
        .args(["--strategies", "boulware,conceder", "--quiet", "--out"])
        .arg(&out);
    cmd.assert().failure().stderr(predicate::str::contains(
        "3 negotiators need at least 3 different strategies (or --self-play)",
    ));
    pactum()
        .args(["tournament", "--scenarios"])
        .arg(&sites)
        .args([
            "--strategies",
            "boulware,conceder",
            "--self-play",
            "--steps",
            "10",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "2 strategies × 1 scenario × 1 repetition: 8 negotiations",
        ));
}

#[test]
fn three_party_example_tournament() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    pactum()
        .args(["tournament", "--scenarios"])
        .arg(repo("examples/three-party-water.toml"))
        .args([
            "--strategies",
            "boulware,conceder,nash-seeker",
            "--steps",
            "30",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("6 negotiations"));
    let rows = std::fs::read_to_string(out.join("negotiations.jsonl")).unwrap();
    assert_eq!(rows.lines().count(), 6);
    for l in rows.lines() {
        let r: Value = serde_json::from_str(l).unwrap();
        assert_eq!(
            r["parties"].as_array().unwrap().len(),
            3,
            "three negotiators"
        );
        // Scored against the exact three-party analysis.
        assert!(r["distance_nash"].is_number(), "{r}");
    }
}

// ---------------------------------------------------------------- multi-round sessions

/// Two issues: both parties prefer a1 (common interest), they are opposed
/// on b. A has reservation value 0.2, B none.
const DEAL: &str = r#"
name = "Deal"
[[issues]]
name = "a"
options = ["a0", "a1"]
[[issues]]
name = "b"
options = ["b0", "b1"]
[[parties]]
name = "A"
reservation = 0.2
weights = { a = 0.5, b = 0.5 }
values.a = { a0 = 0.0, a1 = 1.0 }
values.b = { b0 = 0.0, b1 = 1.0 }
[[parties]]
name = "B"
weights = { a = 0.5, b = 0.5 }
values.a = { a0 = 0.0, a1 = 1.0 }
values.b = { b0 = 1.0, b1 = 0.0 }
"#;

fn session(scenario: &Path, parties: &str, extra: &[&str]) -> Command {
    let mut c = pactum();
    c.args([
        "negotiate",
        scenario.to_str().unwrap(),
        "--parties",
        parties,
        "--protocol",
        "partial",
    ])
    .args(extra);
    c
}

#[test]
fn partial_session_settles_a_subset_of_the_istanbul_issues() {
    let s = repo("examples/istanbul-2025.toml");
    let args = ["--phases", "3", "--steps", "20", "--seed", "5"];
    let out = session(&s, "boulware,boulware", &args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    // Phase 1 settles only the prisoner exchange and the leaders' meeting;
    // phase 2 negotiates the rest with those fixed.
    assert!(
        text.contains(
            "Phase 1 of 3:\n  reservation values: Ukraine 0.5500, Russia 0.5800\n  \
             no agreement: the deadline passed after 20 rounds\n  \
             settled: prisoners = large-exchange, leaders_meeting = yes\n  \
             open: ceasefire, children, nato_accession, territory, military_limits, security_guarantees\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("Phase 2 of 3:\n  reservation values: Ukraine 0.5500, Russia 0.5800\n  carried in: prisoners = large-exchange, leaders_meeting = yes\n"),
        "{text}"
    );
    // Deterministic: the same command prints the same report.
    session(&s, "boulware,boulware", &args)
        .assert()
        .success()
        .stdout(text.clone());

    let mut json_args = args.to_vec();
    json_args.push("--json");
    let doc = json(&mut session(&s, "boulware,boulware", &json_args));
    let phases = doc["phases"].as_array().unwrap();
    assert_eq!(phases.len(), 3);
    assert_eq!(
        phases[0]["settled"],
        serde_json::json!({"prisoners": "large-exchange", "leaders_meeting": "yes"})
    );
    assert_eq!(phases[0]["carried_in"], serde_json::json!({}));
    assert_eq!(phases[1]["carried_in"], phases[0]["settled"]);
    // Every phase's last offers keep the carried-in values.
    for ph in &phases[1..] {
        for o in ph["trace"]["last_offers"].as_array().unwrap() {
            assert_eq!(o["offer"]["prisoners"], "large-exchange");
            assert_eq!(o["offer"]["leaders_meeting"], "yes");
        }
    }
    assert_eq!(phases[0]["open"].as_array().unwrap().len(), 6);
}

#[test]
fn leverage_shift_changes_a_reservation_value_in_phase_2() {
    let dir = tempfile::tempdir().unwrap();
    let deal = write(dir.path(), "deal.toml", DEAL);
    // Hardliners keep offering their best packages: A (a1, b1), B (a1, b0).
    // Phase 1 settles a = a1; phase 2 is about b alone, with A's
    // reservation value raised from 0.2 to 0.6.
    session(
        &deal,
        "hardliner,hardliner",
        &[
            "--phases",
            "2",
            "--steps",
            "3",
            "--shift",
            "2:A.reservation=0.6",
        ],
    )
    .assert()
    .success()
    .stdout(predicate::str::contains(
        "Phase 1 of 2:\n  reservation values: A 0.2000, B none\n  \
         no agreement: the deadline passed after 3 rounds\n  settled: a = a1\n  open: b\n",
    ))
    .stdout(predicate::str::contains(
        "Phase 2 of 2:\n  reservation values: A 0.6000 (shifted from 0.2000), B none\n  \
         carried in: a = a1\n",
    ))
    // No agreement: A gets its phase-2 reservation value.
    .stdout(predicate::str::contains(
        "No agreement after 2 phases.\n  utilities: A 0.6000, B 0.0000",
    ));

    // On the Istanbul example two conceders settle military limits in
    // phase 1 and agree in phase 2. Raising Ukraine's reservation value to
    // 0.6 for phase 2 moves the agreement in its favour; to 0.62, past what
    // Russia concedes in time, leaves no agreement.
    let s = repo("examples/istanbul-2025.toml");
    let run = |extra: &[&str]| {
        let mut args = vec!["--phases", "2", "--steps", "50", "--json"];
        args.extend_from_slice(extra);
        json(&mut session(&s, "conceder,conceder", &args))
    };
    let base = run(&[]);
    let shifted = run(&["--shift", "2:Ukraine.reservation=0.6"]);
    for doc in [&base, &shifted] {
        assert_eq!(doc["agreement_phase"], 2);
        assert_eq!(
            doc["phases"][0]["settled"],
            serde_json::json!({"military_limits": "none"})
        );
        assert_eq!(
            doc["phases"][0]["reservation_values"],
            serde_json::json!([0.55, 0.58])
        );
    }
    assert_eq!(
        base["phases"][1]["reservation_values"],
        serde_json::json!([0.55, 0.58])
    );
    assert_eq!(base["phases"][1]["shifted"], serde_json::json!([]));
    assert_eq!(
        shifted["phases"][1]["reservation_values"],
        serde_json::json!([0.6, 0.58])
    );
    assert_eq!(
        shifted["phases"][1]["shifted"],
        serde_json::json!(["Ukraine"])
    );
    let ukraine = |doc: &Value| doc["utilities"][0].as_f64().unwrap();
    assert!(ukraine(&base) < 0.6, "{}", ukraine(&base));
    assert!(ukraine(&shifted) >= 0.6, "{}", ukraine(&shifted));
    assert_ne!(base["agreement"], shifted["agreement"]);
    let none = run(&["--shift", "2:Ukraine.reservation=0.62"]);
    assert_eq!(none["agreement"], Value::Null);
    assert_eq!(none["utilities"], serde_json::json!([0.62, 0.58]));
}

#[test]
fn session_json_shape() {
    let dir = tempfile::tempdir().unwrap();
    let deal = write(dir.path(), "deal.toml", DEAL);
    let doc = json(&mut session(
        &deal,
        "hardliner,hardliner",
        &[
            "--phases",
            "2",
            "--steps",
            "3",
            "--shift",
            "2:A.reservation=0.6",
            "--seed",
            "9",
            "--json",
        ],
    ));
    assert_eq!(doc["scenario"], "Deal");
    assert_eq!(doc["protocol"], "partial");
    assert_eq!(doc["partial_agreements"], true);
    assert_eq!(doc["max_phases"], 2);
    assert_eq!(doc["max_steps"], 3);
    assert_eq!(doc["seed"], 9);
    assert_eq!(
        doc["parties"],
        serde_json::json!([
            {"name": "A", "strategy": "hardliner", "reservation_value": 0.2},
            {"name": "B", "strategy": "hardliner", "reservation_value": null}
        ])
    );
    assert_eq!(
        doc["shifts"],
        serde_json::json!([{"phase": 2, "party": "A", "reservation_value": 0.6}])
    );
    assert_eq!(doc["agreement"], Value::Null);
    assert_eq!(doc["agreement_phase"], Value::Null);
    assert_eq!(doc["utilities"], serde_json::json!([0.6, 0.0]));
    assert_eq!(
        doc["phases"][0],
        serde_json::json!({
            "phase": 1,
            "max_steps": 3,
            "reservation_values": [0.2, null],
            "shifted": [],
            "carried_in": {},
            "settled": {"a": "a1"},
            "open": ["b"],
            "agreement": null,
            "steps": 3,
            "end": {"kind": "deadline"},
            "trace": {
                "offers": 6,
                "last_offers": [
                    {"party": "A", "offer": {"a": "a1", "b": "b1"}, "utilities": [1.0, 0.5]},
                    {"party": "B", "offer": {"a": "a1", "b": "b0"}, "utilities": [0.5, 1.0]}
                ]
            }
        })
    );
    let second = &doc["phases"][1];
    assert_eq!(second["reservation_values"], serde_json::json!([0.6, null]));
    assert_eq!(second["carried_in"], serde_json::json!({"a": "a1"}));
    assert_eq!(second["settled"], serde_json::json!({}));
    assert_eq!(second["open"], serde_json::json!(["b"]));

    // An agreement settles every open issue and ends the session.
    let doc = json(&mut session(
        &deal,
        "boulware,conceder",
        &["--phases", "3", "--steps", "3", "--json"],
    ));
    let phases = doc["phases"].as_array().unwrap();
    assert_eq!(phases.len(), 1);
    assert_eq!(doc["agreement_phase"], 1);
    assert_eq!(doc["agreement"], serde_json::json!({"a": "a1", "b": "b1"}));
    assert_eq!(phases[0]["settled"], doc["agreement"]);
    assert_eq!(phases[0]["open"], serde_json::json!([]));
    assert_eq!(phases[0]["end"]["kind"], "agreement");
    assert_eq!(doc["utilities"], serde_json::json!([1.0, 0.5]));

    // Without partial agreements (--protocol sao) nothing carries over.
    let doc = json(pactum().args([
        "negotiate",
        deal.to_str().unwrap(),
        "--parties",
        "hardliner,hardliner",
        "--phases",
        "2",
        "--steps",
        "3",
        "--json",
    ]));
    assert_eq!(doc["protocol"], "sao");
    assert_eq!(doc["partial_agreements"], false);
    assert_eq!(doc["phases"][1]["carried_in"], serde_json::json!({}));
    assert_eq!(doc["phases"][1]["open"], serde_json::json!(["a", "b"]));
}

#[test]
fn session_errors() {
    let dir = tempfile::tempdir().unwrap();
    let deal = write(dir.path(), "deal.toml", DEAL);
    let fails = |extra: &[&str], message: &str| {
        let mut args = vec!["--phases", "2"];
        args.extend_from_slice(extra);
        session(&deal, "hardliner,hardliner", &args)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(message));
    };
    fails(
        &["--shift", "2-A.reservation=0.5"],
        "error: --shift \"2-A.reservation=0.5\": expected PHASE:PARTY.reservation=X",
    );
    fails(
        &["--shift", "x:A.reservation=0.5"],
        "error: --shift \"x:A.reservation=0.5\": phase \"x\" is not a number",
    );
    fails(
        &["--shift", "2:A.reservation=high"],
        "error: --shift \"2:A.reservation=high\": \"high\" is not a number",
    );
    fails(
        &["--shift", "2:A.weight.a=0.5"],
        "only reservation values can shift between phases: expected PARTY.reservation=X, got \"A.weight.a\"",
    );
    fails(
        &["--shift", "2:Z.reservation=0.5"],
        "error: --shift \"2:Z.reservation=0.5\": unknown party \"Z\" (negotiators: A, B)",
    );
    fails(
        &["--shift", "3:A.reservation=0.5"],
        "error: --shift \"3:A.reservation=0.5\": phase 3 is out of range (the session has 2 phases, numbered from 1)",
    );
    fails(
        &["--shift", "0:B.reservation=0.5"],
        "phase 0 is out of range",
    );
    fails(
        &[
            "--shift",
            "2:A.reservation=0.5",
            "--shift",
            "2:A.reservation=0.4",
        ],
        "A's reservation value in phase 2 is already shifted",
    );
    session(&deal, "hardliner,hardliner", &["--phases", "0"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: --phases must be at least 1",
        ));
    fails(
        &["--time-limit", "1"],
        "--time-limit is not supported in a multi-round session",
    );
    pactum()
        .args([
            "negotiate",
            deal.to_str().unwrap(),
            "--parties",
            "hardliner,hardliner",
            "--protocol",
            "single-text",
            "--phases",
            "2",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "--phases and --shift need --protocol sao or phased",
        ));
    // Only negotiators have reservation values to shift.
    session(
        &repo("examples/istanbul-2025.toml"),
        "hardliner,hardliner",
        &["--phases", "2", "--shift", "2:Turkey.reservation=0.4"],
    )
    .assert()
    .code(1)
    .stderr(predicate::str::contains(
        "\"Turkey\" is not a negotiator (negotiators: Ukraine, Russia)",
    ));
}
