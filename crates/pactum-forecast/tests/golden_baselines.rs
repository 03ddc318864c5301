//! Baselines against `expected/baselines_small_cases.json` and the baseline part of the
//! illustrative Ukraine file (exact to 1e-9).

mod common;

use common::*;
use pactum_forecast::baselines;
use pactum_forecast::input::read_case_csv;

fn check(case_file: &str, exp: &serde_json::Value) {
    let Some(path) = case_path(case_file) else {
        return;
    };
    let case = read_case_csv(&path).unwrap();
    assert_eq!(case.actors.len() as u64, exp["n_actors"].as_u64().unwrap());
    let got = serde_json::to_value(baselines::summary(&case, 0).unwrap()).unwrap();
    for (k, v) in got.as_object().unwrap() {
        let want = f(&exp[k.as_str()]);
        assert_close(f(v), want, 1e-9, &format!("{case_file} {k}"));
    }
}

#[test]
fn baselines_small_cases() {
    let Some(exp) = expected("baselines_small_cases.json") else {
        return;
    };
    let list = exp.as_array().unwrap();
    assert_eq!(list.len(), 4);
    for e in list {
        check(e["case"].as_str().unwrap(), e);
    }
}

#[test]
fn baselines_ukraine_illustrative() {
    let Some(exp) = expected("ukraine_istanbul_2025__illustrative.json") else {
        return;
    };
    let issues = exp["issues"].as_object().unwrap();
    assert_eq!(issues.len(), 7);
    for (name, v) in issues {
        let b = &v["baselines"];
        check(
            &format!("ukraine_istanbul_2025/{}", b["case"].as_str().unwrap()),
            b,
        );
        assert!(name.len() > 1);
    }
}

#[test]
fn spec_check_values() {
    let Some(path) = case_path("greece2015_debt_blog.csv") else {
        return;
    };
    let greece = read_case_csv(&path).unwrap();
    let m = baselines::weighted_mean(&greece, 0, baselines::Weighting::CapabilitySalience).unwrap();
    assert_close(m, 82.22222222222223, 1e-9, "Greece weighted mean");
}
