//! The CLI's presentation, run through the real binary: an error's causes
//! are printed once, `--help` documents strategies and protocols, `analyse`
//! is `analyze`, tables keep their columns apart, coinciding fair packages
//! are printed once, `analyze` shows each party's weights, a `serve` that
//! cannot listen leaves no database, `convert` refuses to overwrite, counts
//! agree with their nouns.

mod common;
use common::{pactum, repo, write};

/// Runs the binary and returns (success, stdout, stderr).
fn run(args: &[&str]) -> (bool, String, String) {
    let out = pactum().args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_missing_file_is_reported_once_per_cause() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.toml");
    let missing = missing.to_str().unwrap();
    let os_message = std::fs::read(missing).unwrap_err().to_string();
    let out = dir.path().join("t");
    let out = out.to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["analyze", missing],
        vec!["validate", missing],
        vec!["negotiate", missing, "--parties", "boulware,conceder"],
        vec![
            "tournament",
            "--scenarios",
            missing,
            "--strategies",
            "boulware,conceder",
            "--out",
            out,
        ],
        vec!["forecast", missing],
    ];
    for args in cases {
        let (ok, _, err) = run(&args);
        assert!(!ok, "{args:?} succeeded");
        assert_eq!(err.matches(&os_message).count(), 1, "{args:?}: {err}");
        assert_eq!(err.matches(missing).count(), 1, "{args:?}: {err}");
    }
}

#[test]
fn an_invalid_scenario_is_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "bad.toml",
        "name = \"x\"\n[[issues]]\nname = \"a\"\noptions = []\n",
    );
    let (ok, _, err) = run(&["validate", file.to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(err.matches("needs at least one option").count(), 1, "{err}");
}

#[test]
fn negotiate_and_tournament_help_list_every_strategy_from_the_registry() {
    for sub in ["negotiate", "tournament"] {
        for flag in ["--help", "-h"] {
            let (ok, help, _) = run(&[sub, flag]);
            assert!(ok);
            for (name, description, _) in pactum_sim::negotiator::STRATEGIES {
                assert!(
                    help.lines()
                        .any(|l| l.trim_start().starts_with(name) && l.ends_with(description)),
                    "{sub} {flag}: no line for {name}: {description}\n{help}"
                );
            }
        }
    }
}

#[test]
fn negotiate_help_describes_the_protocol_and_its_values() {
    let (ok, help, _) = run(&["negotiate", "--help"]);
    assert!(ok);
    let at = help
        .find("--protocol <PROTOCOL>")
        .expect("--protocol listed");
    let section: Vec<&str> = help[at..].lines().skip(1).take(12).collect();
    assert!(
        section[0].contains("The protocol"),
        "--protocol undescribed: {section:?}"
    );
    for value in [
        "sao:",
        "Stacked alternating offers",
        "single-text:",
        "Mediated single negotiating text",
        "phased:",
        "partial-rounds:",
    ] {
        assert!(
            section.iter().any(|l| l.contains(value)),
            "{value}: {section:?}"
        );
    }
    let (_, help, _) = run(&["tournament", "--help"]);
    assert!(help.contains("stacked alternating offers"), "{help}");
}

#[test]
fn analyse_is_analyze() {
    let example = repo("examples/istanbul-2025.toml");
    let example = example.to_str().unwrap();
    let (ok, british, err) = run(&["analyse", example, "--json"]);
    assert!(ok, "{err}");
    let (_, american, _) = run(&["analyze", example, "--json"]);
    assert_eq!(british, american);
}

/// A two-issue scenario with `n` negotiators named `{prefix}{i}`.
fn many_parties(prefix: &str, n: usize) -> String {
    let mut t = String::from(
        "name = \"Many\"\n[[issues]]\nname = \"x\"\noptions = [\"a\", \"b\", \"c\"]\n\
         [[issues]]\nname = \"y\"\noptions = [\"a\", \"b\"]\n",
    );
    for i in 1..=n {
        let (xa, xc) = if i % 2 == 0 { (1.0, 0.0) } else { (0.0, 1.0) };
        t.push_str(&format!(
            "[[parties]]\nname = \"{prefix}{i}\"\nweights = {{ x = 0.5, y = 0.5 }}\n\
             values.x = {{ a = {xa}, b = 0.5, c = {xc} }}\nvalues.y = {{ a = 1.0, b = 0.{i} }}\n"
        ));
    }
    t
}

/// The frontier table's header row of a text report.
fn frontier_header(report: &str) -> Vec<String> {
    let line = report
        .lines()
        .find(|l| l.trim_start().starts_with('#') && l.ends_with("package"))
        .unwrap_or_else(|| panic!("no frontier header in\n{report}"));
    line.split_whitespace()
        .skip(1)
        .take_while(|w| *w != "package")
        .map(String::from)
        .collect()
}

#[test]
fn frontier_columns_of_similar_long_names_stay_distinct() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "many.toml", &many_parties("University_util", 4));
    let (ok, report, err) = run(&["analyze", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    let header = frontier_header(&report);
    assert_eq!(
        header,
        ["Unive…til1", "Unive…til2", "Unive…til3", "Unive…til4"]
    );
}

#[test]
fn frontier_columns_of_the_anac_university_domain_stay_distinct() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/scenarios/genius/anac/y2015/group1-university");
    if !folder.is_dir() {
        eprintln!("skipped: {} is absent", folder.display());
        return;
    }
    let (ok, report, err) = run(&["analyze", folder.to_str().unwrap(), "--show", "3"]);
    assert!(ok, "{err}");
    let header = frontier_header(&report);
    assert_eq!(header.len(), 9, "{header:?}");
    let distinct: std::collections::HashSet<&String> = header.iter().collect();
    assert_eq!(distinct.len(), 9, "{header:?}");
}

/// The "Fair packages" section of a text report.
fn fair_packages(report: &str) -> &str {
    &report[report
        .find("\nFair packages")
        .expect("a fair packages section")..]
}

#[test]
fn coinciding_fair_packages_are_printed_once_and_named_together() {
    let example = repo("examples/istanbul-2025.toml");
    let (ok, report, err) = run(&["analyze", example.to_str().unwrap()]);
    assert!(ok, "{err}");
    let section = fair_packages(&report);
    assert!(
        section.contains(
            "Nash bargaining solution, Kalai–Smorodinsky, egalitarian and utilitarian coincide \
             (frontier #2): Ukraine 0.6300, Russia 0.6400"
        ),
        "{section}"
    );
    assert_eq!(section.matches("ceasefire = ").count(), 1, "{section}");

    // Where they part, each is printed with its own package.
    let car = repo("examples/car-purchase.toml");
    let (_, report, _) = run(&["analyze", car.to_str().unwrap()]);
    let section = fair_packages(&report);
    assert!(
        section.contains(
            "Nash bargaining solution, Kalai–Smorodinsky and egalitarian coincide (frontier #15)"
        ),
        "{section}"
    );
    assert!(
        section.contains("\n  utilitarian (frontier #29)"),
        "{section}"
    );
    let first_issue = section
        .lines()
        .find(|l| l.starts_with("      "))
        .unwrap()
        .split(" = ")
        .next()
        .unwrap()
        .to_string();
    assert_eq!(section.matches(&format!("{first_issue} = ")).count(), 2);
}

#[test]
fn analyze_reports_each_partys_weights_in_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "w.toml",
        r#"
name = "W"
[[issues]]
name = "price"
options = ["low", "high"]
[[issues]]
name = "delivery"
options = ["short", "long"]
[[parties]]
name = "Buyer"
weights = { price = 0.85, delivery = 0.15 }
values.price = { low = 1.0, high = 0.0 }
values.delivery = { short = 0.0, long = 1.0 }
[[parties]]
name = "Seller"
weights = { price = 0.6, delivery = 0.6 }
values.price = { low = 0.0, high = 1.0 }
values.delivery = { short = 1.0, long = 0.0 }
"#,
    );
    let file = file.to_str().unwrap();
    let (ok, report, err) = run(&["analyze", file]);
    assert!(ok, "{err}");
    assert!(
        report.contains("weights: price 0.85, delivery 0.15\n"),
        "{report}"
    );
    assert!(
        report.contains("weights: price 0.6, delivery 0.6 (sum 1.2)\n"),
        "{report}"
    );
    let (ok, json, _) = run(&["analyze", file, "--json"]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["parties"][0]["weights"],
        serde_json::json!({"price": 0.85, "delivery": 0.15})
    );
    // Issue order, not alphabetical.
    let weights = &json[json.find("\"weights\"").unwrap()..];
    assert!(weights.find("\"price\"").unwrap() < weights.find("\"delivery\"").unwrap());
}

#[test]
fn serve_that_cannot_listen_creates_no_database() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pactum.db");
    let out = pactum()
        .args(["serve", "--listen", &addr, "--db", db.to_str().unwrap()])
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains(&format!("listening on {addr}")), "{err}");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn convert_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let example = repo("examples/car-purchase.toml");
    let example = example.to_str().unwrap();
    // A file.
    let file = write(&dir, "out.json", "precious");
    let file = file.to_str().unwrap();
    let (ok, _, err) = run(&["convert", example, "--to", "json", file]);
    assert!(!ok);
    assert!(err.contains(file) && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(file).unwrap(), "precious");
    let (ok, _, err) = run(&["convert", example, "--to", "json", file, "--force"]);
    assert!(ok, "{err}");
    assert!(std::fs::read_to_string(file).unwrap().starts_with('{'));

    // A folder that holds files, of the converted scenario's names or not.
    let folder = dir.path().join("genius");
    let folder = folder.to_str().unwrap();
    let (ok, _, err) = run(&["convert", example, "--to", "genius", folder]);
    assert!(ok, "a new folder is written: {err}");
    let before: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (p.clone(), std::fs::read(p).unwrap())
        })
        .collect();
    for to in ["genius", "geniusweb"] {
        let (ok, _, err) = run(&["convert", example, "--to", to, folder]);
        assert!(!ok, "{to}");
        assert!(err.contains(folder) && err.contains("--force"), "{err}");
    }
    for (path, bytes) in &before {
        assert_eq!(&std::fs::read(path).unwrap(), bytes, "{}", path.display());
    }
    assert_eq!(std::fs::read_dir(folder).unwrap().count(), before.len());
    let (ok, _, err) = run(&["convert", example, "--to", "genius", folder, "--force"]);
    assert!(ok, "{err}");

    // A file where a folder is to be written, a folder where a file is.
    let (ok, _, err) = run(&["convert", example, "--to", "toml", folder]);
    assert!(!ok);
    assert!(err.contains(folder) && err.contains("a folder"), "{err}");
    // An empty folder is filled.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (ok, _, err) = run(&[
        "convert",
        example,
        "--to",
        "geniusweb",
        empty.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
}

#[test]
fn counts_of_one_take_the_singular() {
    let dir = tempfile::tempdir().unwrap();
    let one = write(
        &dir,
        "one.toml",
        r#"
name = "One"
[[issues]]
name = "date"
options = ["monday"]
[[parties]]
name = "A"
weights = { date = 1.0 }
values.date = { monday = 1.0 }
[[parties]]
name = "B"
weights = { date = 1.0 }
values.date = { monday = 1.0 }
"#,
    );
    let one = one.to_str().unwrap();
    let (ok, out, err) = run(&["validate", one]);
    assert!(ok, "{err}");
    assert!(
        out.contains("valid — 1 issue, 2 parties (2 negotiators), 1 outcome\n"),
        "{out}"
    );
    let (_, report, _) = run(&["analyze", one]);
    for phrase in [
        "Outcome space: 1 issue, 1 outcome\n",
        "(1 value): monday",
        "1 of 1 outcome (100.0000%) is at least",
        "Pareto frontier: 1 point (1 outcome)",
    ] {
        assert!(report.contains(phrase), "{phrase}: {report}");
    }
    let (_, out, err) = run(&[
        "negotiate",
        one,
        "--parties",
        "boulware,boulware",
        "--steps",
        "1",
    ]);
    assert!(out.contains(", 1 round, seed 0"), "{out}{err}");
    let (ok, _, err) = run(&["negotiate", one, "--parties", "boulware"]);
    assert!(!ok);
    assert!(err.contains("1 strategy for 2 negotiators"), "{err}");
    let out_dir = dir.path().join("t");
    let (ok, out, err) = run(&[
        "tournament",
        "--scenarios",
        one,
        "--strategies",
        "boulware",
        "--self-play",
        "--steps",
        "1",
        "--quiet",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(
        out.contains("1 strategy × 1 scenario × 1 repetition: "),
        "{out}"
    );
}
