//! End-to-end tests of `pactum conflict`: the JSON document's fields and
//! numbers, the readable report, both sanction modes, the seed example,
//! `--why`, `--status-quo`, `--plot`, and bad input or bad flag values
//! exiting non-zero with the file, field or flag named.

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

fn run(args: &[&str]) -> (bool, String, String) {
    let out = pactum().args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn why_names_each_improvement_and_the_sanction_deterring_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "pd.toml", PRISONERS);
    let f = file.to_str().unwrap();
    let (ok, text, err) = run(&["conflict", f, "--why", "1"]);
    assert!(ok, "{err}");
    assert!(
        text.contains("Why state 1 is or is not stable for A\n"),
        "{text}"
    );
    assert!(
        text.contains("Why state 1 is or is not stable for B\n"),
        "{text}"
    );
    assert!(
        text.contains("  A can improve from state 1 to state 2: not Nash stable.\n"),
        "{text}"
    );
    assert!(
        text.contains("  Improvement to state 2: A takes 'A defects'\n"),
        "{text}"
    );
    assert!(
        text.contains("    GMR  deterred: B takes 'B defects' → state 4; A does not prefer state 4 to state 1\n"),
        "{text}"
    );
    assert!(
        text.contains("    SIM  deterred: at once, B takes 'B defects' → state 4; A does not prefer state 4 to state 1\n"),
        "{text}"
    );
    assert!(
        text.contains("  Stable for A under: GMR, SMR, SEQ, SIM, SEQ+SIM; not under: Nash\n"),
        "{text}"
    );
    // One DM only; and a state with an undeterred improvement.
    let (ok, text, _) = run(&["conflict", f, "--why", "3", "--dm", "A"]);
    assert!(ok);
    assert!(text.contains("Why state 3 is or is not stable for A\n  In state 3 these options are taken: 'B defects'.\n"), "{text}");
    assert!(!text.contains("stable for B"), "{text}");
    assert!(
        text.contains("    GMR  not deterred: no sequence of the opponents' moves ends in a state A does not prefer to state 3\n"),
        "{text}"
    );
    assert!(
        text.contains("  Stable for A under: none; not under: Nash, GMR"),
        "{text}"
    );
    let (ok, text, _) = run(&["conflict", f, "--why", "4", "--dm", "B"]);
    assert!(ok);
    assert!(
        text.contains("  B has no improvement from state 4: stable under every concept.\n"),
        "{text}"
    );
}

#[test]
fn the_status_quo_section_gives_shortest_paths_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "pd.toml", PRISONERS);
    let (ok, text, err) = run(&["conflict", file.to_str().unwrap(), "--status-quo", "1"]);
    assert!(ok, "{err}");
    assert!(text.contains("status quo: state 1\n"), "{text}");
    assert!(
        text.contains("From the status quo (state 1)\n  In state 1 no option is taken.\n"),
        "{text}"
    );
    assert!(
        text.contains("  The status quo is an equilibrium under: GMR, SMR, SEQ, SIM, SEQ+SIM\n"),
        "{text}"
    );
    assert!(
        text.contains("  By unilateral improvements: 4 of 4 states reachable\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "    to state 4 (Nash, GMR, SMR, SEQ, SIM, SEQ+SIM), 2 moves\n      1. A takes 'A defects' → state 2\n      2. B takes 'B defects' → state 4\n"
        ),
        "{text}"
    );
    // Without a status quo there is no such section.
    let (_, text, _) = run(&["conflict", file.to_str().unwrap()]);
    assert!(!text.contains("From the status quo"), "{text}");
}

#[test]
fn the_istanbul_status_quo_improves_only_to_sanctions_and_guarantees_with_war_going_on() {
    let file = repo("examples/istanbul-2025-conflict.toml");
    let (ok, text, err) = run(&["conflict", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    // From the status quo (offensive and deep strikes, state 6) only the
    // United States and Europe improve: sanctions (22), guarantees (38),
    // both (54, Nash).
    assert!(
        text.contains("  By unilateral improvements: 4 of 64 states reachable\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "    to state 54 (Nash, GMR, SMR, SEQ, SIM, SEQ+SIM), 2 moves\n      1. United States takes 'US presses sanctions' → state 22\n      2. Europe takes 'Western security guarantees' → state 54\n"
        ),
        "{text}"
    );
    // By moves, the ceasefire of state 1 is two moves away.
    assert!(
        text.contains(
            "    to state 1 (GMR, SMR, SEQ, SIM, SEQ+SIM), 2 moves\n      1. Ukraine withdraws 'Ukraine strikes deep' → state 2\n      2. Russia withdraws 'Russia presses the offensive' → state 1\n"
        ),
        "{text}"
    );
    let v = json(&["conflict", file.to_str().unwrap(), "--json"]);
    let p = &v["status_quo_paths"]["improvements"];
    assert_eq!(p["reachable"], serde_json::json!([6, 22, 38, 54]));
    assert_eq!(p["equilibria"]["nash"], serde_json::json!([54]));
    // What the README says: the status quo is stable for Ukraine and Russia
    // under every concept and an equilibrium under none; the Nash
    // equilibria are 54 and 62; all 16 ceasefires (options 0 and 2 not
    // taken) are GMR equilibria, 12 of them SEQ ones.
    for key in ["nash", "gmr", "smr", "seq", "sim", "seq_sim"] {
        for dm in ["Ukraine", "Russia"] {
            let ids = v["stability"][key][dm].as_array().unwrap();
            assert!(ids.contains(&serde_json::json!(6)), "{key} {dm}");
        }
        let eq = v["equilibria"][key].as_array().unwrap();
        assert!(!eq.contains(&serde_json::json!(6)), "{key}");
    }
    assert_eq!(v["equilibria"]["nash"], serde_json::json!([54, 62]));
    let ceasefires: Vec<Value> = v["states"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["options"][0] == 0 && s["options"][2] == 0)
        .map(|s| s["id"].clone())
        .collect();
    assert_eq!(ceasefires.len(), 16);
    let under = |key: &str| {
        let eq = v["equilibria"][key].as_array().unwrap();
        ceasefires.iter().filter(|id| eq.contains(id)).count()
    };
    assert_eq!((under("gmr"), under("seq")), (16, 12));
}

#[test]
fn json_has_why_and_status_quo_paths() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "pd.toml", PRISONERS);
    let f = file.to_str().unwrap();
    let v = json(&["conflict", f, "--json"]);
    assert_eq!(v["why"], serde_json::json!([]));
    assert!(v["status_quo_paths"].is_null());
    let v = json(&[
        "conflict",
        f,
        "--json",
        "--why",
        "1",
        "--dm",
        "A",
        "--status-quo",
        "1",
    ]);
    assert_eq!(v["status_quo"], 1);
    let w = &v["why"][0];
    assert_eq!(w["state"], 1);
    assert_eq!(w["decision_maker"], "A");
    assert_eq!(w["stable"]["nash"], false);
    assert_eq!(w["stable"]["seq_sim"], true);
    let m = &w["improvements"][0];
    assert_eq!(
        m["move"],
        serde_json::json!({"decision_maker": "A", "from": 1, "to": 2,
            "changes": [{"option": "A defects", "taken": true}]})
    );
    let gmr = &m["sanctions"]["gmr"];
    assert_eq!(gmr["kind"], "sequence");
    assert_eq!(gmr["end"], 4);
    assert_eq!(gmr["steps"][0]["decision_maker"], "B");
    assert_eq!(
        (
            gmr["steps"][0]["from"].clone(),
            gmr["steps"][0]["to"].clone()
        ),
        (2.into(), 4.into())
    );
    assert_eq!(m["sanctions"]["sim"]["kind"], "simultaneous");
    assert_eq!(m["sanctions"]["sim"]["steps"][0]["from"], 1);
    let p = &v["status_quo_paths"];
    assert_eq!(p["status_quo"], 1);
    for key in ["moves", "improvements"] {
        assert_eq!(p[key]["reachable"], serde_json::json!([1, 2, 3, 4]));
        assert_eq!(p[key]["equilibria"]["gmr"], serde_json::json!([1, 4]));
        let to4 = &p[key]["paths"][1];
        assert_eq!(to4["to"], 4);
        assert_eq!(to4["concepts"][0], "nash");
        let steps: Vec<(&str, u64)> = to4["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["decision_maker"].as_str().unwrap(),
                    s["to"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(steps, [("A", 2), ("B", 4)]);
    }
}

/// Checks that `svg` is well-formed XML: tags balanced and named alike,
/// attributes quoted, `&` only in entities, no stray `<`.
fn well_formed(svg: &str) -> Result<(), String> {
    let mut open: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        for (i, _) in text.match_indices('&') {
            let ent = &text[i..];
            if !["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| ent.starts_with(e))
            {
                return Err(format!("bare & in {text:?}"));
            }
        }
        let gt = rest[lt..].find('>').ok_or("unclosed tag")? + lt;
        let tag = &rest[lt + 1..gt];
        if tag.contains('<') || tag.matches('"').count() % 2 == 1 {
            return Err(format!("bad tag <{tag}>"));
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/')
            .collect();
        if tag.starts_with('/') {
            match open.pop() {
                Some(o) if o == name => {}
                o => return Err(format!("</{name}> closes {o:?}")),
            }
        } else if !tag.ends_with('/') {
            open.push(name);
        }
        rest = &rest[gt + 1..];
    }
    if open.is_empty() && rest.trim().is_empty() {
        Ok(())
    } else {
        Err(format!("unclosed: {open:?}"))
    }
}

#[test]
fn the_plot_is_a_well_formed_svg_with_the_equilibria_ringed() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "pd.toml", &format!("status_quo = []\n{PRISONERS}"));
    let svg_path = dir.path().join("pd.svg");
    let args = [
        "conflict",
        file.to_str().unwrap(),
        "--plot",
        svg_path.to_str().unwrap(),
    ];
    let (ok, _, err) = run(&args);
    assert!(ok, "{err}");
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    well_formed(&svg).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    // GMR equilibria 1 and 4; state 1 is the status quo.
    assert!(
        svg.contains(r#"<g id="state-1" class="state equilibrium status-quo">"#),
        "{svg}"
    );
    assert!(
        svg.contains(r#"<g id="state-4" class="state equilibrium">"#),
        "{svg}"
    );
    assert!(svg.contains(r#"<g id="state-2" class="state">"#), "{svg}");
    assert!(svg.contains("A&apos;s unilateral moves"), "{svg}");
    assert!(svg.contains(r#"class="path-improvements""#), "{svg}");
    // The same input writes the same bytes; --plot-concept picks the rings.
    run(&args);
    assert_eq!(std::fs::read_to_string(&svg_path).unwrap(), svg);
    let (ok, _, _) = run(&[&args[..], &["--plot-concept", "nash"]].concat());
    assert!(ok);
    let nash = std::fs::read_to_string(&svg_path).unwrap();
    assert!(
        nash.contains(r#"<g id="state-1" class="state status-quo">"#),
        "{nash}"
    );
    assert!(
        nash.contains(r#"<g id="state-4" class="state equilibrium">"#),
        "{nash}"
    );
}

/// Nine options; A controls five, B four; each wants all its own taken.
fn nine_options(preferences: bool) -> String {
    let mut t = String::from("name = \"Nine\"\nstatus_quo = []\n");
    for k in 0..9 {
        t.push_str(&format!("[[options]]\nname = \"o{k}\"\n"));
    }
    let own = |r: std::ops::Range<usize>| r.map(|k| format!("o{k}")).collect::<Vec<_>>();
    for (name, mine) in [("A", own(0..5)), ("B", own(5..9))] {
        let prefs = if preferences {
            format!("[{:?}]", mine.join(" & "))
        } else {
            "[]".into()
        };
        t.push_str(&format!(
            "[[decision_makers]]\nname = \"{name}\"\noptions = {mine:?}\npreferences = {prefs}\n"
        ));
    }
    t
}

#[test]
fn a_large_plot_is_reduced_with_a_note_or_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "nine.toml", &nine_options(true));
    let svg_path = dir.path().join("nine.svg");
    let (ok, _, err) = run(&[
        "conflict",
        file.to_str().unwrap(),
        "--json",
        "--plot",
        svg_path.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(err.contains("the model has 512 states, more than 256: only the GMR equilibria, the status quo and the states on the shortest paths between them are drawn (3 states)"), "{err}");
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    well_formed(&svg).unwrap();
    assert_eq!(svg.matches("<g id=\"state-").count(), 3);
    assert!(
        svg.contains(r#"<g id="state-512" class="state equilibrium">"#),
        "{svg}"
    );
    // Every state an equilibrium: too many to draw even reduced.
    let file = write(&dir, "flat.toml", &nine_options(false));
    let (ok, _, err) = run(&[
        "conflict",
        file.to_str().unwrap(),
        "--plot",
        svg_path.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(
        err.contains("cannot plot: the model has 512 states"),
        "{err}"
    );
}

#[test]
fn bad_why_dm_and_status_quo_values_exit_non_zero_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "pd.toml", PRISONERS);
    let f = file.to_str().unwrap();
    for (args, want) in [
        (
            vec!["--why", "9"],
            "error: --why 9: there is no state 9: the feasible states are numbered 1 to 4",
        ),
        (vec!["--why", "0"], "error: --why 0: there is no state 0"),
        (
            vec!["--why", "1", "--dm", "C"],
            "error: --dm \"C\": there is no decision maker \"C\"; the decision makers are \"A\", \"B\"",
        ),
        (
            vec!["--status-quo", "5"],
            "error: --status-quo 5: there is no state 5",
        ),
        (vec!["--why", "x"], "invalid value 'x' for '--why <STATE>'"),
        (vec!["--dm", "A"], "--why <STATE>"),
        (vec!["--plot-concept", "gmr"], "--plot <FILE.svg>"),
    ] {
        let (ok, _, err) = run(&[&["conflict", f][..], &args].concat());
        assert!(!ok, "{args:?}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
}

#[test]
fn horizon_and_coalitions_add_their_sections_and_keys() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "pd.toml", PRISONERS);
    let f = file.to_str().unwrap();
    // L_1 is Nash stability.
    let v = json(&["conflict", f, "--json", "--horizon", "1"]);
    assert_eq!(v["limited"]["horizon"], 1);
    assert_eq!(v["limited"]["stable"]["A"], v["stability"]["nash"]["A"]);
    assert_eq!(v["limited"]["stable"]["B"], v["stability"]["nash"]["B"]);
    assert_eq!(v["limited"]["equilibria"], v["equilibria"]["nash"]);
    assert_eq!(v["coalitions"], Value::Null);
    let v = json(&["conflict", f, "--json", "--horizon", "4"]);
    assert_eq!(v["limited"]["horizon"], 4);

    let example = repo("examples/istanbul-2025-conflict.toml");
    let e = example.to_str().unwrap();
    let v = json(&[
        "conflict",
        e,
        "--json",
        "--coalition",
        "Ukraine, Europe",
        "--coalition",
        "Russia,United States",
    ]);
    let c = &v["coalitions"];
    assert_eq!(
        c["coalitions"],
        serde_json::json!([["Ukraine", "Europe"], ["Russia", "United States"]])
    );
    assert_eq!(v["limited"], Value::Null);
    // Coalitional stability is individual stability and more.
    for (coalitional, individual) in [("cnash", "nash"), ("cgmr", "gmr"), ("cseq", "seq")] {
        for dm in ["Ukraine", "Russia", "United States", "Europe"] {
            let ids = |x: &Value| -> Vec<u64> {
                x.as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i.as_u64().unwrap())
                    .collect()
            };
            let stable = ids(&c["stability"][coalitional][dm]);
            let alone = ids(&v["stability"][individual][dm]);
            assert!(
                stable.iter().all(|s| alone.contains(s)),
                "{coalitional} {dm}"
            );
        }
        assert!(c["equilibria"][coalitional].is_array());
    }
    let out = pactum()
        .args(["conflict", e, "--coalition", "Ukraine,Europe"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Coalitions (Ukraine + Europe)"), "{text}");
    assert!(text.contains("CGMR"));
}

#[test]
fn a_bad_horizon_or_coalition_is_refused_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "pd.toml", PRISONERS);
    let f = file.to_str().unwrap();
    let example = repo("examples/istanbul-2025-conflict.toml");
    let e = example.to_str().unwrap();
    for (args, said) in [
        (vec![f, "--horizon", "0"], "--horizon 0"),
        (vec![f, "--horizon", "65"], "--horizon 65"),
        (vec![e, "--horizon", "2"], "two decision makers"),
        (
            vec![e, "--coalition", "Ukraine,Nobody"],
            "--coalition \"Ukraine,Nobody\"",
        ),
        (vec![e, "--coalition", "Ukraine"], "--coalition \"Ukraine\""),
        (vec![e, "--coalition", "Ukraine,Ukraine"], "--coalition"),
    ] {
        let out = pactum().arg("conflict").args(&args).output().unwrap();
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(said), "{args:?}: {err}");
    }
}
