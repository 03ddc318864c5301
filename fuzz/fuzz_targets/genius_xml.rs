//! Any byte string given to the GENIUS XML domain and profile parsers yields
//! issues/preferences or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pactum_core::genius;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Split the input: the first part is the domain, the rest a profile.
    let (domain, profile) = text.split_once("\u{0}").unwrap_or((text, text));
    if let Ok(issues) = genius::parse_domain("fuzz-domain.xml", domain) {
        let _ = genius::parse_profile("fuzz-profile.xml", profile, &issues);
    }
});
