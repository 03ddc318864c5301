//! Cross-check of the exact analysis against NegMAS.
//!
//! `tests/fixtures/negmas/*.json` were computed by NegMAS under GENIUS
//! semantics (`scripts/negmas_reference.py`, whose header explains the
//! fix-ups and definitions). For every fixture this test loads the same
//! GENIUS folder with [`pactum_core::genius::load_folder`], runs
//! [`pactum_core::analysis::analyze`] and compares outcome counts, utility
//! ranges, the frontier's utility vectors and each fair package's utility
//! vectors (with its ties) to 1e-9.
//!
//! The scenarios themselves are not in the repository: they are read from
//! `$PACTUM_GENIUS_SCENARIOS`, else from `../shared/scenarios/genius`
//! relative to the workspace root. When that folder is absent the test
//! prints a message and passes without checking anything.

use std::path::{Path, PathBuf};

use pactum_core::analysis::{AnalysisOptions, Solution, analyze};
use serde_json::Value as Json;

const TOL: f64 = 1e-9;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/negmas")
}

fn scenarios_root() -> PathBuf {
    match std::env::var_os("PACTUM_GENIUS_SCENARIOS") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/scenarios/genius"),
    }
}

fn vectors(v: &Json) -> Vec<Vec<f64>> {
    v.as_array()
        .expect("a list of utility vectors")
        .iter()
        .map(|p| {
            p.as_array()
                .expect("a utility vector")
                .iter()
                .map(|x| x.as_f64().expect("a number"))
                .collect()
        })
        .collect()
}

fn numbers(v: &Json) -> Vec<f64> {
    v.as_array()
        .expect("a list of numbers")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

/// Descending lexicographic order, as the fixtures are written.
fn sorted(mut vs: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    vs.sort_by(|a, b| {
        b.iter()
            .zip(a)
            .map(|(x, y)| x.total_cmp(y))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    vs
}

fn close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= TOL)
}

fn fmt(vs: &[Vec<f64>]) -> String {
    let pts: Vec<String> = vs
        .iter()
        .map(|v| {
            let xs: Vec<String> = v.iter().map(|x| format!("{x:.15}")).collect();
            format!("({})", xs.join(", "))
        })
        .collect();
    format!("[{}]", pts.join(", "))
}

/// Describes how two sets of utility vectors differ, or `None` if they agree.
fn compare(what: &str, ours: Vec<Vec<f64>>, theirs: Vec<Vec<f64>>) -> Option<String> {
    let (ours, theirs) = (sorted(ours), sorted(theirs));
    if ours.len() == theirs.len() && ours.iter().zip(&theirs).all(|(a, b)| close(a, b)) {
        return None;
    }
    let only_ours: Vec<Vec<f64>> = ours
        .iter()
        .filter(|a| !theirs.iter().any(|b| close(a, b)))
        .cloned()
        .collect();
    let only_theirs: Vec<Vec<f64>> = theirs
        .iter()
        .filter(|b| !ours.iter().any(|a| close(a, b)))
        .cloned()
        .collect();
    Some(format!(
        "{what}: Pactum has {} point(s), NegMAS {}; only in Pactum: {}; only in NegMAS: {}",
        ours.len(),
        theirs.len(),
        fmt(&only_ours),
        fmt(&only_theirs)
    ))
}

fn solution_vectors(s: Option<&Solution>) -> Vec<Vec<f64>> {
    match s {
        None => Vec::new(),
        Some(s) => std::iter::once(s.utilities.clone())
            .chain(s.ties.iter().map(|t| t.utilities.clone()))
            .collect(),
    }
}

/// Checks one fixture; returns its mismatches.
fn check(fixture: &Path, root: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(fixture).expect("readable fixture");
    let fx: Json = serde_json::from_str(&text).expect("fixture is JSON");
    let rel = fx["scenario"].as_str().expect("scenario path");
    let folder = root.join(rel);
    let mut problems = Vec::new();

    let loaded = match pactum_core::genius::load_folder(&folder, None) {
        Ok(l) => l,
        Err(e) => return vec![format!("{rel}: Pactum cannot load the folder: {e}")],
    };
    let analysis = match analyze(&loaded.scenario, &AnalysisOptions::default()) {
        Ok(a) => a,
        Err(e) => return vec![format!("{rel}: analysis failed: {e}")],
    };

    let profiles: Vec<String> = fx["profiles"]
        .as_array()
        .expect("profiles")
        .iter()
        .map(|p| p.as_str().expect("profile name").to_string())
        .collect();
    if analysis.negotiators != profiles {
        return vec![format!(
            "{rel}: negotiators {:?} differ from the fixture's profiles {:?}",
            analysis.negotiators, profiles
        )];
    }

    let count = fx["outcome_count"].as_u64().expect("outcome_count") as u128;
    if analysis.outcome_count != count {
        problems.push(format!(
            "outcome_count: Pactum {}, NegMAS {count}",
            analysis.outcome_count
        ));
    }

    // Utility ranges, in negotiator (= profile) order.
    let negotiators: Vec<_> = analysis
        .parties
        .iter()
        .filter(|p| profiles.contains(&p.name))
        .collect();
    let mins: Vec<f64> = negotiators
        .iter()
        .map(|p| p.min_utility.unwrap_or(f64::NAN))
        .collect();
    let maxs: Vec<f64> = negotiators
        .iter()
        .map(|p| p.max_utility.unwrap_or(f64::NAN))
        .collect();
    for (key, ours) in [("min_utilities", mins), ("max_utilities", maxs)] {
        let theirs = numbers(&fx[key]);
        if !close(&ours, &theirs) {
            problems.push(format!("{key}: Pactum {ours:?}, NegMAS {theirs:?}"));
        }
    }

    let frontier: Vec<Vec<f64>> = analysis
        .frontier
        .iter()
        .map(|p| p.utilities.clone())
        .collect();
    problems.extend(compare("frontier", frontier, vectors(&fx["frontier"])));

    let s = &analysis.solutions;
    for (key, sol) in [
        ("nash", s.nash.as_ref()),
        ("kalai_smorodinsky", s.kalai_smorodinsky.as_ref()),
        ("egalitarian", s.egalitarian.as_ref()),
        ("utilitarian", s.utilitarian.as_ref()),
    ] {
        problems.extend(compare(key, solution_vectors(sol), vectors(&fx[key])));
    }
    problems.iter().map(|p| format!("{rel}: {p}")).collect()
}

#[test]
fn analysis_matches_negmas_on_genius_scenarios() {
    let root = scenarios_root();
    if !root.is_dir() {
        eprintln!(
            "skipping the NegMAS cross-check: GENIUS scenarios not found at {} \
             (set PACTUM_GENIUS_SCENARIOS to their folder)",
            root.display()
        );
        return;
    }
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .expect("fixture folder")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    fixtures.sort();
    assert!(
        fixtures.len() >= 12,
        "expected the NegMAS fixtures, found {}",
        fixtures.len()
    );

    let mut problems = Vec::new();
    let mut skipped = Vec::new();
    for f in &fixtures {
        let fx: Json = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        let rel = fx["scenario"].as_str().unwrap().to_string();
        if !root.join(&rel).is_dir() {
            skipped.push(rel);
            continue;
        }
        problems.extend(check(f, &root));
    }
    if !skipped.is_empty() {
        eprintln!(
            "NegMAS cross-check: scenario folders missing under {}, not checked: {}",
            root.display(),
            skipped.join(", ")
        );
    }
    assert!(
        problems.is_empty(),
        "{} mismatch(es) against NegMAS:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
