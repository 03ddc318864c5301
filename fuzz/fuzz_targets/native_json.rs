//! Any byte string given to the native JSON parser yields a scenario or an
//! error, never a panic. A parsed scenario is valid, and writing it (with its
//! `forecast` section) as JSON or as TOML and reading that back gives the
//! same scenario and the same section: converting between the two native
//! formats keeps everything.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pactum_core::native;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(loaded) = native::from_json("fuzz.json", text) else {
        return;
    };
    loaded
        .scenario
        .validate()
        .expect("a parsed scenario is valid");

    let json = native::loaded_to_json(&loaded).expect("a valid scenario can be written as JSON");
    let again = native::from_json("again.json", &json).expect("written JSON reads back");
    assert_eq!(loaded.scenario, again.scenario);
    assert_eq!(loaded.forecast, again.forecast);

    let toml = native::loaded_to_toml(&loaded).expect("a valid scenario can be written as TOML");
    let again = native::from_toml("again.toml", &toml).expect("written TOML reads back");
    assert_eq!(loaded.scenario, again.scenario);
    assert_eq!(loaded.forecast, again.forecast);
});
