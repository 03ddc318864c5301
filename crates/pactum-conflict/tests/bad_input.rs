//! Bad input gives a clear error naming the file, the line and the field:
//! an option controlled by two DMs or none, a literal naming a missing
//! option, a ranking that is not a permutation of the feasible states.

use std::path::Path;

use pactum_conflict::read::read_str;

fn error(name: &str, text: &str) -> String {
    let e = read_str(Path::new(name), text).expect_err("the input is bad");
    // The whole chain, as a front end prints it.
    let mut out = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        out.push_str(&format!(": {s}"));
        source = s.source();
    }
    out
}

const HEAD: &str = r#"
[[options]]
name = "a"

[[options]]
name = "b"
"#;

#[test]
fn an_option_controlled_by_two_decision_makers() {
    let text = format!(
        "{HEAD}\n[[decision_makers]]\nname = \"A\"\noptions = [\"a\"]\npreferences = [\"a\"]\n\n\
         [[decision_makers]]\nname = \"B\"\noptions = [\"a\", \"b\"]\npreferences = [\"b\"]\n"
    );
    let e = error("two.toml", &text);
    assert_eq!(
        e,
        "two.toml:15: field `decision_makers[1].options`: option \"a\" is controlled by both \"A\" and \"B\""
    );
}

#[test]
fn an_option_controlled_by_none() {
    let text = format!(
        "{HEAD}\n[[decision_makers]]\nname = \"A\"\noptions = [\"a\"]\npreferences = [\"a\"]\n\n\
         [[decision_makers]]\nname = \"B\"\noptions = []\npreferences = [\"!a\"]\n"
    );
    let e = error("none.toml", &text);
    assert!(e.starts_with("none.toml:5: field `options[1]`"), "{e}");
    assert!(
        e.ends_with("option \"b\" is controlled by no decision maker"),
        "{e}"
    );
}

#[test]
fn a_literal_naming_a_missing_option() {
    let text = format!(
        "{HEAD}\n[[decision_makers]]\nname = \"A\"\noptions = [\"a\"]\npreferences = [\"a & !c\"]\n\n\
         [[decision_makers]]\nname = \"B\"\noptions = [\"b\"]\npreferences = [\"b\"]\n"
    );
    let e = error("missing.toml", &text);
    assert_eq!(
        e,
        "missing.toml:11: field `decision_makers[0].preferences[0]`: no option is named \"c\""
    );
    let gmcr = r#"{"options": [{"name": "a"}, {"name": "b"}],
 "decisionMakers": [
  {"name": "A", "options": [0], "preferences": [[[0, "Y"]]]},
  {"name": "B", "options": [1], "preferences": [[[5, "N"]]]}]}"#;
    let e = error("missing.gmcr", gmcr);
    assert!(
        e.starts_with("missing.gmcr:4: field `decisionMakers[1].preferences[0]`"),
        "{e}"
    );
    assert!(e.contains("option 5 does not exist"), "{e}");
}

#[test]
fn a_ranking_that_is_not_a_permutation() {
    let text = format!(
        "{HEAD}\n[[decision_makers]]\nname = \"A\"\noptions = [\"a\"]\nranking = [1, [2, 3], 5]\n\n\
         [[decision_makers]]\nname = \"B\"\noptions = [\"b\"]\npreferences = [\"b\"]\n"
    );
    let e = error("rank.toml", &text);
    assert_eq!(
        e,
        "rank.toml:11: field `decision_makers[0].ranking`: the ranking is not a permutation of \
         the 4 feasible states (ids 1 to 4): state 5 does not exist"
    );
}

#[test]
fn syntax_and_shape_errors_name_the_line() {
    let e = error("broken.toml", "[[options]]\nname = \n");
    assert!(e.starts_with("broken.toml:2:"), "{e}");
    let e = error(
        "shape.json",
        "{\"options\": [{\"name\": 3}], \"decision_makers\": []}",
    );
    assert!(e.starts_with("shape.json:1:"), "{e}");
}

#[test]
fn a_scenario_section_is_read_with_its_prefix() {
    let text = "name = \"s\"\n[conflict]\n[[conflict.options]]\nname = \"a\"\n[[conflict.options]]\nname = \"b\"\n\
                [[conflict.decision_makers]]\nname = \"A\"\noptions = [\"a\"]\npreferences = [\"a\"]\n\
                [[conflict.decision_makers]]\nname = \"B\"\noptions = [\"b\"]\npreferences = [\"x\"]\n";
    let e = error("scenario.toml", text);
    assert_eq!(
        e,
        "scenario.toml:14: field `conflict.decision_makers[1].preferences[0]`: no option is named \"x\""
    );
}
