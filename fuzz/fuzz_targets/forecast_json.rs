//! Any byte string given to the forecast section parser as JSON yields a
//! forecast scenario or an error, never a panic. Every case it builds passes
//! the forecasting models' own checks, and when the whole file is also a
//! valid native scenario, converting it to TOML gives the same forecasts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pactum_core::native;
use pactum_forecast::scenario::{self, ForecastScenario};

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

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(forecast) = scenario::parse_json_scenario(text, "fuzz.json") else {
        return;
    };
    for issue in &forecast.issues {
        issue
            .case
            .validate()
            .expect("a parsed forecast case is valid");
    }
    let Ok(loaded) = native::from_json("fuzz.json", text) else {
        return;
    };
    let toml = native::loaded_to_toml(&loaded).expect("a valid scenario can be written as TOML");
    let again =
        scenario::parse_scenario(&toml, "fuzz.toml").expect("the converted section reads back");
    assert_eq!(content(forecast), content(again));
});
