//! The check both forecast targets run, with the input read as TOML or as
//! JSON: the parser never panics, every case it builds passes the models'
//! own checks, and when the whole file is also a valid native scenario,
//! converting it to the other format gives the same forecasts.

use pactum_core::native;
use pactum_forecast::scenario::{self, ForecastScenario, Format};

/// The scenario without what depends on the file's name and layout
/// (its path, the lines of actors and issues).
fn content(mut s: ForecastScenario) -> ForecastScenario {
    s.file.clear();
    for a in &mut s.actors {
        a.line = None;
    }
    for i in &mut s.issues {
        i.line = None;
        i.case.source = None;
        for a in &mut i.case.actors {
            a.line = None;
        }
    }
    s
}

pub fn check(data: &[u8], format: Format) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(forecast) = scenario::parse_scenario_as(text, "fuzz", format) else {
        return;
    };
    for issue in &forecast.issues {
        issue
            .case
            .validate()
            .expect("a parsed forecast case is valid");
    }
    let (other, converted) = match format {
        Format::Toml => {
            let Ok(loaded) = native::from_toml("fuzz", text) else {
                return;
            };
            let json =
                native::loaded_to_json(&loaded).expect("a valid scenario can be written as JSON");
            (Format::Json, json)
        }
        Format::Json => {
            let Ok(loaded) = native::from_json("fuzz", text) else {
                return;
            };
            let toml =
                native::loaded_to_toml(&loaded).expect("a valid scenario can be written as TOML");
            (Format::Toml, toml)
        }
    };
    let again = scenario::parse_scenario_as(&converted, "fuzz", other)
        .expect("the converted section reads back");
    assert_eq!(content(forecast), content(again));
}
