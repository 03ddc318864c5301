//! `pactum analyze` on ANAC 2014's nonlinear domains (hyper-rectangle
//! utilities, 10^10 and 10^30 outcomes): the frontier comes from the
//! hyper-rectangle search, proven exact with its tied outcomes counted, in
//! text, JSON and a plot, and weakly dominates GENIUS's `pareto.xml`. Skips with a message when
//! `../shared` is absent.

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::pactum;

fn domain(name: &str) -> Option<std::path::PathBuf> {
    let root = match std::env::var_os("PACTUM_GENIUS_SCENARIOS") {
        Some(p) => std::path::PathBuf::from(p),
        None => common::repo("../shared/scenarios/genius"),
    };
    let folder = root.join("anac/y2014").join(name);
    if folder.is_dir() {
        Some(folder)
    } else {
        eprintln!("skipping: {} is absent", folder.display());
        None
    }
}

fn json(folder: &std::path::Path) -> Value {
    let out = pactum()
        .arg("analyze")
        .arg(folder)
        .arg("--json")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

/// Checks the document of a domain without reservation values: exact
/// search, every outcome complete, GENIUS's points all weakly dominated;
/// the outcomes tied at each point counted where `ties` says they can be,
/// else each point counting its own outcome, with a warning.
fn check(doc: &Value, issues: usize, genius_points: u64, ties: bool) {
    assert_eq!(doc["method"], "hyper-rectangle search");
    assert_eq!(doc["frontier_search"]["exact"], true);
    assert_eq!(doc["frontier_search"]["gap"], 0.0);
    assert_eq!(doc["zopa"]["exact"], true);
    assert_eq!(doc["frontier_search"]["ties_counted"], ties);
    let frontier = doc["frontier"].as_array().unwrap();
    assert!(frontier.len() >= 2);
    let mut tied = 0;
    for e in frontier {
        assert_eq!(e["outcome"].as_object().unwrap().len(), issues);
        tied += e["outcome_count"].as_u64().unwrap();
    }
    // Each point counts at least the outcome it carries, and the document's
    // total is their sum.
    assert_eq!(doc["frontier_outcome_count"].as_u64(), Some(tied));
    let warned = doc["warnings"].as_array().unwrap().iter().any(|w| {
        w.as_str()
            .unwrap()
            .contains("counts only the outcome it carries")
    });
    if ties {
        assert!(tied > frontier.len() as u64, "ties on these domains");
        assert!(!warned);
    } else {
        assert_eq!(tied, frontier.len() as u64);
        assert!(warned, "{}", doc["warnings"]);
    }
    let reference = &doc["reference_frontier"];
    assert_eq!(
        reference["points"].as_array().unwrap().len() as u64,
        genius_points
    );
    assert_eq!(reference["weakly_dominated"], genius_points);
    assert_eq!(reference["differing"], reference["strictly_dominated"]);
    assert!(doc["solutions"]["nash"]["outcome"].is_object());
}

#[test]
fn the_10_issue_domain_is_analysed_exactly() {
    let Some(folder) = domain("10issues") else {
        return;
    };
    let doc = json(&folder);
    check(&doc, 10, 10, true);
    assert_eq!(doc["outcome_count"], 10_000_000_000u64);
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("space.svg");
    pactum()
        .arg("analyze")
        .arg(&folder)
        .arg("--plot")
        .arg(&svg)
        .assert()
        .success()
        .stdout(predicate::str::contains("[hyper-rectangle search]"))
        .stdout(predicate::str::contains("proven exact"))
        .stdout(predicate::str::contains(
            "its count is every outcome tied at it",
        ))
        .stdout(predicate::str::contains(
            "weakly dominated by Pactum's frontier: 10 of 10",
        ));
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
}

#[test]
fn the_30_issue_domain_is_analysed_exactly() {
    let Some(folder) = domain("30issues") else {
        return;
    };
    let doc = json(&folder);
    check(&doc, 30, 10, false);
    // GENIUS's list is an approximation: most of its points lie inside
    // Pactum's frontier.
    assert!(
        doc["reference_frontier"]["strictly_dominated"]
            .as_u64()
            .unwrap()
            >= 1
    );
}

#[test]
fn enumerating_these_spaces_is_still_refused() {
    let Some(folder) = domain("30issues") else {
        return;
    };
    pactum()
        .arg("analyze")
        .arg(&folder)
        .arg("--enumerate")
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "exact analysis enumerates at most",
        ));
}
