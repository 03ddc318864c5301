//! Tests of the native format: round trips, field-naming errors, line
//! numbers of syntax errors.

use super::read::*;
use super::write::*;
use crate::model::*;

const CAR: &str = r#"
name = "Car purchase"
[[issues]]
name = "price"
type = "integer"
min = 10
max = 20
[[issues]]
name = "colour"
options = ["red", "blue"]

[[parties]]
name = "buyer"
reservation = 0.2
weights = { price = 0.6, colour = 0.4 }
values.price = { type = "linear", slope = -0.1, offset = 1.0 }
values.colour = { red = 1.0, blue = 0.5 }
[[parties.red_lines]]
issue = "colour"
values = ["blue"]

[[parties]]
name = "seller"
weights = { price = 1.0, colour = 0.0 }
values.price = { type = "piecewise_linear", points = [[10, 0.0], [20, 1.0]] }

[[parties]]
name = "bank"
role = "observer"
"#;

#[test]
fn parses_and_evaluates() {
    let s = from_toml("car.toml", CAR).unwrap().scenario;
    assert_eq!(s.issues().len(), 2);
    assert_eq!(s.outcome_count(), 22);
    let buyer = s.parties()[0].preferences.as_ref().unwrap();
    // price 12 (index 2), red (index 0): 0.6·(1 − 0.2) + 0.4·1
    let u = buyer.utility.utility(s.issues(), &[2, 0]);
    assert!((u - (0.6 * 0.8 + 0.4)).abs() < 1e-12);
    assert!(buyer.crosses_red_line(&[2, 1]));
    let seller = s.parties()[1].preferences.as_ref().unwrap();
    assert!((seller.utility.utility(s.issues(), &[5, 1]) - 0.5).abs() < 1e-12);
    assert_eq!(s.parties()[2].role, Role::Observer);
    assert!(s.parties()[2].preferences.is_none());
}

#[test]
fn round_trips_through_toml_and_json() {
    let s = from_toml("car.toml", CAR).unwrap().scenario;
    let again = from_toml("out.toml", &to_toml(&s).unwrap())
        .unwrap()
        .scenario;
    assert_eq!(s, again);
    let again = from_json("out.json", &to_json(&s).unwrap())
        .unwrap()
        .scenario;
    assert_eq!(s, again);
}

#[test]
fn a_conflict_section_is_kept_through_toml_json_toml() {
    let text = format!(
        "{CAR}
[conflict]
[[conflict.options]]
name = \"walk away\"
[[conflict.decision_makers]]
name = \"buyer\"
options = [\"walk away\"]
"
    );
    let toml = from_toml("car.toml", &text).unwrap();
    let conflict = toml.conflict.clone().expect("the section is kept");
    assert_eq!(conflict["options"][0]["name"], "walk away");
    let json = from_json("car.json", &loaded_to_json(&toml).unwrap()).unwrap();
    assert_eq!(json.conflict.as_ref(), Some(&conflict));
    let again = from_toml("again.toml", &loaded_to_toml(&json).unwrap()).unwrap();
    assert_eq!(
        (again.scenario, again.conflict),
        (toml.scenario, Some(conflict))
    );
}

#[test]
fn the_forecast_section_survives_toml_json_toml() {
    let text = format!(
        "{CAR}
[forecast]
notes = \"illustrative\"
uncertainty = {{ position = 3 }}
[[forecast.actors]]
name = \"buyer\"
capability = 60
capability_range = [50, 70]
[[forecast.actors]]
name = \"EU\"
extra = true
capability = 10
[[forecast.issues]]
name = \"price\"
status_quo = 20
anchors = {{ 0 = \"lowest\", 100 = \"highest\" }}
[forecast.issues.actors]
buyer = {{ position = 0, salience = 90, position_range = [0, 10] }}
EU = {{ position = 40, salience = 20 }}
"
    );
    let toml = from_toml("car.toml", &text).unwrap();
    let forecast = toml.forecast.clone().expect("the section is read");
    assert_eq!(forecast.actors[0].capability_range, Some((50.0, 70.0)));
    assert!(forecast.actors[1].extra);
    assert_eq!(
        forecast.issues[0].actors.as_ref().unwrap()["buyer"].position_range,
        Some((0.0, 10.0))
    );
    let json = from_json("car.json", &loaded_to_json(&toml).unwrap()).unwrap();
    assert_eq!(json.scenario, toml.scenario);
    assert_eq!(json.forecast.as_ref(), Some(&forecast));
    let again = from_toml("again.toml", &loaded_to_toml(&json).unwrap()).unwrap();
    assert_eq!(again.scenario, toml.scenario);
    assert_eq!(again.forecast, Some(forecast));
    // Unknown keys in the section are errors, as elsewhere in the file.
    let e = error_of(&text.replace("status_quo = 20", "status = 20"));
    assert!(e.contains("unknown field `status`"), "{e}");
}

fn error_of(text: &str) -> String {
    from_toml("bad.toml", text).unwrap_err().to_string()
}

#[test]
fn errors_name_the_field() {
    let e = error_of(&CAR.replace("price = 0.6", "prices = 0.6"));
    assert!(
        e.contains("bad.toml: parties[0] (buyer).weights.prices"),
        "{e}"
    );
    assert!(e.contains("unknown issue"), "{e}");
    let e = error_of(&CAR.replace("price = 0.6", "price = -0.6"));
    assert!(e.contains("weights.price") && e.contains("≥ 0"), "{e}");
    let e = error_of(&CAR.replace("blue = 0.5", "blue = 1.5"));
    assert!(
        e.contains("values.colour.blue") && e.contains("outside [0, 1]"),
        "{e}"
    );
    let e = error_of(&CAR.replace("red = 1.0, blue", "green = 1.0, blue"));
    assert!(e.contains("unknown option \"green\""), "{e}");
    let e = error_of(&CAR.replace("values = [\"blue\"]", "values = [\"green\"]"));
    assert!(e.contains("red_lines[0].values"), "{e}");
}

#[test]
fn syntax_errors_carry_line_numbers() {
    let e = error_of("name = \"x\"\n[[issues]]\nname = \n");
    assert!(e.starts_with("bad.toml:3:"), "{e}");
    let e = error_of("name = \"x\"\nwieghts = 1\n");
    assert!(e.starts_with("bad.toml:2:") && e.contains("wieghts"), "{e}");
}

#[test]
fn negotiator_without_preferences_is_rejected() {
    let e = error_of(
        "name = \"x\"\n[[issues]]\nname = \"a\"\noptions = [\"x\"]\n[[parties]]\nname = \"p\"\n",
    );
    assert!(e.contains("negotiator needs preferences"), "{e}");
}
