//! End-to-end tests of `pactum forecast`: golden numbers on small cases, the scenario
//! `[forecast]` section, plots, seeded Monte Carlo, back-testing and bad input.

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{pactum, repo, write};

/// Runs `pactum forecast ARGS…`, expects success and parses stdout as JSON.
fn json(args: &[&str]) -> Value {
    let out = pactum().arg("forecast").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, expected {want} (±{tol})"
    );
}

/// Three actors: weights c·s = 500, 1000, 2400.
const SMALL: &str = "actor,capability,position,salience\nA,10,0,50\nB,20,100,50\nC,30,40,80\n";

/// The 1994 emission-standards case (Scholz et al. 2011, Table 1), years of transition.
const EMISSION: &str = "actor,capability,position,salience
Netherlands,0.08,4,80
Belgium,0.08,7,40
Luxembourg,0.03,4,20
Germany,0.16,4,80
France,0.16,10,60
Italy,0.16,10,60
UK,0.16,10,90
Ireland,0.05,7,10
Denmark,0.05,4,100
Greece,0.08,7,70
";

#[test]
fn baselines_give_the_hand_computed_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "small.csv", SMALL);
    let file = file.to_str().unwrap();
    // Weighted mean (0·500 + 100·1000 + 40·2400) / 3900.
    let v = json(&[file, "--model", "mean", "--json"]);
    assert_eq!(v["model"], "mean");
    assert_eq!(v["case"], "small");
    let issues = v["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 1);
    let i = &issues[0];
    assert_eq!(i["issue"], "small");
    close(f(&i["forecast"]), 196_000.0 / 3_900.0, 1e-12, "mean");
    // One-shot models report the initial positions as their only round, and no probabilities.
    assert_eq!(
        i["rounds"],
        serde_json::json!([{ "A": 0.0, "B": 100.0, "C": 40.0 }])
    );
    assert!(i.get("probabilities").is_none());
    // Cumulative weight 500, 2900 ≥ 1950 at x = 40.
    for model in ["median", "condorcet"] {
        let v = json(&[file, "--model", model, "--json"]);
        close(f(&v["issues"][0]["forecast"]), 40.0, 0.0, model);
    }
    // Σ w ln u: the derivative changes sign at C's position (-500/60 + 1000/40 ± 2400/100).
    let v = json(&[file, "--model", "nash", "--json"]);
    close(f(&v["issues"][0]["forecast"]), 40.0, 1e-9, "nash");
    close(
        f(&v["issues"][0]["weighted_mean"]),
        196_000.0 / 3_900.0,
        1e-12,
        "weighted mean next to the nash forecast",
    );
}

#[test]
fn bdm_trajectory_matches_the_scholz_replication() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "emission.csv", EMISSION);
    let v = json(&[file.to_str().unwrap(), "--model", "bdm", "--json"]);
    let i = &v["issues"][0];
    let rounds = i["rounds"].as_array().unwrap();
    // Initial positions + 10 rounds (jmckib configuration).
    assert_eq!(rounds.len(), 11);
    assert_eq!(rounds[0]["Belgium"], 7.0);
    // Round 1: Belgium compromises with France, Luxembourg loses a confrontation to
    // Belgium, Ireland to Luxembourg (jmckib port of Scholz's code).
    close(
        f(&rounds[1]["Belgium"]),
        8.415932315426764,
        1e-6,
        "Belgium r1",
    );
    close(f(&rounds[1]["Luxembourg"]), 7.0, 1e-9, "Luxembourg r1");
    close(f(&rounds[1]["Ireland"]), 4.0, 1e-9, "Ireland r1");
    // The median voter position after round 10 (the port's medians end 9.671, 7.0).
    close(f(&i["forecast"]), 7.0, 1e-9, "forecast");
    close(f(&i["summary"]["rounds"]), 10.0, 0.0, "rounds");
}

#[test]
fn smp_reproduces_the_ktab_reference_run() {
    // The emission case mapped linearly so that 4 years → 0 and 10 years → 100, as in the
    // reference run of KTAB's smpc with default parameters.
    let mapped = EMISSION
        .lines()
        .map(|l| {
            let mut f: Vec<String> = l.split(',').map(str::to_string).collect();
            if let Ok(p) = f[2].parse::<f64>() {
                f[2] = ((p - 4.0) / 6.0 * 100.0).to_string();
            }
            f.join(",")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "emission100.csv", &mapped);
    let v = json(&[file.to_str().unwrap(), "--model", "smp", "--json"]);
    let i = &v["issues"][0];
    // KTAB: 15 states, final positions (years) with their probabilities (4 decimals).
    assert_eq!(i["rounds"].as_array().unwrap().len(), 15);
    assert_eq!(i["probabilities"].as_array().unwrap().len(), 15);
    let ktab = [
        (4.0, 0.0006),
        (5.9512, 0.1926),
        (5.9662, 0.2476),
        (5.977, 0.2183),
        (5.9884, 0.2012),
        (6.0004, 0.1361),
        (6.1648, 0.0034),
        (9.784, 0.0001),
    ];
    let finals = i["final_positions"].as_array().unwrap();
    assert_eq!(finals.len(), ktab.len());
    for (got, (years, p)) in finals.iter().zip(ktab) {
        let want = (years - 4.0) / 6.0 * 100.0;
        close(f(&got["position"]), want, 0.005, "final position");
        close(f(&got["probability"]), p, 5e-5, "its probability");
        assert!(!got["actors"].as_array().unwrap().is_empty());
    }
    // Probability-weighted final position 5.97467 years; most probable 5.9662 years.
    close(
        f(&i["forecast"]),
        (5.974_668_046_8 - 4.0) / 6.0 * 100.0,
        0.005,
        "forecast",
    );
    close(
        f(&i["summary"]["most_probable"]),
        (5.9662 - 4.0) / 6.0 * 100.0,
        0.005,
        "most probable",
    );
    let text = pactum()
        .args(["forecast", file.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("final positions and their probabilities"),
        "{text}"
    );
    assert!(text.contains("positions by round"), "{text}");
}

const KTAB_2D: &str = "Tiny,Two dimensions,3,2,
Actor,Description,Power,Policy,SalP,Competition,SalC,
A,first,100,10,60,80,40,
B,second,50,90,50,20,50,
C,third,30,50,30,50,70,
";

#[test]
fn a_multi_dimensional_case_reports_each_dimension_by_its_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "tiny.csv", KTAB_2D);
    let v = json(&[file.to_str().unwrap(), "--json"]);
    assert_eq!(v["case"], "Tiny");
    let issues = v["issues"].as_array().unwrap();
    let names: Vec<&str> = issues
        .iter()
        .map(|i| i["issue"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Policy", "Competition"]);
    let n = issues[0]["rounds"].as_array().unwrap().len();
    for i in issues {
        let rounds = i["rounds"].as_array().unwrap();
        assert_eq!(rounds.len(), n, "every dimension has the same rounds");
        for r in rounds {
            let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["A", "B", "C"]);
        }
        assert!(i["final_positions"].is_array());
    }
    assert_eq!(issues[0]["rounds"][0]["B"], 90.0);
    assert_eq!(issues[1]["rounds"][0]["B"], 20.0);
    // BDM runs each dimension on its own.
    let v = json(&[file.to_str().unwrap(), "--model", "bdm", "--json"]);
    assert_eq!(v["issues"].as_array().unwrap().len(), 2);
}

#[test]
fn the_istanbul_example_forecasts_every_issue() {
    let file = repo("examples/istanbul-2025.toml");
    let file = file.to_str().unwrap();
    let v = json(&[file, "--json"]);
    assert_eq!(v["model"], "smp");
    assert!(
        v["source_notes"]
            .as_str()
            .unwrap()
            .contains("ILLUSTRATIVE ESTIMATES")
    );
    let issues = v["issues"].as_array().unwrap();
    let names: Vec<&str> = issues
        .iter()
        .map(|i| i["issue"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "ceasefire",
            "prisoners",
            "children",
            "nato_accession",
            "territory",
            "military_limits",
            "security_guarantees"
        ]
    );
    let actors = [
        "EU",
        "Germany",
        "Italy",
        "NATO",
        "Russia",
        "Turkey",
        "Ukraine",
        "United Kingdom",
        "United States",
    ];
    for i in issues {
        let what = i["issue"].as_str().unwrap();
        let forecast = f(&i["forecast"]);
        assert!((0.0..=100.0).contains(&forecast), "{what}: {forecast}");
        assert!(i["status_quo"].is_number(), "{what}");
        let anchors = i["anchors"].as_array().unwrap();
        assert_eq!(anchors[0]["value"], 0.0, "{what}");
        assert_eq!(anchors[anchors.len() - 1]["value"], 100.0, "{what}");
        let rounds = i["rounds"].as_array().unwrap();
        assert!(rounds.len() >= 2, "{what}: a dynamic model has rounds");
        for r in rounds {
            let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, actors, "{what}");
        }
        let total: f64 = i["final_positions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| f(&p["probability"]))
            .sum();
        close(total, 1.0, 1e-6, what);
    }
    // Ceasefire: Ukraine 0 (c·s 60·90), Russia 95 (100·80), … — the shared starting point.
    assert_eq!(issues[0]["rounds"][0]["Ukraine"], 0.0);
    assert_eq!(issues[0]["rounds"][0]["Russia"], 95.0);

    pactum()
        .args(["forecast", file, "--model", "mean", "--issue", "territory"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ILLUSTRATIVE ESTIMATES"))
        .stdout(predicate::str::contains("territory"))
        .stdout(predicate::str::contains("restoration of the 1991 borders"))
        .stdout(predicate::str::contains("ceasefire").not());
    pactum()
        .args(["forecast", file, "--issue", "borders"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no issue named \"borders\""));
}

#[test]
fn plot_draws_every_issue_with_its_forecast() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("trajectories.svg");
    pactum()
        .args([
            "forecast",
            repo("examples/istanbul-2025.toml").to_str().unwrap(),
        ])
        .args(["--model", "bdm", "--plot", svg.to_str().unwrap()])
        .assert()
        .success();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"));
    for needle in [
        "territory",
        "security_guarantees",
        "United States",
        "EU",
        "forecast ",
    ] {
        assert!(text.contains(needle), "{needle} missing from the plot");
    }
    // Monte Carlo plots show the band.
    let file = write(&dir, "small.csv", SMALL);
    pactum()
        .args(["forecast", file.to_str().unwrap(), "--monte-carlo", "20"])
        .args(["--plot", svg.to_str().unwrap()])
        .assert()
        .success();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("10th–90th pct"));
    assert!(text.contains("median forecast"));
}

#[test]
fn monte_carlo_is_deterministic_for_a_seed() {
    let file = repo("examples/istanbul-2025.toml");
    let file = file.to_str().unwrap();
    let run = |seed: &str| {
        let out = pactum()
            .args([
                "forecast",
                file,
                "--monte-carlo",
                "60",
                "--seed",
                seed,
                "--json",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let a = run("7");
    assert_eq!(a, run("7"), "same seed, same output");
    assert_ne!(a, run("8"), "another seed, other draws");
    let single = pactum()
        .env("RAYON_NUM_THREADS", "1")
        .args([
            "forecast",
            file,
            "--monte-carlo",
            "60",
            "--seed",
            "7",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        a, single.stdout,
        "the thread count does not change the draws"
    );
    let v: Value = serde_json::from_slice(&a).unwrap();
    assert_eq!(v["monte_carlo"]["draws"], 60);
    assert_eq!(v["monte_carlo"]["seed"], 7);
    let issues = v["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 7);
    for i in issues {
        let (p10, med, p90) = (f(&i["p10"]), f(&i["median"]), f(&i["p90"]));
        assert!(p10 <= med && med <= p90, "{i}");
        assert!(p90 > p10, "the inputs were perturbed: {i}");
        assert_eq!(i["failures"], 0);
    }
    // The text report gives the distribution instead of one number.
    pactum()
        .args(["forecast", file, "--monte-carlo", "20", "--model", "mean"])
        .assert()
        .success()
        .stdout(predicate::str::contains("10th–90th pct"))
        .stdout(predicate::str::contains("20 draws, seed 42"));
}

#[test]
fn monte_carlo_uses_the_ranges_in_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let no_spread = [
        "--spread-capability",
        "0",
        "--spread-position",
        "0",
        "--spread-salience",
        "0",
    ];
    // Without any spread every draw is the base case.
    let file = write(&dir, "small.csv", SMALL);
    let mut args = vec![
        file.to_str().unwrap(),
        "--model",
        "mean",
        "--monte-carlo",
        "30",
    ];
    args.extend(no_spread);
    args.push("--json");
    let v = json(&args);
    let i = &v["issues"][0];
    let base = 196_000.0 / 3_900.0;
    for k in ["base", "median", "p10", "p90"] {
        close(f(&i[k]), base, 1e-9, k);
    }
    // A position range on C alone moves the forecast within what that range allows:
    // C between 30 and 50 → mean between (100000 + 72000)/3900 and (100000 + 120000)/3900.
    let ranged = write(
        &dir,
        "ranged.csv",
        "actor,capability,position,salience,position_min,position_max\n\
         A,10,0,50,,\nB,20,100,50,,\nC,30,40,80,30,50\n",
    );
    args[0] = ranged.to_str().unwrap();
    let v = json(&args);
    let i = &v["issues"][0];
    let (p10, p90) = (f(&i["p10"]), f(&i["p90"]));
    assert!(p90 - p10 > 1.0, "{i}");
    assert!(p10 >= 172_000.0 / 3_900.0 - 1e-9 && p90 <= 220_000.0 / 3_900.0 + 1e-9);
    // A range that does not contain the value is rejected with its line and column.
    let bad = write(
        &dir,
        "badrange.csv",
        "actor,capability,position,salience,position_min,position_max\n\
         A,10,0,50,,\nB,20,100,50,,\nC,30,40,80,50,60\n",
    );
    pactum()
        .args(["forecast", bad.to_str().unwrap(), "--monte-carlo", "5"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "badrange.csv:4: field `position_min`",
        ))
        .stderr(predicate::str::contains("does not contain the position 40"));
}

/// Issue `emission` (outcome 8.833 years), `t1` (the small case, outcome 30) and `t2` (two
/// equal actors at 20 and 80, outcome 60).
fn backtest_csv() -> String {
    let mut s = String::from("issue,actor,capability,position,salience,outcome\n");
    for l in EMISSION.lines().skip(1) {
        s.push_str(&format!("emission,{l},8.833\n"));
    }
    for l in SMALL.lines().skip(1) {
        s.push_str(&format!("t1,{l},30\n"));
    }
    s.push_str("t2,A,50,20,100,60\nt2,B,50,80,100,60\n");
    s
}

#[test]
fn backtest_scores_models_against_known_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "outcomes.csv", &backtest_csv());
    let file = file.to_str().unwrap();
    let v = json(&["backtest", file, "--json"]);
    let models: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["model"].as_str().unwrap())
        .collect();
    assert_eq!(
        models,
        ["mean", "median", "condorcet", "nash", "smp", "bdm"]
    );
    // The weighted mean by hand: emission Σ c s x / Σ c s, t1 196000/3900, t2 50.
    let em: Vec<(f64, f64, f64)> = EMISSION
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<f64> = l.split(',').skip(1).map(|x| x.parse().unwrap()).collect();
            (f[0], f[1], f[2])
        })
        .collect();
    let em_mean = em.iter().map(|(c, x, s)| c * s * x).sum::<f64>()
        / em.iter().map(|(c, _, s)| c * s).sum::<f64>();
    close(em_mean, 7.390, 5e-4, "published check value");
    let errors = [
        (em_mean - 8.833).abs(),
        (196_000.0 / 3_900.0 - 30.0_f64).abs(),
        10.0,
    ];
    let mean = &v[0];
    assert_eq!(mean["issues"], 3);
    assert_eq!(mean["failures"], 0);
    close(
        f(&mean["mae"]),
        errors.iter().sum::<f64>() / 3.0,
        1e-9,
        "MAE",
    );
    close(f(&mean["median_ae"]), 10.0, 1e-9, "median AE");
    close(f(&mean["within_10"]), 2.0 / 3.0, 1e-12, "within 10");
    let preds = mean["predictions"].as_array().unwrap();
    assert_eq!(preds.len(), 3);
    assert_eq!(preds[1]["issue"], "t1");
    assert_eq!(preds[1]["outcome"], 30.0);
    close(f(&preds[1]["forecast"]), 196_000.0 / 3_900.0, 1e-9, "t1");

    // The same scores as the library's back-test.
    let cases = pactum_forecast::input::read_backtest_csv(file).unwrap();
    let lib = pactum_forecast::backtest::backtest(&cases, &Default::default()).unwrap();
    let lib_name = |cli: &str| {
        match cli {
            "mean" => "weighted_mean",
            "median" => "weighted_median",
            "condorcet" => "condorcet_winner",
            "nash" => "nash_bargaining",
            other => other,
        }
        .to_string()
    };
    for cli in v.as_array().unwrap() {
        let name = lib_name(cli["model"].as_str().unwrap());
        let lib = lib.scores.iter().find(|s| s.model == name).unwrap();
        close(f(&cli["mae"]), lib.mean_abs_error, 1e-12, &name);
        close(f(&cli["median_ae"]), lib.median_abs_error, 1e-12, &name);
        close(f(&cli["within_10"]), lib.hit_share, 1e-12, &name);
        assert_eq!(cli["issues"], lib.n);
    }

    // A subset of models, as a text table with per-issue predictions.
    pactum()
        .args([
            "forecast",
            "backtest",
            file,
            "--model",
            "mean,bdm",
            "--per-issue",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("MAE"))
        .stdout(predicate::str::contains("within 10"))
        .stdout(predicate::str::contains("66.7%"))
        .stdout(predicate::str::contains("emission"))
        .stdout(predicate::str::contains("smp").not());
    let v = json(&["backtest", file, "--model", "smp", "--json"]);
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["model"], "smp");
}

/// Runs `pactum forecast ARGS…`, expects exit code 1 without a panic, returns stderr.
fn fails(args: &[&str]) -> String {
    let out = pactum().arg("forecast").args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.stdout.is_empty());
    err
}

#[test]
fn bad_csv_input_names_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let case = |name: &str, text: &str| write(&dir, name, text).to_str().unwrap().to_string();
    let f1 = case(
        "negcap.csv",
        "actor,capability,position,salience\nA,10,0,50\nB,-5,100,50\n",
    );
    let e = fails(&[&f1]);
    assert!(e.contains("negcap.csv:3: field `capability`"), "{e}");
    assert!(e.contains("negative capability -5"), "{e}");

    let f2 = case(
        "salience.csv",
        "actor,capability,position,salience\nA,10,0,150\nB,5,100,50\n",
    );
    let e = fails(&[&f2]);
    assert!(e.contains("salience.csv:2: field `salience`"), "{e}");
    assert!(e.contains("outside 0-100"), "{e}");

    let f3 = case(
        "noposition.csv",
        "actor,capability,position,salience\nA,10,0,50\nB,5,,50\n",
    );
    let e = fails(&[&f3]);
    assert!(e.contains("noposition.csv:3: field `position`"), "{e}");
    assert!(e.contains("actor `B` has no position"), "{e}");

    let f4 = case(
        "lonely.csv",
        "actor,capability,position,salience\nA,10,0,50\n",
    );
    let e = fails(&[&f4]);
    assert!(e.contains("lonely.csv:2: field `actor`"), "{e}");
    assert!(e.contains("1 actor row; at least two are needed"), "{e}");

    let f5 = case(
        "ktab.csv",
        "T,x,2,1,\nActor,Description,Power,Pos,Sal,\nA,a,10,20,50,\nB,b,-1,80,50,\n",
    );
    let e = fails(&[&f5]);
    assert!(e.contains("ktab.csv:4: field `capability`"), "{e}");
    assert!(e.contains("negative capability -1"), "{e}");

    let f6 = case(
        "outcomes.csv",
        "issue,actor,capability,position,salience,outcome\n\
         a,X,1,0,50,10\na,Y,1,100,50,10\nb,X,1,20,50,30\n",
    );
    let e = fails(&["backtest", &f6]);
    assert!(e.contains("outcomes.csv:4: field `issue`"), "{e}");
    assert!(e.contains("issue `b` has 1 actor;"), "{e}");

    let e = fails(&[dir.path().join("absent.csv").to_str().unwrap()]);
    assert!(e.contains("absent.csv"), "{e}");
}

const SCENARIO: &str = r#"name = "Two sides"

[[issues]]
name = "price"
options = ["low", "high"]

[[parties]]
name = "Buyer"
weights = { price = 1.0 }
values.price = { low = 1.0, high = 0.0 }

[[parties]]
name = "Seller"
weights = { price = 1.0 }
values.price = { low = 0.0, high = 1.0 }

[forecast]
[[forecast.actors]]
name = "Buyer"
capability = 50

[[forecast.actors]]
name = "Seller"
capability = 40

[[forecast.issues]]
name = "price"
status_quo = 50
anchors = { 0 = "lowest price", 100 = "highest price" }
[forecast.issues.actors]
Buyer = { position = 10, salience = 80 }
Seller = { position = 90, salience = 60 }
"#;

#[test]
fn a_scenario_forecast_section_gives_the_forecast_and_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(&dir, "two.toml", SCENARIO);
    // The negotiation part still loads.
    pactum().arg("validate").arg(&good).assert().success();
    let v = json(&[good.to_str().unwrap(), "--model", "mean", "--json"]);
    // (10·4000 + 90·2400) / 6400 = 40.
    close(f(&v["issues"][0]["forecast"]), 40.0, 1e-12, "mean");
    assert_eq!(v["issues"][0]["status_quo"], 50.0);
    assert_eq!(v["case"], "Two sides");

    let bad = |name: &str, from: &str, to: &str| {
        assert!(SCENARIO.contains(from), "{from}");
        write(&dir, name, &SCENARIO.replacen(from, to, 1))
            .to_str()
            .unwrap()
            .to_string()
    };
    let e = fails(&[&bad("negcap.toml", "capability = 40", "capability = -40")]);
    assert!(
        e.contains("negcap.toml:24: field `forecast.actors[1] (Seller).capability`"),
        "{e}"
    );
    assert!(e.contains("negative capability -40"), "{e}");

    let e = fails(&[&bad("sal.toml", "salience = 60", "salience = 160")]);
    assert!(
        e.contains("sal.toml:32: field `forecast.issues[0] (price).actors.Seller.salience`"),
        "{e}"
    );
    assert!(e.contains("salience 160 outside 0-100"), "{e}");

    let e = fails(&[&bad(
        "nopos.toml",
        "Seller = { position = 90, ",
        "Seller = { ",
    )]);
    assert!(
        e.contains("nopos.toml:32: field `forecast.issues[0] (price).actors.Seller.position`"),
        "{e}"
    );
    assert!(e.contains("actor `Seller` has no position"), "{e}");

    let e = fails(&[&bad(
        "missing.toml",
        "Seller = { position = 90, salience = 60 }\n",
        "",
    )]);
    assert!(e.contains("missing.toml:"), "{e}");
    assert!(e.contains("actors.Seller`"), "{e}");
    assert!(e.contains("actor `Seller` has no position"), "{e}");

    let lonely = SCENARIO
        .replace(
            "[[parties]]\nname = \"Seller\"\nweights = { price = 1.0 }\nvalues.price = { low = 0.0, high = 1.0 }\n",
            "",
        )
        .replace("[[forecast.actors]]\nname = \"Seller\"\ncapability = 40\n", "")
        .replace("Seller = { position = 90, salience = 60 }\n", "");
    let lonely = write(&dir, "lonely.toml", &lonely);
    let e = fails(&[lonely.to_str().unwrap()]);
    assert!(e.contains("lonely.toml:"), "{e}");
    assert!(e.contains("field `forecast.actors`"), "{e}");
    assert!(e.contains("at least two are needed"), "{e}");

    let e = fails(&[&bad(
        "typo.toml",
        "name = \"Seller\"\ncapability",
        "name = \"Seler\"\ncapability",
    )]);
    assert!(
        e.contains("typo.toml:23: field `forecast.actors[1] (Seler).name`"),
        "{e}"
    );
    assert!(e.contains("not a party of the scenario"), "{e}");

    let e = fails(&[&bad("type.toml", "salience = 80", "salience = \"high\"")]);
    assert!(e.contains("type.toml:31:"), "{e}");
    assert!(e.contains("invalid type"), "{e}");

    let none = write(&dir, "none.toml", "name = \"x\"\n");
    let e = fails(&[none.to_str().unwrap()]);
    assert!(
        e.contains("none.toml: field `forecast`: the file has no [forecast] section"),
        "{e}"
    );
}

/// Runs `pactum ARGS…` in `dir`, expects success and returns stdout.
fn stdout_in(dir: &std::path::Path, args: &[&str]) -> String {
    let out = pactum().current_dir(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_json_scenario_forecasts_exactly_as_its_toml_original() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(repo("examples/istanbul-2025.toml"), d.join("istanbul.toml")).unwrap();
    let out = pactum()
        .current_dir(d)
        .args(["convert", "istanbul.toml", "--to", "json", "istanbul.json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    // Nothing is left behind: no warning about the forecast section.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("istanbul.json")).unwrap()).unwrap();
    assert_eq!(json["forecast"]["actors"].as_array().unwrap().len(), 9);
    assert_eq!(json["forecast"]["issues"].as_array().unwrap().len(), 7);

    let runs: &[&[&str]] = &[
        &[],
        &["--json"],
        &["--model", "mean"],
        &["--model", "median", "--json"],
        &["--model", "condorcet", "--json"],
        &["--model", "nash"],
        &["--model", "nash", "--json"],
        &["--model", "bdm"],
        &["--model", "bdm", "--json"],
        &["--model", "smp", "--issue", "territory,ceasefire"],
        &[
            "--model",
            "mean",
            "--monte-carlo",
            "50",
            "--seed",
            "7",
            "--json",
        ],
        &["--model", "median", "--monte-carlo", "50", "--seed", "7"],
    ];
    for extra in runs {
        let run = |file: &str| {
            let mut args = vec!["forecast", file];
            args.extend_from_slice(extra);
            stdout_in(d, &args)
        };
        let from_toml = run("istanbul.toml");
        // The reports name the file they read; everything else is the same, byte for byte.
        let from_json = run("istanbul.json").replace("istanbul.json", "istanbul.toml");
        assert!(!from_toml.is_empty());
        assert_eq!(from_toml, from_json, "pactum forecast FILE {extra:?}");
    }
}

#[test]
fn converting_toml_to_json_and_back_keeps_the_forecast_section() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "two.toml", SCENARIO);
    let convert = |from: &str, to: &str, out: &str| {
        stdout_in(d, &["convert", from, "--to", to, out]);
    };
    convert("two.toml", "json", "two.json");
    convert("two.json", "toml", "back.toml");
    let back = std::fs::read_to_string(d.join("back.toml")).unwrap();
    assert!(back.contains("[[forecast.actors]]"), "{back}");
    // Read back and written as JSON again, the section is the one first written.
    convert("back.toml", "json", "back.json");
    let section = |file: &str| -> Value {
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(d.join(file)).unwrap()).unwrap();
        v["forecast"].clone()
    };
    let first = section("two.json");
    assert_eq!(first["actors"][1]["name"], "Seller");
    assert_eq!(f(&first["actors"][1]["capability"]), 40.0);
    assert_eq!(f(&first["issues"][0]["actors"]["Seller"]["salience"]), 60.0);
    assert_eq!(first["issues"][0]["anchors"]["100"], "highest price");
    assert_eq!(section("back.json"), first);
    let mean = |file: &str| stdout_in(d, &["forecast", file, "--model", "mean"]);
    let want = mean("two.toml");
    assert!(want.contains("40"), "{want}");
    assert_eq!(mean("back.toml").replace("back.toml", "two.toml"), want);
    assert_eq!(mean("two.json").replace("two.json", "two.toml"), want);
    // The negotiation part is unchanged too.
    let analyze = |file: &str| stdout_in(d, &["analyze", file, "--json"]);
    assert_eq!(analyze("back.toml"), analyze("two.toml"));

    // GENIUS folders cannot hold the section: converting says so.
    let out = pactum()
        .current_dir(d)
        .args(["convert", "two.json", "--to", "genius", "genius"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the forecast section of two.json is not converted"),
        "{err}"
    );
}

#[test]
fn errors_in_a_json_forecast_section_name_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "two.toml", SCENARIO);
    stdout_in(d, &["convert", "two.toml", "--to", "json", "two.json"]);
    let json = std::fs::read_to_string(d.join("two.json")).unwrap();
    let line_of = |needle: &str, text: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle}"))
            + 1
    };
    let bad = |name: &str, from: &str, to: &str| {
        assert!(json.contains(from), "{from}");
        let text = json.replacen(from, to, 1);
        write(d, name, &text).to_str().unwrap().to_string()
    };

    let text = json.replacen("\"salience\": 60.0", "\"salience\": 160.0", 1);
    let file = bad("sal.json", "\"salience\": 60.0", "\"salience\": 160.0");
    let e = fails(&[&file]);
    let line = line_of("160.0", &text);
    assert!(
        e.contains(&format!(
            "sal.json:{line}: field `forecast.issues[0] (price).actors.Seller.salience`: \
             salience 160 outside 0-100"
        )),
        "{e}"
    );

    let file = bad("who.json", "\"Buyer\": {", "\"Buyr\": {");
    let e = fails(&[&file]);
    assert!(
        e.contains("field `forecast.issues[0] (price).actors.Buyr`: `Buyr` is not listed"),
        "{e}"
    );
    assert!(e.contains("who.json:"), "{e}");

    let file = bad(
        "type.json",
        "\"capability\": 40.0",
        "\"capability\": \"forty\"",
    );
    let e = fails(&[&file]);
    assert!(e.contains("type.json:"), "{e}");
    assert!(
        e.contains("field `forecast.actors[1].capability`: invalid type"),
        "{e}"
    );
}
