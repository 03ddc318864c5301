//! Shared helpers for tests that read the reference cases in `shared/forecasting`.
#![allow(dead_code)]

use std::path::PathBuf;

pub fn shared_dir() -> Option<PathBuf> {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/forecasting"
    ));
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipping: reference directory {} is absent", p.display());
        None
    }
}

pub fn expected(name: &str) -> Option<serde_json::Value> {
    let dir = shared_dir()?;
    let path = dir.join("expected").join(name);
    match std::fs::read_to_string(&path) {
        Ok(t) => Some(serde_json::from_str(&t).expect("valid JSON")),
        Err(_) => {
            eprintln!("skipping: {} is absent", path.display());
            None
        }
    }
}

pub fn case_path(rel: &str) -> Option<PathBuf> {
    let p = shared_dir()?.join("cases").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}

pub fn f(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

pub fn assert_close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, expected {want} (tolerance {tol})"
    );
}
