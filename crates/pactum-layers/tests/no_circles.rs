//! The workspace-wide module rule: in every crate under `crates/`, no two
//! modules import each other, directly or in a circle (see the library's
//! documentation for what counts), and every source file under a crate's
//! `src/` is one of its modules, so none escapes the check.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn crates() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    out.sort();
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_modules_import_each_other_in_a_circle() {
    let mut found = Vec::new();
    for dir in crates() {
        let name = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let trees = pactum_layers::read_crate(&dir).unwrap_or_else(|e| panic!("{name}: {e}"));
        for tree in &trees {
            for circle in pactum_layers::circles(&pactum_layers::imports(tree)) {
                found.push(format!("{name}: {circle}"));
            }
        }
    }
    found.sort();
    found.dedup();
    assert!(
        found.is_empty(),
        "modules import each other in a circle:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_source_file_is_a_module() {
    let crates = crates();
    assert!(
        crates.len() >= 6,
        "expected the workspace's crates, found {crates:?}"
    );
    for dir in crates {
        let trees = pactum_layers::read_crate(&dir).unwrap_or_else(|e| panic!("{e}"));
        let reached: BTreeSet<PathBuf> = trees
            .iter()
            .flat_map(|t| t.modules.values().map(|m| m.file.clone()))
            .collect();
        let mut files = Vec::new();
        rust_files(&dir.join("src"), &mut files);
        let missed: Vec<&PathBuf> = files.iter().filter(|f| !reached.contains(*f)).collect();
        assert!(missed.is_empty(), "files no module declares: {missed:#?}");
    }
}
