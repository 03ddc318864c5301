//! Conformance over the field's test bed: every GENIUS scenario in
//! `../shared/scenarios/genius` loads (or is rejected with a message naming
//! the file), and for every two-party scenario of at most 2·10^6 outcomes the
//! fast analysis equals brute-force enumeration exactly.

use std::path::{Path, PathBuf};

use pactum_core::analysis::{AnalysisError, AnalysisOptions, Method, analyze};

fn genius_root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/scenarios/genius");
    if root.is_dir() {
        Some(root)
    } else {
        eprintln!("skipping: {} is absent", root.display());
        None
    }
}

/// Every folder below `root` that holds XML files.
fn scenario_folders(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut has_xml = false;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "xml") {
                has_xml = true;
            }
        }
        if has_xml {
            out.push(dir);
        }
    }
    out.sort();
    out
}

#[test]
fn every_genius_scenario_loads_or_is_rejected_clearly() {
    let Some(root) = genius_root() else { return };
    let folders = scenario_folders(&root);
    assert!(
        folders.len() >= 120,
        "only {} scenario folders found",
        folders.len()
    );
    let mut rejected = Vec::new();
    for folder in &folders {
        match pactum_core::io::load(folder, None) {
            Ok(loaded) => {
                let s = loaded.scenario;
                assert!(
                    s.negotiators().len() >= 2,
                    "{}: fewer than two parties",
                    folder.display()
                );
                assert!(!s.issues().is_empty());
            }
            Err(e) => rejected.push((
                folder.strip_prefix(&root).unwrap().to_path_buf(),
                e.to_string(),
            )),
        }
    }
    // Exactly one folder is malformed on purpose.
    assert_eq!(rejected.len(), 1, "{rejected:#?}");
    let (folder, message) = &rejected[0];
    assert_eq!(folder, Path::new("misc/LaptopConv"));
    assert!(
        message.contains("Laptop-C-prof") && message.contains("\"0\""),
        "{message}"
    );
}

#[test]
fn fast_analysis_equals_brute_force_on_every_two_party_scenario() {
    let Some(root) = genius_root() else { return };
    let mut checked = 0;
    for folder in scenario_folders(&root) {
        let Ok(loaded) = pactum_core::io::load(&folder, None) else {
            continue;
        };
        let s = loaded.scenario;
        if s.negotiators().len() != 2 || s.outcome_count() > 2_000_000 {
            continue;
        }
        let name = folder.strip_prefix(&root).unwrap().display().to_string();
        let fast = match analyze(&s, &AnalysisOptions::default()) {
            Ok(a) => a,
            Err(AnalysisError::TooLarge { .. }) => continue,
            Err(e) => panic!("{name}: {e}"),
        };
        let slow = analyze(
            &s,
            &AnalysisOptions {
                method: Method::Enumerate,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            json(&fast.frontier),
            json(&slow.frontier),
            "{name}: frontier"
        );
        assert_eq!(
            json(&fast.solutions),
            json(&slow.solutions),
            "{name}: solutions"
        );
        assert_eq!(fast.zopa.count, slow.zopa.count, "{name}: zopa");
        assert_eq!(
            fast.frontier.is_empty(),
            fast.zopa.empty,
            "{name}: frontier vs zone"
        );
        checked += 1;
    }
    assert!(checked >= 90, "only {checked} two-party scenarios compared");
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap()
}
