//! The `forecast` section: good files in both forms, and every rule's error with its line.

use super::*;
use crate::error::ForecastError;
use crate::montecarlo::{McOptions, Spread};
use std::path::Path;

const GOOD: &str = r#"
name = "Test"
[[issues]]
name = "x"
options = ["a", "b"]

[[parties]]
name = "A"
weights = { x = 1.0 }
values.x = { a = 1.0, b = 0.0 }

[[parties]]
name = "B"
role = "observer"

[forecast]
notes = "illustrative"
uncertainty = { position = 3 }

[[forecast.actors]]
name = "A"
capability = 60
capability_range = [50, 70]

[[forecast.actors]]
name = "B"
capability = 40

[[forecast.actors]]
name = "C"
extra = true
capability = 10

[[forecast.issues]]
name = "x"
status_quo = 20
anchors = { 0 = "nothing", 50 = "half", 100 = "everything" }
[forecast.issues.actors]
A = { position = 0, salience = 90 }
B = { position = 100, salience = 50, position_range = [90, 100] }
C = { position = 40, salience = 20, capability = 5 }
"#;

/// The error with its sources, `place: cause`, as a reader printing the chain sees it.
fn chain(e: &ForecastError) -> String {
    let mut s = e.to_string();
    let mut cur = std::error::Error::source(e);
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

fn err(text: &str) -> String {
    chain(&parse_scenario(text, "t.toml").unwrap_err())
}

#[test]
fn parses_a_good_section() {
    let s = parse_scenario(GOOD, "t.toml").unwrap();
    assert_eq!(s.name, "Test");
    assert_eq!(s.actors.len(), 3);
    assert!(s.actors[2].extra);
    assert_eq!(s.uncertainty.position, Some(3.0));
    let c = &s.issues[0].case;
    assert_eq!(c.name, "x");
    assert_eq!(c.issues[0].status_quo, Some(20.0));
    assert_eq!(c.issues[0].scale, Some(SCALE));
    assert_eq!(
        c.issues[0]
            .anchors
            .iter()
            .map(|a| a.value)
            .collect::<Vec<_>>(),
        [0.0, 50.0, 100.0]
    );
    assert_eq!(c.names(), ["A", "B", "C"]);
    assert_eq!(c.capabilities(), [60.0, 40.0, 5.0]);
    assert_eq!(c.positions(0), [0.0, 100.0, 40.0]);
    assert_eq!(c.saliences(0), [90.0, 50.0, 20.0]);
    assert_eq!(c.actors[0].line, Some(39));
    let r = &s.issues[0].ranges;
    assert_eq!(r.capability, [Some((50.0, 70.0)), None, None]);
    assert_eq!(r.position, [None, Some((90.0, 100.0)), None]);
}

#[test]
fn ranges_fill_in_the_default_spread() {
    let s = parse_scenario(GOOD, "t.toml").unwrap();
    let mut base = McOptions::default();
    s.uncertainty.apply(&mut base);
    let o = s.issues[0].ranges.mc_options(&s.issues[0].case, &base);
    assert_eq!(
        o.capability,
        Spread::PerActor(vec![(50.0, 70.0), (32.0, 48.0), (4.0, 6.0)])
    );
    assert_eq!(
        o.position,
        Spread::PerActor(vec![(-3.0, 3.0), (90.0, 100.0), (37.0, 43.0)])
    );
    assert_eq!(o.salience, Spread::Absolute(10.0));
}

#[test]
fn bad_values_name_line_and_field() {
    let e = err(&GOOD.replace("capability = 40", "capability = -4"));
    assert!(
        e.starts_with("t.toml:27: field `forecast.actors[1] (B).capability`"),
        "{e}"
    );
    assert!(e.contains("negative capability -4"), "{e}");
    let e = err(&GOOD.replace("salience = 90", "salience = 120"));
    assert!(
        e.starts_with("t.toml:39: field `forecast.issues[0] (x).actors.A.salience`"),
        "{e}"
    );
    assert!(e.contains("outside 0-100"), "{e}");
    let e = err(&GOOD.replace("B = { position = 100, ", "B = { "));
    assert!(
        e.starts_with("t.toml:40: field `forecast.issues[0] (x).actors.B.position`"),
        "{e}"
    );
    assert!(e.contains("has no position"), "{e}");
    let e = err(&GOOD.replace("C = { position = 40, salience = 20, capability = 5 }\n", ""));
    assert!(e.contains("field `forecast.issues[0] (x).actors.C`"), "{e}");
    assert!(e.contains("actor `C` has no position"), "{e}");
}

#[test]
fn actor_names_are_checked_against_the_parties() {
    let e = err(&GOOD.replace("extra = true\n", ""));
    assert!(e.contains("`C` is not a party"), "{e}");
    assert!(e.contains("t.toml:30:"), "{e}");
    let e = err(&GOOD.replace(
        "name = \"B\"\ncapability = 40",
        "name = \"D\"\nextra = true\ncapability = 40",
    ));
    assert!(
        e.contains("party `B` has no [[forecast.actors]] entry"),
        "{e}"
    );
    let e = err(&GOOD.replace("A = { position = 0", "Z = { position = 0"));
    assert!(
        e.contains("`Z` is not listed in [[forecast.actors]]"),
        "{e}"
    );
}

#[test]
fn too_few_actors_and_type_errors() {
    let one = r#"
[forecast]
[[forecast.actors]]
name = "A"
capability = 1
[[forecast.issues]]
name = "x"
anchors = { 0 = "a", 100 = "b" }
[forecast.issues.actors]
A = { position = 1, salience = 1 }
"#;
    let e = err(one);
    assert!(e.contains("field `forecast.actors`"), "{e}");
    assert!(e.contains("at least two are needed"), "{e}");
    assert!(e.starts_with("t.toml:"), "{e}");
    let e = err(&GOOD.replace("salience = 50,", "salience = \"high\","));
    assert!(
        e.starts_with("t.toml:40: field `forecast.issues[0].actors.B.salience`"),
        "{e}"
    );
    let e = err(&GOOD.replace("status_quo = 20", "status_quo = 20\nstatus = 3"));
    assert!(e.contains("unknown field `status`"), "{e}");
}

#[test]
fn anchors_need_both_ends() {
    let e = err(&GOOD.replace("0 = \"nothing\", ", ""));
    assert!(e.contains("no anchor for 0"), "{e}");
    let e = err(&GOOD.replace("50 = \"half\"", "fifty = \"half\""));
    assert!(e.contains("anchor key `fifty`"), "{e}");
}

#[test]
fn ranges_must_contain_the_value() {
    let e = err(&GOOD.replace("position_range = [90, 100]", "position_range = [20, 30]"));
    assert!(e.contains("does not contain the value 100"), "{e}");
    assert!(e.contains("actors.B.position_range"), "{e}");
}

#[test]
fn a_file_without_a_section_is_an_error() {
    let e = err("name = \"x\"\n");
    assert!(e.contains("no [forecast] section"), "{e}");
}

/// `GOOD` written as JSON, the native format's other form.
const GOOD_JSON: &str = r#"{
  "name": "Test",
  "issues": [{ "name": "x", "options": ["a", "b"] }],
  "parties": [
    { "name": "A", "weights": { "x": 1.0 }, "values": { "x": { "a": 1.0, "b": 0.0 } } },
    { "name": "B", "role": "observer" }
  ],
  "forecast": {
    "notes": "illustrative",
    "uncertainty": { "position": 3 },
    "actors": [
      { "name": "A", "capability": 60, "capability_range": [50, 70] },
      { "name": "B", "capability": 40 },
      { "name": "C", "extra": true, "capability": 10 }
    ],
    "issues": [
      {
        "name": "x",
        "status_quo": 20,
        "anchors": { "0": "nothing", "50": "half", "100": "everything" },
        "actors": {
          "A": { "position": 0, "salience": 90 },
          "B": { "position": 100, "salience": 50, "position_range": [90, 100] },
          "C": { "position": 40, "salience": 20, "capability": 5 }
        }
      }
    ]
  }
}
"#;

fn json_err(text: &str) -> String {
    chain(&parse_json_scenario(text, "t.json").unwrap_err())
}

/// `GOOD_JSON` with `from` (which must occur) replaced by `to`.
fn json_with(from: &str, to: &str) -> String {
    assert!(GOOD_JSON.contains(from), "{from}");
    GOOD_JSON.replacen(from, to, 1)
}

/// The section without the lines it was read from.
fn without_lines(mut s: ForecastScenario) -> ForecastScenario {
    for a in &mut s.actors {
        a.line = None;
    }
    for i in &mut s.issues {
        i.line = None;
        for a in &mut i.case.actors {
            a.line = None;
        }
    }
    s
}

#[test]
fn json_gives_the_same_section_as_toml() {
    let toml = parse_scenario(GOOD, "t").unwrap();
    let json = parse_json_scenario(GOOD_JSON, "t").unwrap();
    // Lines point into each text.
    assert_eq!(json.actors[1].line, Some(13));
    assert_eq!(json.issues[0].line, Some(18));
    assert_eq!(json.issues[0].case.actors[0].line, Some(22));
    assert_eq!(without_lines(toml), without_lines(json));
}

#[test]
fn json_values_out_of_range_name_line_and_field() {
    let e = json_err(&json_with("\"salience\": 90", "\"salience\": 120"));
    assert!(
        e.starts_with("t.json:22: field `forecast.issues[0] (x).actors.A.salience`"),
        "{e}"
    );
    assert!(e.contains("salience 120 outside 0-100"), "{e}");
    let e = json_err(&json_with("\"capability\": 40", "\"capability\": -4"));
    assert!(
        e.starts_with("t.json:13: field `forecast.actors[1] (B).capability`"),
        "{e}"
    );
    assert!(e.contains("negative capability -4"), "{e}");
    let e = json_err(&json_with("[90, 100]", "[20, 30]"));
    assert!(
        e.starts_with("t.json:23: field `forecast.issues[0] (x).actors.B.position_range`"),
        "{e}"
    );
    assert!(e.contains("does not contain the value 100"), "{e}");
    let e = json_err(&json_with("\"0\": \"nothing\", ", ""));
    assert!(
        e.starts_with("t.json:20: field `forecast.issues[0] (x).anchors`"),
        "{e}"
    );
    assert!(e.contains("no anchor for 0"), "{e}");
}

#[test]
fn json_unknown_actors_name_line_and_field() {
    let e = json_err(&json_with(
        "\"A\": { \"position\": 0",
        "\"Z\": { \"position\": 0",
    ));
    assert!(
        e.starts_with("t.json:22: field `forecast.issues[0] (x).actors.Z`"),
        "{e}"
    );
    assert!(
        e.contains("`Z` is not listed in [[forecast.actors]]"),
        "{e}"
    );
    let e = json_err(&json_with("\"extra\": true, ", ""));
    assert!(
        e.starts_with("t.json:14: field `forecast.actors[2] (C).name`"),
        "{e}"
    );
    assert!(e.contains("`C` is not a party"), "{e}");
    let e = json_err(&json_with(
        "{ \"name\": \"B\", \"capability\": 40 }",
        "{ \"name\": \"D\", \"extra\": true, \"capability\": 40 }",
    ));
    assert!(e.starts_with("t.json:8: field `forecast.actors`"), "{e}");
    assert!(
        e.contains("party `B` has no [[forecast.actors]] entry"),
        "{e}"
    );
}

#[test]
fn json_missing_fields_are_named() {
    let e = json_err(&json_with("\"position\": 100, ", ""));
    assert!(
        e.starts_with("t.json:23: field `forecast.issues[0] (x).actors.B.position`"),
        "{e}"
    );
    assert!(e.contains("actor `B` has no position"), "{e}");
    let e = json_err(&json_with("\"salience\": 20, ", ""));
    assert!(
        e.starts_with("t.json:24: field `forecast.issues[0] (x).actors.C.salience`"),
        "{e}"
    );
    assert!(e.contains("actor `C` has no salience"), "{e}");
    let e = json_err(&json_with(
        ",\n          \"C\": { \"position\": 40, \"salience\": 20, \"capability\": 5 }",
        "",
    ));
    assert!(
        e.starts_with("t.json:21: field `forecast.issues[0] (x).actors.C`"),
        "{e}"
    );
    assert!(e.contains("actor `C` has no position"), "{e}");
    let e = json_err(&json_with(", \"capability\": 40 }", " }"));
    assert!(
        e.starts_with("t.json:13: field `forecast.actors[1] (B).capability`"),
        "{e}"
    );
    assert!(e.contains("actor `B` has no capability"), "{e}");
    // A field the typed section requires: reported by the parser, with its path.
    let e = json_err(&json_with(
        "{ \"name\": \"B\", \"capability\": 40 }",
        "{ \"capability\": 40 }",
    ));
    assert!(
        e.starts_with("t.json:13: field `forecast.actors[1]`"),
        "{e}"
    );
    assert!(e.contains("missing field `name`"), "{e}");
    let e = json_err(&json_with("\"anchors\"", "\"anchorz\""));
    assert!(
        e.starts_with("t.json:20: field `forecast.issues[0]`: unknown field `anchorz`"),
        "{e}"
    );
}

#[test]
fn json_type_and_syntax_errors_name_line_and_field() {
    let e = json_err(&json_with("\"salience\": 50", "\"salience\": \"high\""));
    assert!(
        e.starts_with("t.json:23: field `forecast.issues[0].actors.B.salience`"),
        "{e}"
    );
    assert!(e.contains("invalid type: string \"high\""), "{e}");
    assert!(!e.contains("column"), "{e}");
    let e = json_err(&json_with("\"status_quo\": 20,", "\"status_quo\": 20,,"));
    assert!(e.starts_with("t.json:19:"), "{e}");
    let e = json_err(&json_with(
        "\"C\": { \"position\": 40",
        "\"A\": { \"position\": 40",
    ));
    assert!(
        e.starts_with("t.json:24: field `forecast.issues[0].actors.A`"),
        "{e}"
    );
    assert!(e.contains("given twice"), "{e}");
    let e = json_err("{ \"name\": \"x\" }");
    assert!(
        e.starts_with("t.json: field `forecast`: the file has no \"forecast\" object"),
        "{e}"
    );
}

#[test]
fn the_format_follows_the_extension() {
    assert_eq!(Format::of_path(Path::new("a/b.JSON")), Format::Json);
    assert_eq!(Format::of_path(Path::new("a/b.toml")), Format::Toml);
    let dir = std::env::temp_dir().join(format!("pactum-forecast-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("good.json");
    std::fs::write(&file, GOOD_JSON).unwrap();
    let s = read_scenario(&file).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(s.issues[0].case.positions(0), [0.0, 100.0, 40.0]);
}

#[test]
fn parser_errors_keep_the_parser_error_as_source() {
    let e = parse_scenario(
        &GOOD.replace("salience = 50,", "salience = \"high\","),
        "t.toml",
    )
    .unwrap_err();
    assert!(matches!(e, ForecastError::Toml { .. }), "{e}");
    assert!(std::error::Error::source(&e).is_some());
    let e = parse_json_scenario("{ \"forecast\": [ }", "t.json").unwrap_err();
    assert!(matches!(e, ForecastError::Json { .. }), "{e}");
    assert!(std::error::Error::source(&e).is_some());
}
