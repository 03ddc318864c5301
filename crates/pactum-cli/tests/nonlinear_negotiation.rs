//! `pactum negotiate` and `pactum tournament` on the ANAC 2014 nonlinear
//! domains (10^10 and 10^30 outcomes), whose outcome spaces are searched,
//! not enumerated: every offer is a valid outcome whose reported utilities
//! are the model's exactly, and two runs give the same bytes. Skipped when
//! the shared scenarios are absent.

mod common;

use std::path::{Path, PathBuf};

use common::{pactum, repo};
use pactum_core::{Scenario, Value as ModelValue};
use serde_json::Value;

fn domain(name: &str) -> Option<PathBuf> {
    let p = repo("../shared/scenarios/genius/anac/y2014").join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}

/// The value indices of a package as the document writes it (issue name →
/// integer value), checked to be an outcome of the scenario.
fn outcome_of(scenario: &Scenario, package: &Value) -> Vec<u32> {
    let package = package.as_object().expect("a package is an object");
    assert_eq!(package.len(), scenario.issues().len(), "{package:?}");
    scenario
        .issues()
        .iter()
        .map(|issue| {
            let v = package[&issue.name].as_i64().expect("integer values");
            issue
                .index_of(&ModelValue::Integer(v))
                .unwrap_or_else(|| panic!("{v} is not a value of {}", issue.name))
        })
        .collect()
}

/// Every party's utility of `outcome`, from the model.
fn utilities(scenario: &Scenario, outcome: &[u32]) -> Vec<f64> {
    scenario
        .parties()
        .iter()
        .filter_map(|p| p.preferences.as_ref())
        .map(|p| p.utility.utility(scenario.issues(), outcome))
        .collect()
}

fn negotiate(path: &Path, parties: &str) -> Vec<u8> {
    pactum()
        .arg("negotiate")
        .arg(path)
        .args([
            "--parties",
            parties,
            "--steps",
            "60",
            "--seed",
            "3",
            "--json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

#[test]
fn negotiations_on_the_30_and_10_issue_domains_are_legal_and_deterministic() {
    for (name, parties) in [
        ("30issues", "boulware,micro"),
        ("10issueswithRV", "conceder,tit-for-tat"),
    ] {
        let Some(path) = domain(name) else {
            return;
        };
        let scenario = pactum_core::io::load(&path, None).unwrap().scenario;
        {
            let first = negotiate(&path, parties);
            assert_eq!(first, negotiate(&path, parties), "{name} {parties}");
            let doc: Value = serde_json::from_slice(&first).unwrap();
            let trace = doc["trace"].as_array().unwrap();
            assert!(!trace.is_empty(), "{name} {parties}: no offer");
            for e in trace {
                let o = outcome_of(&scenario, &e["offer"]);
                let exact = utilities(&scenario, &o);
                let reported: Vec<f64> = e["utilities"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|u| u.as_f64().unwrap())
                    .collect();
                assert_eq!(reported, exact, "{name} {parties}: {e}");
            }
            if !doc["agreement"].is_null() {
                let o = outcome_of(&scenario, &doc["agreement"]);
                let reported: Vec<f64> = doc["utilities"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|u| u.as_f64().unwrap())
                    .collect();
                assert_eq!(reported, utilities(&scenario, &o), "{name} {parties}");
                for (p, u) in scenario.parties().iter().zip(&reported) {
                    if let Some(r) = p.preferences.as_ref().unwrap().reservation_value {
                        assert!(*u >= r, "{name} {parties}: below a reservation value");
                    }
                }
            }
            assert!(doc["distance_to_frontier"].is_null());
            assert!(doc["distance_to_nash"].is_null());
            assert!(
                doc["distances_note"]
                    .as_str()
                    .unwrap()
                    .contains("searched, not enumerated"),
                "{doc}"
            );
        }
    }
}

#[test]
fn a_tournament_on_both_nonlinear_domains_is_deterministic() {
    let (Some(ten), Some(thirty)) = (domain("10issues"), domain("30issues")) else {
        return;
    };
    let scenarios = [&ten, &thirty].map(|p| pactum_core::io::load(p, None).unwrap().scenario);
    let dir = tempfile::tempdir().unwrap();
    let run = |out: &Path| {
        pactum()
            .arg("tournament")
            .arg("--scenarios")
            .arg(&ten)
            .arg(&thirty)
            .args([
                "--strategies",
                "boulware,conceder,micro,tit-for-tat",
                "--steps",
                "40",
                "--reps",
                "1",
                "--seed",
                "5",
                "--quiet",
                "--out",
            ])
            .arg(out)
            .assert()
            .success();
    };
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run(&a);
    run(&b);
    for f in ["negotiations.csv", "negotiations.jsonl", "summary.csv"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    let lines = std::fs::read_to_string(a.join("negotiations.jsonl")).unwrap();
    let rows: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // 4 strategies, both role orders of every pair: 12 per scenario.
    assert_eq!(rows.len(), 24, "{lines}");
    for r in &rows {
        assert!(r["distance_frontier"].is_null(), "{r}");
        assert!(r["distance_nash"].is_null(), "{r}");
        for side in ["utility_a", "utility_b"] {
            let u = r[side].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&u), "{r}");
        }
        if r["agreement"] == true {
            let scenario = if r["scenario"].as_str().unwrap().ends_with("30issues") {
                &scenarios[1]
            } else {
                &scenarios[0]
            };
            let package: serde_json::Map<String, Value> = r["package"]
                .as_str()
                .unwrap()
                .split("; ")
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap();
                    (k.to_string(), Value::from(v.parse::<i64>().unwrap()))
                })
                .collect();
            let o = outcome_of(scenario, &Value::Object(package));
            // Seats follow the scenario's party order when strategy a
            // plays the first party.
            let mut exact = utilities(scenario, &o);
            if r["party_a"] != "profile-1" {
                exact.reverse();
            }
            let reported = [r["utility_a"].as_f64(), r["utility_b"].as_f64()];
            assert_eq!(reported, [Some(exact[0]), Some(exact[1])], "{r}");
        }
    }
}

#[test]
fn a_recorded_negotiation_replays_against_the_genius_folder() {
    let Some(path) = domain("30issues") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("record.json");
    pactum()
        .arg("negotiate")
        .arg(&path)
        .args([
            "--parties",
            "boulware,conceder",
            "--steps",
            "20",
            "--seed",
            "5",
        ])
        .arg("--record")
        .arg(&record)
        .assert()
        .success();
    // The folder itself is the scenario: no conversion to a native file.
    let out = pactum()
        .arg("replay")
        .arg(&record)
        .arg("--scenario")
        .arg(&path)
        .arg("--json")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["same_as_record"], true, "{doc}");
    assert!(doc["agreement"].is_object(), "{doc}");
}
