//! Any byte string given to the native TOML and JSON parsers yields a
//! scenario or an error, never a panic; a parsed scenario survives a
//! write/read round trip unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pactum_core::native;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(loaded) = native::from_toml("fuzz.toml", text) {
        let written = native::to_toml(&loaded.scenario).expect("a valid scenario can be written");
        let again = native::from_toml("again.toml", &written).expect("written TOML reads back");
        assert_eq!(loaded.scenario, again.scenario);
    }
    let _ = native::from_json("fuzz.json", text);
});
