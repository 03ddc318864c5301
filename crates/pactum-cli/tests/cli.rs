//! End-to-end tests of the `pactum` binary: real files in, checked output
//! and exit codes out.

use std::path::PathBuf;

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{pactum, repo, write};

const TRADE: &str = r#"
name = "Trade"
[[issues]]
name = "tariff"
options = ["low", "mid", "high"]
[[issues]]
name = "quota"
options = ["none", "some"]

[[parties]]
name = "A"
reservation = 0.3
weights = { tariff = 0.5, quota = 0.5 }
values.tariff = { low = 1.0, mid = 0.5, high = 0.0 }
values.quota = { none = 0.0, some = 1.0 }

[[parties]]
name = "B"
weights = { tariff = 0.5, quota = 0.5 }
values.tariff = { low = 0.0, mid = 0.5, high = 1.0 }
values.quota = { none = 1.0, some = 0.5 }
"#;

#[test]
fn analyze_json_has_the_documented_fields_and_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "trade.toml", TRADE);
    let out = pactum()
        .arg("analyze")
        .arg(&file)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome_count"], 6);
    assert_eq!(v["negotiators"], serde_json::json!(["A", "B"]));
    // Utilities (A, B): low/none (.5,.5) low/some (1,.25) mid/none (.25,.75)
    // mid/some (.75,.5) high/none (0,1) high/some (.5,.75).
    // A needs ≥ 0.3: 4 rational outcomes; frontier (1,.25) (.75,.5) (.5,.75).
    assert_eq!(v["zopa"]["count"], 4);
    let frontier = v["frontier"].as_array().unwrap();
    let utils: Vec<Vec<f64>> = frontier
        .iter()
        .map(|p| {
            p["utilities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        })
        .collect();
    assert_eq!(
        utils,
        vec![vec![1.0, 0.25], vec![0.75, 0.5], vec![0.5, 0.75]]
    );
    assert_eq!(frontier[1]["outcome"]["tariff"], "mid");
    assert_eq!(frontier[1]["outcome"]["quota"], "some");
    // d = (0.3, 0.25): Nash products .175, .225, .1 → (.75, .5).
    assert_eq!(
        v["solutions"]["nash"]["utilities"],
        serde_json::json!([0.75, 0.5])
    );
    assert_eq!(
        v["solutions"]["utilitarian"]["utilities"],
        serde_json::json!([1.0, 0.25])
    );
    for key in ["kalai_smorodinsky", "egalitarian"] {
        assert!(v["solutions"][key]["outcome"].is_object(), "{key}");
    }
}

#[test]
fn what_if_override_moves_the_nash_point() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "trade.toml", TRADE);
    let out = pactum()
        .args([
            "analyze",
            file.to_str().unwrap(),
            "--json",
            "--set",
            "A.reservation=0.8",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["zopa"]["count"], 1);
    assert_eq!(
        v["solutions"]["nash"]["utilities"],
        serde_json::json!([1.0, 0.25])
    );
}

#[test]
fn analyze_text_report_names_the_solutions() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "trade.toml", TRADE);
    pactum()
        .arg("analyze")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("Pareto frontier: 3 points"))
        .stdout(predicate::str::contains("4 of 6 outcomes"))
        .stdout(predicate::str::contains(
            "Nash bargaining solution, Kalai–Smorodinsky and egalitarian coincide \
             (frontier #2): A 0.7500, B 0.5000",
        ));
}

#[test]
fn empty_zopa_is_a_result_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "trade.toml",
        &TRADE.replace("reservation = 0.3", "reservation = 1.5"),
    );
    pactum()
        .arg("analyze")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("EMPTY"))
        .stdout(predicate::str::contains(
            "A's reservation value 1.5 is above the best it can get",
        ));
}

#[test]
fn plot_writes_an_svg() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "trade.toml", TRADE);
    let svg = dir.path().join("space.svg");
    pactum()
        .arg("analyze")
        .arg(&file)
        .arg("--plot")
        .arg(&svg)
        .assert()
        .success();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.starts_with("<svg")
            && text.contains("utility of A")
            && text.contains("Nash bargaining solution")
    );
}

#[test]
fn validate_and_convert_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "trade.toml", TRADE);
    pactum()
        .arg("validate")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "valid — 2 issues, 2 parties (2 negotiators), 6 outcomes",
        ));
    let json = dir.path().join("trade.json");
    pactum()
        .args([
            "convert",
            file.to_str().unwrap(),
            "--to",
            "json",
            json.to_str().unwrap(),
        ])
        .assert()
        .success();
    let toml = dir.path().join("again.toml");
    pactum()
        .args([
            "convert",
            json.to_str().unwrap(),
            "--to",
            "toml",
            toml.to_str().unwrap(),
        ])
        .assert()
        .success();
    let a = pactum()
        .args(["analyze", "--json"])
        .arg(&file)
        .output()
        .unwrap()
        .stdout;
    let b = pactum()
        .args(["analyze", "--json"])
        .arg(&toml)
        .output()
        .unwrap()
        .stdout;
    assert_eq!(a, b);
}

fn fails_with(args: &[&str], needles: &[&str]) {
    let out = pactum().args(args).output().unwrap();
    assert!(!out.status.success(), "expected failure for {args:?}");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(err.contains(n), "missing {n:?} in {err}");
    }
}

#[test]
fn bad_input_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str, text: &str| write(&dir, name, text).to_str().unwrap().to_string();
    let unknown = p(
        "unknown.toml",
        &TRADE.replace(
            "tariff = 0.5, quota = 0.5 }\nvalues.tariff = { low = 1.0",
            "tarif = 0.5, quota = 0.5 }\nvalues.tariff = { low = 1.0",
        ),
    );
    fails_with(
        &["analyze", &unknown],
        &[
            "unknown.toml",
            "parties[0] (A).weights.tarif",
            "unknown issue",
        ],
    );
    let negative = p(
        "negative.toml",
        &TRADE.replacen("tariff = 0.5", "tariff = -0.5", 1),
    );
    fails_with(
        &["validate", &negative],
        &["negative.toml", "weights.tariff", "≥ 0"],
    );
    let range = p("range.toml", &TRADE.replacen("low = 1.0", "low = 1.2", 1));
    fails_with(
        &["validate", &range],
        &["range.toml", "values.tariff.low", "outside [0, 1]"],
    );
    let syntax = p("syntax.toml", "name = \"x\"\n[[issues]\n");
    fails_with(&["validate", &syntax], &["syntax.toml:2:"]);
    let missing = dir.path().join("missing.toml");
    fails_with(
        &["analyze", missing.to_str().unwrap()],
        &["missing.toml", "cannot read"],
    );
    let file = p("trade.toml", TRADE);
    fails_with(
        &["analyze", &file, "--set", "C.reservation=0.1"],
        &["no party"],
    );
    fails_with(
        &["analyze", &file, "--set", "A.weight.colour=0.1"],
        &["unknown issue \"colour\""],
    );
    fails_with(
        &[
            "analyze",
            &file,
            "--plot",
            "/tmp/x.svg",
            "--plot-parties",
            "A,Z",
        ],
        &["no negotiator named \"Z\""],
    );
}

#[test]
fn built_in_example_is_analysed() {
    let example = repo("examples/istanbul-2025.toml");
    let out = pactum()
        .arg("analyze")
        .arg(&example)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["negotiators"], serde_json::json!(["Ukraine", "Russia"]));
    assert!(!v["zopa"]["empty"].as_bool().unwrap());
    assert!(v["solutions"]["nash"]["outcome"]["territory"].is_string());
}

fn shared(rel: &str) -> Option<PathBuf> {
    let p = repo("../shared/scenarios/genius").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}

#[test]
fn genius_folder_analyses_and_round_trips_through_both_formats() {
    let Some(laptop) = shared("misc/Laptop") else {
        return;
    };
    let original = pactum()
        .args(["analyze", "--json"])
        .arg(&laptop)
        .output()
        .unwrap();
    assert!(
        original.status.success(),
        "{}",
        String::from_utf8_lossy(&original.stderr)
    );
    let v: Value = serde_json::from_slice(&original.stdout).unwrap();
    assert_eq!(v["outcome_count"], 27);
    assert_eq!(
        v["negotiators"],
        serde_json::json!(["Laptop-C-prof1", "Laptop-C-prof2"])
    );
    let frontier =
        |out: &[u8]| -> Value { serde_json::from_slice::<Value>(out).unwrap()["frontier"].clone() };
    let dir = tempfile::tempdir().unwrap();
    for format in ["genius", "geniusweb", "toml"] {
        let out = dir.path().join(format!(
            "laptop-{format}{}",
            if format == "toml" { ".toml" } else { "" }
        ));
        pactum()
            .args(["convert"])
            .arg(&laptop)
            .args(["--to", format])
            .arg(&out)
            .assert()
            .success();
        let again = pactum()
            .args(["analyze", "--json"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            again.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&again.stderr)
        );
        let (a, b) = (frontier(&original.stdout), frontier(&again.stdout));
        let utils = |f: &Value| -> Vec<Vec<f64>> {
            f.as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    p["utilities"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_f64().unwrap())
                        .collect()
                })
                .collect()
        };
        let (ua, ub) = (utils(&a), utils(&b));
        assert_eq!(ua.len(), ub.len(), "{format}");
        let packages = |f: &Value| -> Vec<Value> {
            f.as_array()
                .unwrap()
                .iter()
                .map(|p| p["outcome"].clone())
                .collect()
        };
        assert_eq!(packages(&a), packages(&b), "{format}");
        if format == "geniusweb" {
            // GeniusWeb weights must sum to 1, so each party's utilities are
            // rescaled; the packages on the frontier stay the same.
            continue;
        }
        for (x, y) in ua.iter().zip(&ub) {
            for (p, q) in x.iter().zip(y) {
                assert!((p - q).abs() < 1e-12, "{format}: {x:?} vs {y:?}");
            }
        }
    }
}

#[test]
fn genius_profiles_can_be_chosen_and_bad_folders_are_named() {
    let Some(university) = shared("anac/y2015/group1-university") else {
        return;
    };
    let out = pactum()
        .args([
            "analyze",
            "--json",
            "--profiles",
            "University_util1,University_util3",
        ])
        .arg(&university)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["negotiators"],
        serde_json::json!(["University_util1", "University_util3"])
    );
    fails_with(
        &[
            "analyze",
            "--profiles",
            "nobody",
            university.to_str().unwrap(),
        ],
        &["nobody", "University_util1"],
    );
    let Some(conv) = shared("misc/LaptopConv") else {
        return;
    };
    fails_with(
        &["validate", conv.to_str().unwrap()],
        &["Laptop-C-prof", "\"0\""],
    );
}

#[test]
fn malformed_xml_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir,
        "domain.xml",
        "<negotiation_template>\n<utility_space>\n<objective index=\"0\" name=\"d\">\n<issue index=\"1\" name=\"a\" type=\"discrete\">\n<item index=\"1\" value=\"x\"/>\n</issue>\n</objective>\n</utility_space>\n</negotiation_template>\n",
    );
    write(
        &dir,
        "p1.xml",
        "<utility_space>\n<objective index=\"0\" name=\"d\">\n<issue index=\"1\" name=\"a\" type=\"discrete\">\n<item index=\"1\" value=\"x\" evaluation=\"1\">\n</issue>\n</objective>\n</utility_space>\n",
    );
    fails_with(&["analyze", dir.path().to_str().unwrap()], &["p1.xml:"]);
}
