//! Non-finite and absurd numbers are refused where they enter — native
//! TOML/JSON files, `--set` overrides, and any model built in code — with
//! the field path, so that every utility the analysis computes is finite.

use pactum_core::analysis::{AnalysisOptions, analyze};
use pactum_core::native::{from_json, from_toml};

/// Two parties over issues `a` (discrete) and `p` (real), with `party_a`
/// spliced into the first party's table.
fn scenario(issue_p: &str, party_a: &str) -> String {
    format!(
        r#"
name = "n"
[[issues]]
name = "a"
options = ["x", "y"]
[[issues]]
name = "p"
type = "real"
{issue_p}
[[parties]]
name = "A"
{party_a}
[[parties]]
name = "B"
weights = {{ a = 0.5, p = 0.5 }}
values.a = {{ x = 0.0, y = 1.0 }}
values.p = {{ type = "linear", slope = -1.0, offset = 1.0 }}
"#
    )
}

const ISSUE_P: &str = "min = 0.0\nmax = 1.0";
const PARTY_A: &str = "weights = { a = 0.5, p = 0.5 }\nvalues.a = { x = 1.0, y = 0.0 }\nvalues.p = { type = \"linear\", slope = 1.0, offset = 0.0 }";

fn error(issue_p: &str, party_a: &str) -> String {
    match from_toml("n.toml", &scenario(issue_p, party_a)) {
        Ok(_) => panic!("accepted: {party_a} / {issue_p}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_base_scenario_is_accepted() {
    let s = from_toml("n.toml", &scenario(ISSUE_P, PARTY_A)).unwrap();
    assert!(analyze(&s.scenario, &AnalysisOptions::default()).is_ok());
}

#[test]
fn huge_weights_are_refused_naming_the_field() {
    // Two weights of 1e308 sum to infinity: utilities printed as `null`.
    let party = PARTY_A.replace("a = 0.5, p = 0.5", "a = 1e308, p = 1e308");
    let e = error(ISSUE_P, &party);
    assert!(
        e.starts_with("n.toml: parties[0] (A).weights.a: weight 1e308"),
        "{e}"
    );
    assert!(e.contains("at most 1e9"), "{e}");
    let inf = PARTY_A.replace("a = 0.5", "a = inf");
    assert!(error(ISSUE_P, &inf).contains("parties[0] (A).weights.a"));
}

#[test]
fn weights_at_the_bound_give_finite_utilities() {
    let party = PARTY_A.replace("a = 0.5, p = 0.5", "a = 1e9, p = 1e9");
    let s = from_toml("n.toml", &scenario(ISSUE_P, &party)).unwrap();
    let a = analyze(&s.scenario, &AnalysisOptions::default()).unwrap();
    assert!(
        a.frontier
            .iter()
            .flat_map(|f| &f.utilities)
            .all(|u| u.is_finite())
    );
    let json = serde_json::to_string(&a).unwrap();
    assert!(!json.contains("null"), "{json}");
}

#[test]
fn huge_reservation_values_are_refused() {
    let party = format!("reservation = 1e308\n{PARTY_A}");
    let e = error(ISSUE_P, &party);
    assert!(e.contains("parties[0] (A).reservation"), "{e}");
    assert!(e.contains("reservation value 1e308"), "{e}");
    let nan = format!("reservation = nan\n{PARTY_A}");
    assert!(error(ISSUE_P, &nan).contains("parties[0] (A).reservation"));
}

#[test]
fn huge_real_bounds_are_refused() {
    let e = error("min = -1e300\nmax = 1e300", PARTY_A);
    assert!(e.contains("issues[1] (p).min"), "{e}");
    assert!(e.contains("at most 1e15"), "{e}");
    let e = error("min = 0.0\nmax = inf", PARTY_A);
    assert!(e.contains("issues[1] (p)"), "{e}");
}

#[test]
fn huge_or_infinite_value_function_numbers_are_refused() {
    let slope = PARTY_A.replace("slope = 1.0", "slope = 1e300");
    assert!(error(ISSUE_P, &slope).contains("parties[0] (A).values.p: slope 1e300"));
    // An infinite triangle made its utility NaN (∞/∞).
    let triangle = PARTY_A.replace(
        "{ type = \"linear\", slope = 1.0, offset = 0.0 }",
        "{ type = \"triangular\", low = -inf, peak = 0.5, high = inf }",
    );
    let e = error(ISSUE_P, &triangle);
    assert!(e.contains("parties[0] (A).values.p: low -inf"), "{e}");
    let piecewise = PARTY_A.replace(
        "{ type = \"linear\", slope = 1.0, offset = 0.0 }",
        "{ type = \"piecewise_linear\", points = [[0.0, 0.0], [1e300, 1.0]] }",
    );
    let e = error(ISSUE_P, &piecewise);
    assert!(
        e.contains("parties[0] (A).values.p.points: point 1e300"),
        "{e}"
    );
}

#[test]
fn huge_hyper_rectangle_utilities_are_refused() {
    let party = r#"hyper_rectangles = { normalizer = 1.0, rectangles = [{ utility = 1e308, bounds = { p = [0.0, 1.0] } }, { utility = 1e308, bounds = { a = [0.0, 1.0] } }] }"#;
    let e = error(ISSUE_P, party);
    assert!(
        e.contains("parties[0] (A).utility.rectangles[0]: utility 1e308"),
        "{e}"
    );
    let tiny = r#"hyper_rectangles = { normalizer = 1e-300, rectangles = [{ utility = -1.0, bounds = { p = [0.0, 1.0] } }] }"#;
    assert!(error(ISSUE_P, tiny).contains("normalizer 1e-300"));
}

#[test]
fn json_files_get_the_same_checks() {
    let text = r#"{"name": "n",
        "issues": [{"name": "a", "options": ["x", "y"]}],
        "parties": [{"name": "A", "weights": {"a": 1e300}, "values": {"a": {"x": 1.0, "y": 0.0}}}]}"#;
    let e = from_json("n.json", text).unwrap_err().to_string();
    assert!(
        e.contains("n.json: parties[0] (A).weights.a: weight 1e300"),
        "{e}"
    );
}

#[test]
fn overrides_refuse_absurd_numbers() {
    let mut s = from_toml("n.toml", &scenario(ISSUE_P, PARTY_A))
        .unwrap()
        .scenario;
    let e = pactum_core::overrides::apply(&mut s, "A.reservation=1e308")
        .unwrap_err()
        .to_string();
    assert!(e.contains("reservation value 1e308"), "{e}");
    let e = pactum_core::overrides::apply(&mut s, "A.reservation=inf")
        .unwrap_err()
        .to_string();
    assert!(e.contains("finite"), "{e}");
    assert!(pactum_core::overrides::apply(&mut s, "A.reservation=0.25").is_ok());
}
