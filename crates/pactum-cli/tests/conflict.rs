//! End-to-end tests of `pactum conflict`: the JSON document's fields and
//! numbers, the readable report, both sanction modes, the seed example, and
//! bad input exiting non-zero with the file and field named.

use serde_json::Value;

mod common;
use common::{pactum, repo, write};

const PRISONERS: &str = r#"
name = "Prisoner's dilemma"
[[options]]
name = "A defects"
[[options]]
name = "B defects"
[[decision_makers]]
name = "A"
options = ["A defects"]
preferences = ["!B defects", "A defects"]
[[decision_makers]]
name = "B"
options = ["B defects"]
preferences = ["!A defects", "B defects"]
"#;

fn json(args: &[&str]) -> Value {
    let out = pactum().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn json_has_states_stability_and_equilibria() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "pd.toml", PRISONERS);
    let v = json(&["conflict", file.to_str().unwrap(), "--json"]);
    assert_eq!(v["states"][1]["id"], 2);
    assert_eq!(v["states"][1]["code"], 1);
    assert_eq!(v["states"][1]["options"], serde_json::json!([1, 0]));
    assert_eq!(v["states"][3]["options"], serde_json::json!([1, 1]));
    assert_eq!(v["stability"]["nash"]["A"], serde_json::json!([2, 4]));
    assert_eq!(v["stability"]["gmr"]["B"], serde_json::json!([1, 3, 4]));
    assert_eq!(v["equilibria"]["nash"], serde_json::json!([4]));
    for key in ["gmr", "smr", "seq", "sim", "seq_sim"] {
        assert_eq!(v["equilibria"][key], serde_json::json!([1, 4]), "{key}");
    }
}

#[test]
fn the_report_shows_options_stability_and_equilibria() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "pd.toml", PRISONERS);
    let out = pactum().arg("conflict").arg(&file).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("2 decision makers, 2 options, 4 feasible states"),
        "{text}"
    );
    assert!(text.contains("  A defects  N Y N Y"), "{text}");
    assert!(text.contains("  Nash       · ✓ · ✓"), "{text}");
    assert!(text.contains("  Nash     4\n"), "{text}");
    assert!(text.contains("  GMR      1, 4\n"), "{text}");
}

#[test]
fn single_sanctions_find_no_more_stable_states_than_sequences() {
    let file = repo("examples/istanbul-2025-conflict.toml");
    let f = file.to_str().unwrap();
    let seqs = json(&["conflict", f, "--json"]);
    let single = json(&["conflict", f, "--json", "--sanctions", "single"]);
    assert_eq!(single["sanctions"], "single");
    assert!(seqs["status_quo"].as_u64().is_some());
    for key in ["nash", "gmr", "smr", "seq", "sim", "seq_sim"] {
        for (dm, ids) in single["stability"][key].as_object().unwrap() {
            let all = seqs["stability"][key][dm].as_array().unwrap();
            for id in ids.as_array().unwrap() {
                assert!(all.contains(id), "{key} {dm} {id}");
            }
        }
    }
}

#[test]
fn bad_input_exits_non_zero_naming_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let bad = PRISONERS.replace(
        "options = [\"B defects\"]",
        "options = [\"B defects\", \"A defects\"]",
    );
    let file = write(&dir, "bad.toml", &bad);
    let out = pactum().arg("conflict").arg(&file).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad.toml:"), "{err}");
    assert!(err.contains("field `decision_makers[1].options`"), "{err}");
    assert!(err.contains("controlled by both \"A\" and \"B\""), "{err}");
    let file = write(&dir, "bad.gmcr", "{\"options\": [}");
    let out = pactum().arg("conflict").arg(&file).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad.gmcr:1:"), "{err}");
}
